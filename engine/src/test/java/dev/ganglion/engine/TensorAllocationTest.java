package dev.ganglion.engine;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

/** A tensor larger than the heap is refused up front, naming the shape, the bytes and the limit; a null dtype too. */
class TensorAllocationTest {
    @Test
    void aTensorLargerThanTheMaximumHeapIsRefusedNamingTheShape() {
        long heap = Runtime.getRuntime().maxMemory();
        long mostBytes = (long) Shape.MAX_ELEMENTS * Double.BYTES;
        assumeTrue(heap < mostBytes, "the heap holds the largest float64 tensor: nothing to refuse");
        int n = (int) Math.min(Shape.MAX_ELEMENTS, heap / Double.BYTES + 1);
        assertThatThrownBy(() -> Tensor.zeros(Shape.of(n), DType.F64))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Tensor.zeros: F64 [" + n + "] needs ")
                .hasMessageContaining("more than the JVM's maximum heap of")
                .hasMessageContaining("(-Xmx)");
        // the random initialisers too (a checkpoint's config of 40,000-wide layers had run out of memory in uniform)
        int f32 = (int) Math.min(Shape.MAX_ELEMENTS, heap / Float.BYTES + 1);
        assumeTrue(heap < (long) Shape.MAX_ELEMENTS * Float.BYTES, "the heap holds the largest float32 tensor");
        assertThatThrownBy(() -> new Rng(1).uniform(Shape.of(f32), -1, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("more than the JVM's maximum heap");
        assertThatThrownBy(() -> new Rng(1).normal(Shape.of(n), 0, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("normal: F64 [" + n + "] needs ");
    }

    @Test
    void aNullDtypeIsRefusedNotReadAsFloat64() {
        assertThatThrownBy(() -> Tensor.zeros(Shape.of(2), null)).isInstanceOf(NullPointerException.class)
                .hasMessage("Tensor.zeros: dtype is null");
        assertThatThrownBy(() -> Tensor.ones(2).to(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("Tensor.to: dtype is null");
    }
}
