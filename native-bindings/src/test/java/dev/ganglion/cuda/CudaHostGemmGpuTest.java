package dev.ganglion.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.kernel.RoutedGemm;
import dev.ganglion.engine.kernel.ScalarGemm;
import dev.ganglion.engine.ops.Linalg;
import dev.ganglion.engine.sparse.BlockDiagonal;
import dev.ganglion.engine.sparse.SparseOps;
import dev.ganglion.engine.testing.Fixtures;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@link CudaHostGemm} (host arrays in and out of cuBLAS) against the reference GEMM, with offsets,
 * padded leading dimensions and every transpose; and the engine's products routed to it through
 * {@link RoutedGemm}, as {@code --device cuda} does.
 */
@Tag("gpu")
class CudaHostGemmGpuTest {
    private static CudaDevice device;
    private static CudaHostGemm gemm;

    @BeforeAll
    static void open() {
        device = GpuSupport.openOrSkip();
        GpuSupport.assumeLibrary(CudaLibrary.BLAS);
        gemm = new CudaHostGemm(device);
    }

    @AfterEach
    void detach() {
        RoutedGemm.engine().offloadTo(null);
    }

    @AfterAll
    static void close() {
        if (device != null) {
            device.close();
        }
    }

    /**
     * {@code C = α·op(A)·op(B) + β·C} on both kernels, every matrix stored from an offset with a
     * padded leading dimension; C's padding and the space around it must be left as they were.
     */
    private static void check(boolean ta, boolean tb, int m, int n, int k, float alpha, float beta, long seed) {
        int aRows = ta ? k : m;
        int aCols = ta ? m : k;
        int bRows = tb ? n : k;
        int bCols = tb ? k : n;
        int lda = aCols + 3;
        int ldb = bCols + 1;
        int ldc = n + 2;
        float[] a = Fixtures.randomFloats(5 + aRows * lda, seed);
        float[] b = Fixtures.randomFloats(2 + bRows * ldb, seed + 1);
        float[] c = beta == 0f ? new float[7 + m * ldc] : Fixtures.randomFloats(7 + m * ldc, seed + 2);
        if (beta == 0f) {
            for (int i = 0; i < m; i++) {   // β = 0: C is not read, so NaNs there must not show
                Arrays.fill(c, 7 + i * ldc, 7 + i * ldc + n, Float.NaN);
            }
        }
        float[] expected = c.clone();
        new ScalarGemm().gemm(ta, tb, m, n, k, alpha, a, 5, lda, b, 2, ldb, beta, expected, 7, ldc);
        gemm.gemm(ta, tb, m, n, k, alpha, a, 5, lda, b, 2, ldb, beta, c, 7, ldc);
        String what = m + "×" + n + "×" + k + (ta ? " Aᵀ" : "") + (tb ? " Bᵀ" : "") + " β=" + beta;
        for (int i = 0; i < c.length; i++) {
            int row = (i - 7) / ldc;
            int col = (i - 7) % ldc;
            boolean inC = i >= 7 && row < m && col < n;
            if (!inC) {
                assertThat(c[i]).as("%s: element %d outside C", what, i).isEqualTo(expected[i]);
            }
        }
        GpuSupport.assertRelativeError(c, expected, GpuSupport.FP32);
    }

