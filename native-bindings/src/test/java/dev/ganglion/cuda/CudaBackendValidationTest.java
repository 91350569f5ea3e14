package dev.ganglion.cuda;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ganglion.engine.DType;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.sparse.Bsr;
import dev.ganglion.engine.sparse.Csr;
import org.junit.jupiter.api.Test;

/**
 * The CUDA backend rejects bad operands before touching the device (so with no device at all: the
 * backend here has none), with the op and the shapes in the message, like the CPU backend.
 */
class CudaBackendValidationTest {
    private final CudaBackend cuda = new CudaBackend(null);

    @Test
    void matmulShapesAndDtypes() {
        assertThatThrownBy(() -> cuda.prepareMatmul(Tensor.zeros(2, 3), false, Tensor.zeros(4, 5), false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("CudaBackend.matmul: inner dimensions 3 and 4 differ (A [2, 3], B [4, 5])");
        assertThatThrownBy(() -> cuda.prepareMatmul(Tensor.zeros(2, 3), true, Tensor.zeros(2, 5), true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("inner dimensions 2 and 5");
        assertThatThrownBy(() -> cuda.prepareMatmul(Tensor.zeros(Shape.of(2, 3), DType.F64), false,
                Tensor.zeros(3, 5), false)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("CudaBackend.matmul: A must be float32");
    }

    @Test
    void sparseShapes() {
        Bsr w = Bsr.random(32, 16, 8, 8, 0.5, 1);
        assertThatThrownBy(() -> cuda.prepareLinear(w, Tensor.zeros(4, 32)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("CudaBackend.linear: x of shape [4, 32]").hasMessageContaining("last axis must be 16");
        assertThatThrownBy(() -> cuda.prepareLinearInputGrad(w, Tensor.zeros(4, 16)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CudaBackend.linearInputGrad");
        Csr c = Csr.random(32, 16, 0.25, 2);
        assertThatThrownBy(() -> cuda.prepareLinearWeightGrad(c, Tensor.zeros(3, 32), Tensor.zeros(4, 16)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("CudaBackend.linearWeightGrad: dy has shape [3, 32], expected [4, 32]");
        assertThatThrownBy(() -> cuda.prepareLinear(c, Tensor.zeros(Shape.of(4, 16), DType.F64)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("x must be float32");
    }
}
