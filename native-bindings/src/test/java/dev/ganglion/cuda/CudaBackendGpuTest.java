package dev.ganglion.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.backend.Backends;
import dev.ganglion.engine.backend.ComputeBackend;
import dev.ganglion.engine.backend.PreparedOp;
import dev.ganglion.engine.sparse.BlockDiagonal;
import dev.ganglion.engine.sparse.Bsr;
import dev.ganglion.engine.sparse.Csr;
import dev.ganglion.engine.sparse.SparseMatrix;
import dev.ganglion.engine.testing.Fixtures;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The CUDA backend against the CPU backend, product by product, through {@link Backends}. */
@Tag("gpu")
class CudaBackendGpuTest {
    private static ComputeBackend cuda;
    private static final ComputeBackend CPU = Backends.get("cpu");

    @BeforeAll
    static void open() {
        CudaDeviceInfo info = CudaDeviceInfo.system();
        assumeTrue(info.available(), () -> "no usable CUDA device: " + info.reason());
        GpuSupport.assumeLibrary(CudaLibrary.BLAS);
        GpuSupport.assumeLibrary(CudaLibrary.SPARSE);
        cuda = Backends.get("cuda");
    }

    @Test
    void matmulMatchesTheCpuForEveryTranspose() {
        int m = 33;
        int n = 17;
        int k = 129;
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                Tensor a = random(ta ? Shape.of(k, m) : Shape.of(m, k), 1);
                Tensor b = random(tb ? Shape.of(n, k) : Shape.of(k, n), 2);
                GpuSupport.assertRelativeError(result(cuda.prepareMatmul(a, ta, b, tb)),
                        result(CPU.prepareMatmul(a, ta, b, tb)), GpuSupport.FP32);
            }
        }
    }

    @Test
    void sparseProductsMatchTheCpuForEveryFormat() {
        for (SparseMatrix w : weights()) {
            Tensor x = random(Shape.of(2, 7, w.cols()), 3);
            Tensor dy = random(Shape.of(2, 7, w.rows()), 4);
            Tensor y = cuda.linear(w, x);
            assertThat(y.shape()).isEqualTo(Shape.of(2, 7, w.rows()));
            GpuSupport.assertRelativeError(y.toFloatArray(), CPU.linear(w, x).toFloatArray(), GpuSupport.FP32);
            GpuSupport.assertRelativeError(cuda.linearInputGrad(w, dy).toFloatArray(),
                    CPU.linearInputGrad(w, dy).toFloatArray(), GpuSupport.FP32);
            Tensor dw = cuda.linearWeightGrad(w, dy, x);
            assertThat(dw.shape()).isEqualTo(w.values().shape());
            GpuSupport.assertRelativeError(dw.toFloatArray(), CPU.linearWeightGrad(w, dy, x).toFloatArray(),
                    GpuSupport.FP32);
        }
    }

    @Test
    void aPreparedOpRepeatsOnResidentOperandsAndReleasesThem() {
        SparseMatrix w = weights().get(1);
        Tensor x = random(Shape.of(64, w.cols()), 5);
        PreparedOp op = cuda.prepareLinear(w, x);
        for (int i = 0; i < 50; i++) {
            op.run();
        }
        GpuSupport.assertRelativeError(op.result().toFloatArray(), CPU.linear(w, x).toFloatArray(), GpuSupport.FP32);
        assertThat(cuda.elapsedMillis(op::run)).isGreaterThan(0);
        op.close();
        op.close();
        assertThatThrownBy(op::run).isInstanceOf(IllegalStateException.class);
    }

    private static float[] result(PreparedOp op) {
        try (op) {
            op.run();
            return op.result().toFloatArray();
        }
    }

    /** Square and rectangular block-diagonal, BSR of 16×16 blocks, and CSR weights. */
    private static List<SparseMatrix> weights() {
        return List.of(
                BlockDiagonal.of(8, 256, 256, random(Shape.of(8, 32, 32), 6)),
                BlockDiagonal.of(4, 96, 64, random(Shape.of(4, 24, 16), 7)),
                Bsr.random(256, 192, 16, 16, 0.25, 8),
                Csr.random(200, 130, 0.05, 9));
    }

    private static Tensor random(Shape s, long seed) {
        return Tensor.wrap(Fixtures.randomFloats(s.size(), seed), s);
    }
}