    @Test
    void matchesTheReferenceForEveryTransposeWithOffsetsAndPaddedRows() {
        long seed = 1;
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                for (int[] mnk : new int[][] {{1, 1, 1}, {17, 33, 65}, {130, 7, 257}, {64, 129, 31}}) {
                    check(ta, tb, mnk[0], mnk[1], mnk[2], 0.75f, 0f, seed++);
                    check(ta, tb, mnk[0], mnk[1], mnk[2], -1.5f, 0.5f, seed++);
                }
            }
        }
    }

    @Test
    void packedOperandsAndRowsLargerThanTheStagingBuffer() {
        float[] a = Fixtures.randomFloats(300 * 200, 3);
        float[] b = Fixtures.randomFloats(200 * 100, 4);
        float[] c = new float[300 * 100];
        float[] expected = new float[300 * 100];
        new ScalarGemm().gemm(false, false, 300, 100, 200, 1f, a, 0, 200, b, 0, 100, 0f, expected, 0, 100);
        gemm.gemm(false, false, 300, 100, 200, 1f, a, 0, 200, b, 0, 100, 0f, c, 0, 100);
        GpuSupport.assertRelativeError(c, expected, GpuSupport.FP32);

        int k = CudaDevice.STAGING_BYTES / 4 + 1000;   // one row of A is longer than the staging buffer
        float[] row = Fixtures.randomFloats(k + 9, 5);
        float[] bt = Fixtures.randomFloats(2 * k, 6);
        float[] dot = new float[2];
        double[] exact = new double[2];
        for (int j = 0; j < 2; j++) {
            for (int p = 0; p < k; p++) {
                exact[j] += (double) row[9 + p] * bt[j * k + p];
            }
        }
        gemm.gemm(false, true, 1, 2, k, 1f, row, 9, k + 9, bt, 0, k, 0f, dot, 0, 2);
        GpuSupport.assertRelativeError(dot, new float[] {(float) exact[0], (float) exact[1]}, GpuSupport.FP32);
    }

    @Test
    void emptyProductsScaleCOrDoNothing() {
        float[] c = {1f, 2f, 3f, 4f};
        gemm.gemm(false, false, 2, 2, 0, 1f, new float[0], 0, 1, new float[0], 0, 2, 0.5f, c, 0, 2);
        assertThat(c).containsExactly(0.5f, 1f, 1.5f, 2f);
        gemm.gemm(false, false, 2, 2, 0, 1f, new float[0], 0, 1, new float[0], 0, 2, 0f, c, 0, 2);
        assertThat(c).containsExactly(0f, 0f, 0f, 0f);
        float[] untouched = {9f};
        gemm.gemm(false, false, 0, 1, 3, 1f, new float[0], 0, 3, new float[3], 0, 1, 0f, untouched, 0, 1);
        assertThat(untouched).containsExactly(9f);
    }

    @Test
    void anOperandOutsideItsArrayIsNamed() {
        assertThatThrownBy(() -> gemm.gemm(false, false, 4, 4, 4, 1f, new float[15], 0, 4, new float[16], 0, 4,
                0f, new float[16], 0, 4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("CudaHostGemm.gemm: A is 4×4 from offset 0 with leading dimension 4, which does not fit "
                        + "its 15-element array");
        assertThatThrownBy(() -> gemm.gemm(false, false, 4, 4, 4, 1f, new float[16], 0, 4, new float[16], 0, 4,
                0f, new float[16], 1, 4))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("C is 4×4 from offset 1");
    }

    @Test
    void theEnginesProductsRouteToTheDevice() {
        Tensor a = Tensor.wrap(Fixtures.randomFloats(96 * 200, 7), Shape.of(96, 200));
        Tensor b = Tensor.wrap(Fixtures.randomFloats(200 * 130, 8), Shape.of(200, 130));
        BlockDiagonal w = BlockDiagonal.of(4, 256, 128,
                Tensor.wrap(Fixtures.randomFloats(4 * 64 * 32, 9), Shape.of(4, 64, 32)));
        Tensor x = Tensor.wrap(Fixtures.randomFloats(50 * 128, 10), Shape.of(50, 128));
        float[] product = Linalg.matmul(a, b).toFloatArray();
        float[] layer = SparseOps.linear(x, w).toFloatArray();

        RoutedGemm.engine().offloadTo(gemm, RoutedGemm.Policy.DEVICE);
        GpuSupport.assertRelativeError(Linalg.matmul(a, b).toFloatArray(), product, GpuSupport.FP32);
        GpuSupport.assertRelativeError(SparseOps.linear(x, w).toFloatArray(), layer, GpuSupport.FP32);
        assertThat(RoutedGemm.engine().decisions()).hasSizeGreaterThanOrEqualTo(2)   // the product and the blocks
                .allMatch(RoutedGemm.Decision::onDevice);
    }

    @Test
    void measuredRoutingKeepsATinyProductOnTheCpu() {
        RoutedGemm router = new RoutedGemm(new ScalarGemm());
        router.offloadTo(gemm);
        float[] c = new float[16];
        router.gemm(false, false, 4, 4, 4, 1f, Fixtures.randomFloats(16, 11), 0, 4, Fixtures.randomFloats(16, 12), 0, 4,
                0f, c, 0, 4);
        RoutedGemm.Decision d = router.decisions().getFirst();
        assertThat(d.onDevice()).as("%s", d).isFalse();
        assertThat(d.deviceMillis()).isGreaterThan(d.cpuMillis());
    }
}
