package dev.ganglion.engine.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.kernel.BinaryKernel;
import dev.ganglion.engine.kernel.ReduceKernel;
import dev.ganglion.engine.kernel.ScalarBinary;
import dev.ganglion.engine.kernel.ScalarReduce;
import dev.ganglion.engine.kernel.ScalarUnary;
import dev.ganglion.engine.kernel.UnaryKernel;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Runs in a JVM without {@code jdk.incubator.vector}: the ops fall back to the scalar kernels and still work. */
@Tag("no-vector-module")
class OpsWithoutVectorModuleTest {
    @Test
    void opsRunOnScalarKernels() {
        assertThat(UnaryKernel.active()).isInstanceOf(ScalarUnary.class);
        assertThat(BinaryKernel.active()).isInstanceOf(ScalarBinary.class);
        assertThat(ReduceKernel.active()).isInstanceOf(ScalarReduce.class);
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor y = Elementwise.add(x, Tensor.of(new float[] {10, 20, 30}, 3));
        assertThat(y.toFloatArray()).containsExactly(11, 22, 33, 14, 25, 36);
        assertThat(Reductions.sum(y, false, 0).toFloatArray()).containsExactly(25, 47, 69);
        float[] p = Reductions.softmax(x, 1).toFloatArray();
        assertThat(p[0] + p[1] + p[2]).isCloseTo(1f, Offset.offset(1e-6f));
        assertThat(Elementwise.exp(x).get(1, 2)).isCloseTo(Math.exp(6), Offset.offset(1e-3));
    }
}
