package dev.ganglion.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ganglion.engine.testing.Fixtures;
import org.junit.jupiter.api.Test;

/**
 * The cuSPARSE descriptor arguments for the sparse-layer products, interpreted on the CPU with the
 * semantics cuSPARSE documents ({@code cusparseCreateDnMat}: element (r, c) at {@code c·ld + r} in
 * column order, {@code r·ld + c} in row order; SpMM {@code C = op(A)·op(B)}; SDDMM
 * {@code C = (op(A)·op(B)) ∘ spy(C)}), on our row-major buffers, against dense references.
 */
class SparseLayoutTest {
    private static final int BATCH = 5;
    private static final int OUT = 7;
    private static final int IN = 4;

    @Test
    void forwardComputesXTimesWTransposed() {
        float[] w = Fixtures.randomFloats(OUT * IN, 1);
        float[] x = Fixtures.randomFloats(BATCH * IN, 2);
        float[] y = new float[BATCH * OUT];
        SparseLayout.Spmm l = SparseLayout.forward(BATCH, OUT, IN);
        spmm(l, w, OUT, IN, x, y);
        Fixtures.assertClose(y, CpuReference.matmul(false, true, x, w, BATCH, OUT, IN), 1e-5, 1e-6);
    }

    @Test
    void inputGradComputesDyTimesWBothWays() {
        float[] w = Fixtures.randomFloats(OUT * IN, 3);
        float[] dy = Fixtures.randomFloats(BATCH * OUT, 4);
        float[] expected = CpuReference.matmul(false, false, dy, w, BATCH, IN, OUT);

        float[] viaTranspose = new float[BATCH * IN];
        spmm(SparseLayout.inputGrad(BATCH, OUT, IN, false), w, OUT, IN, dy, viaTranspose);
        Fixtures.assertClose(viaTranspose, expected, 1e-5, 1e-6);

        // The CSC view of W's arrays is Wᵀ itself: pass Wᵀ as the sparse operand.
        float[] wt = transpose(w, OUT, IN);
        float[] viaView = new float[BATCH * IN];
        spmm(SparseLayout.inputGrad(BATCH, OUT, IN, true), wt, IN, OUT, dy, viaView);
        Fixtures.assertClose(viaView, expected, 1e-5, 1e-6);
    }

    @Test
    void productsOnTransposedOperandsGiveTheTransposedResults() {
        // DeviceKernels.transpose makes Xᵀ and dYᵀ row-major; the products leave Yᵀ and dXᵀ row-major.
        float[] w = Fixtures.randomFloats(OUT * IN, 7);
        float[] x = Fixtures.randomFloats(BATCH * IN, 8);
        float[] yt = new float[OUT * BATCH];
        spmm(SparseLayout.forwardOnTransposed(BATCH, OUT, IN), w, OUT, IN, transpose(x, BATCH, IN), yt);
        Fixtures.assertClose(transpose(yt, OUT, BATCH), CpuReference.matmul(false, true, x, w, BATCH, OUT, IN),
                1e-5, 1e-6);

        float[] dy = Fixtures.randomFloats(BATCH * OUT, 9);
        float[] dxt = new float[IN * BATCH];
        spmm(SparseLayout.inputGradOnTransposed(BATCH, OUT, IN), transpose(w, OUT, IN), IN, OUT,
                transpose(dy, BATCH, OUT), dxt);
        Fixtures.assertClose(transpose(dxt, IN, BATCH), CpuReference.matmul(false, false, dy, w, BATCH, IN, OUT),
                1e-5, 1e-6);
    }

    @Test
    void weightGradComputesDyTransposedTimesXInBothLayouts() {
        float[] dy = Fixtures.randomFloats(BATCH * OUT, 5);
        float[] x = Fixtures.randomFloats(BATCH * IN, 6);
        float[] expected = CpuReference.matmul(true, false, dy, x, OUT, IN, BATCH);
        for (boolean rowMajor : new boolean[] {true, false}) {
            SparseLayout.Sddmm l = SparseLayout.weightGrad(BATCH, OUT, IN, rowMajor);
            float[] dw = new float[OUT * IN];
            for (int r = 0; r < OUT; r++) {
                for (int c = 0; c < IN; c++) {
                    double acc = 0;
                    for (int p = 0; p < BATCH; p++) {
                        acc += (double) op(l.opA(), l.a(), dy, r, p) * op(l.opB(), l.b(), x, p, c);
                    }
                    dw[r * IN + c] = (float) acc;
                }
            }
            Fixtures.assertClose(dw, expected, 1e-5, 1e-6);
        }
    }

    @Test
    void denseDescriptorsHaveValidLeadingDimensions() {
        for (SparseLayout.Dense d : new SparseLayout.Dense[] {SparseLayout.forward(BATCH, OUT, IN).b(),
                SparseLayout.forward(BATCH, OUT, IN).c(), SparseLayout.weightGrad(BATCH, OUT, IN, true).a()}) {
            long minimum = d.order() == CuSparse.ORDER_COL ? d.rows() : d.cols();
            assertThat(d.ld()).isGreaterThanOrEqualTo(minimum);
        }
    }

    /** SpMM {@code C = op(A)·op(B)} with A a dense {@code aRows×aCols} row-major stand-in for the sparse matrix. */
    private static void spmm(SparseLayout.Spmm l, float[] a, int aRows, int aCols, float[] b, float[] c) {
        long m = l.c().rows();
        long n = l.c().cols();
        long k = l.opA() == CuSparse.OP_N ? aCols : aRows;
        assertThat(l.opA() == CuSparse.OP_N ? aRows : aCols).isEqualTo((int) m);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double acc = 0;
                for (int p = 0; p < k; p++) {
                    double av = l.opA() == CuSparse.OP_N ? a[i * aCols + p] : a[p * aCols + i];
                    acc += av * op(l.opB(), l.b(), b, p, j);
                }
                c[index(l.c(), i, j)] = (float) acc;
            }
        }
    }

    /** Element (r, c) of op(M) where M is described by {@code d} over {@code data}. */
    private static float op(int op, SparseLayout.Dense d, float[] data, int r, int c) {
        return op == CuSparse.OP_N ? data[index(d, r, c)] : data[index(d, c, r)];
    }

    private static int index(SparseLayout.Dense d, long r, long c) {
        assertThat(r).isLessThan(d.rows());
        assertThat(c).isLessThan(d.cols());
        return (int) (d.order() == CuSparse.ORDER_COL ? c * d.ld() + r : r * d.ld() + c);
    }

    private static float[] transpose(float[] m, int rows, int cols) {
        float[] t = new float[m.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = m[r * cols + c];
            }
        }
        return t;
    }
}
