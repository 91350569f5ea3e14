package dev.ganglion.engine.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ganglion.engine.DType;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import org.junit.jupiter.api.Test;

class CallScratchTest {
    @Test
    void givesContiguousFloat32TensorsOfTheShapeThatLiveOnesNeverShare() {
        try (CallScratch a = CallScratch.take(Shape.of(3, 5)); CallScratch b = CallScratch.take(Shape.of(2, 2, 2))) {
            assertThat(a.tensor().shape()).isEqualTo(Shape.of(3, 5));
            assertThat(b.tensor().shape()).isEqualTo(Shape.of(2, 2, 2));
            assertThat(a.tensor().isContiguous()).isTrue();
            assertThat(a.tensor().dtype()).isEqualTo(DType.F32);
            assertThat(a.tensor().floatArray()).isNotSameAs(b.tensor().floatArray());
        }
    }

    @Test
    void theStorageGivenBackServesTheNextCall() {
        Tensor first;
        try (CallScratch s = CallScratch.take(Shape.of(64, 100))) {
            first = s.tensor();
            first.fill(7);
        }
        try (CallScratch s = CallScratch.take(Shape.of(10, 10))) { // smaller: the same storage, values as left
            assertThat(s.tensor().floatArray()).isSameAs(first.floatArray());
            assertThat(s.tensor().toFloatArray()).containsOnly(7f);
        }
        try (CallScratch s = CallScratch.take(Shape.of(65, 100))) { // larger: new storage
            assertThat(s.tensor().floatArray()).isNotSameAs(first.floatArray());
        }
    }
}
