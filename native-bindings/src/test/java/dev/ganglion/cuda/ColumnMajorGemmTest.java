package dev.ganglion.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ganglion.engine.kernel.ScalarGemm;
import dev.ganglion.engine.testing.Fixtures;
import org.junit.jupiter.api.Test;

/**
 * The row-major to column-major mapping, checked on the CPU: the cuBLAS arguments it produces, run
 * through a column-major reference sgemm on our row-major buffers, must give what ScalarGemm gives.
 */
class ColumnMajorGemmTest {
    @Test
    void swapsOperandsAndDimensions() {
        ColumnMajorGemm g = ColumnMajorGemm.of(false, true, 5, 7, 3, 3, 3, 7);
        assertThat(g).isEqualTo(new ColumnMajorGemm(CuBlas.OP_T, CuBlas.OP_N, 7, 5, 3, 3, 3, 7));
    }

    @Test
    void matchesRowMajorGemmForEveryTransposeAtAwkwardSizes() {
        int[] sizes = {1, 2, 7, 13, 33};
        long seed = 1;
        for (boolean transA : new boolean[] {false, true}) {
            for (boolean transB : new boolean[] {false, true}) {
                for (int m : sizes) {
                    for (int n : sizes) {
                        for (int k : new int[] {1, 3, 17}) {
                            check(transA, transB, m, n, k, seed++);
                        }
                    }
                }
            }
        }
    }

    @Test
    void honoursPaddedLeadingDimensionsAndBeta() {
        // Sub-matrices of wider buffers, as the block-diagonal slices use them.
        int m = 6;
        int n = 5;
        int k = 4;
        int lda = k + 3;
        int ldb = n + 2;
        int ldc = n + 5;
        float[] a = Fixtures.randomFloats(m * lda, 11);
        float[] b = Fixtures.randomFloats(k * ldb, 12);
        float[] c0 = Fixtures.randomFloats(m * ldc, 13);
        float[] expected = c0.clone();
        new ScalarGemm().gemm(false, false, m, n, k, 0.5f, a, 0, lda, b, 0, ldb, 2f, expected, 0, ldc);
        float[] actual = c0.clone();
        ColumnMajorGemm g = ColumnMajorGemm.of(false, false, m, n, k, lda, ldb, ldc);
        CpuReference.columnMajorGemm(g.opFirst(), g.opSecond(), g.m(), g.n(), g.k(), 0.5f,
                b, 0, g.ldFirst(), a, 0, g.ldSecond(), 2f, actual, 0, g.ldc());
        Fixtures.assertClose(actual, expected, 1e-5, 1e-6);
    }

    private static void check(boolean transA, boolean transB, int m, int n, int k, long seed) {
        int lda = transA ? m : k;
        int ldb = transB ? k : n;
        float[] a = Fixtures.randomFloats(m * k, seed);
        float[] b = Fixtures.randomFloats(k * n, seed + 1000);
        float[] expected = new float[m * n];
        new ScalarGemm().gemm(transA, transB, m, n, k, 1f, a, 0, lda, b, 0, ldb, 0f, expected, 0, n);
        float[] actual = new float[m * n];
        ColumnMajorGemm g = ColumnMajorGemm.of(transA, transB, m, n, k, lda, ldb, n);
        CpuReference.columnMajorGemm(g.opFirst(), g.opSecond(), g.m(), g.n(), g.k(), 1f,
                b, 0, g.ldFirst(), a, 0, g.ldSecond(), 0f, actual, 0, g.ldc());
        Fixtures.assertClose(actual, expected, 1e-5, 1e-6);
    }
}
