package dev.ganglion.engine.kernel;

import static dev.ganglion.engine.testing.Fixtures.assertClose;
import static dev.ganglion.engine.testing.Fixtures.randomFloats;
import static dev.ganglion.engine.testing.Fixtures.randomIndex;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ganglion.engine.simd.SimdBsr;
import dev.ganglion.engine.simd.SimdCsr;
import dev.ganglion.engine.testing.Fixtures;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * SIMD vs scalar BSR and CSR kernels at awkward sizes: panel widths around the vector and tile
 * widths, block sizes 1–16 (square and not), empty rows, zero entries, value offsets, accumulate.
 */
@Tag("parity")
class SparseKernelParityTest {
    private static final int[] PANEL_WIDTHS = {16, 32, 48, 64, 80, 96, 112, 128, 144, 208, 256, 384};
    private static final int[] BLOCKS = {1, 2, 3, 4, 8, 16};
    private static final double RTOL = 1e-5;
    private static final double ATOL = 1e-5;

    @Test
    void csrSpmmBothDirections() {
        CsrKernel simd = new SimdCsr();
        CsrKernel scalar = new ScalarCsr();
        for (int ld : PANEL_WIDTHS) {
            for (double p : new double[] {0, 0.1, 0.6, 1}) {
                SparseIndex w = randomIndex(13, 17, p, ld);
                float[] v = randomFloats(w.entries() + 3, 1);
                for (boolean transposed : new boolean[] {false, true}) {
                    int out = transposed ? w.minors : w.majors;
                    int in = transposed ? w.majors : w.minors;
                    MemorySegment s = panel(randomFloats(in * ld, 2));
                    MemorySegment a = panel(nans(out * ld));
                    MemorySegment b = panel(nans(out * ld));
                    int[] ptr = transposed ? w.transposed("t").tPtr : w.ptr;
                    int[] idx = transposed ? w.transposed("t").tIdx : w.idx;
                    float[] vs = transposed ? inOrder(v, 3, w.transposed("t").tPerm) : v;
                    int vOff = transposed ? 0 : 3;
                    simd.spmm(0, out, ptr, idx, vs, vOff, s, a, ld);
                    scalar.spmm(0, out, ptr, idx, vs, vOff, s, b, ld);
                    assertClose(floats(a), floats(b), RTOL, ATOL);
                }
            }
        }
    }

    /** {@code v[vOff + perm[p]]} for every p: values in the order of the column-major twin. */
    private static float[] inOrder(float[] v, int vOff, int[] perm) {
        float[] out = new float[perm.length];
        for (int p = 0; p < perm.length; p++) {
            out[p] = v[vOff + perm[p]];
        }
        return out;
    }

    /**
     * The rows a layer's last product finishes ({@link CsrKernel#addRows}): the same bits as the
     * reference at every batch (the vector part and the scalar tail), with and without accumulation,
     * bias (at an offset) and ReLU, over values that include NaN, ±0 and negatives; rows outside
     * {@code [from, to)} untouched.
     */
    @Test
    void csrAddRowsMatchesScalarBitForBit() {
        CsrKernel simd = new SimdCsr();
        CsrKernel scalar = new ScalarCsr();
        int rows = 7;
        for (int batch : Fixtures.AWKWARD) {
            int ld = SparsePanel.width(batch);
            float[] d = randomFloats(rows * ld, batch);
            d[0] = Float.NaN;
            d[ld - 1] = -0f;
            MemorySegment panel = panel(d);
            float[] before = randomFloats(rows * batch + 2, batch + 1);
            before[before.length - 3] = 0f;
            for (float[] bias : new float[][] {null, randomFloats(rows + 3, batch + 2)}) {
                for (boolean relu : new boolean[] {false, true}) {
                    for (boolean accumulate : new boolean[] {false, true}) {
                        RowEpilogue e = new RowEpilogue(bias, bias == null ? 0 : 3, relu);
                        float[] a = before.clone();
                        float[] b = before.clone();
                        simd.addRows(panel, ld, batch, 1, rows - 1, a, 2, accumulate, e);
                        scalar.addRows(panel, ld, batch, 1, rows - 1, b, 2, accumulate, e);
                        String what = "batch " + batch + " bias " + (bias != null) + " relu " + relu + " acc " + accumulate;
                        assertThat(a).as(what).containsExactly(b);
                        assertThat(Arrays.copyOf(a, 2 + batch)).as(what + ": row 0 untouched")
                                .containsExactly(Arrays.copyOf(before, 2 + batch));
                        int q = 3;
                        float sum = accumulate ? before[2 + q * batch] + d[q * ld] : d[q * ld];
                        float expect = bias == null ? sum : sum + bias[3 + q];
                        assertThat(b[2 + q * batch]).as(what + ": the definition")
                                .isEqualTo(relu ? Math.max(expect, 0f) : expect);
                    }
                }
            }
        }
    }

    @Test
    void csrGatherMatchesScalarBitForBit() {
        CsrKernel simd = new SimdCsr();
        CsrKernel scalar = new ScalarCsr();
        for (int n : new int[] {0, 1, 15, 16, 17, 31, 33, 100, 1027}) {
            SplittableRandom r = new SplittableRandom(n);
            float[] src = randomFloats(n + 5, n);
            int[] perm = new int[n];
            for (int p = 0; p < n; p++) {
                perm[p] = r.nextInt(n);
            }
            for (int from : new int[] {0, Math.min(n, 3)}) {
                float[] a = nans(n + 2);
                float[] b = nans(n + 2);
                simd.gather(src, 5, perm, from, n, a, 2);
                scalar.gather(src, 5, perm, from, n, b, 2);
                assertThat(a).as("n=%d from=%d", n, from).containsExactly(b);
                for (int p = from; p < n; p++) {
                    assertThat(a[2 + p]).isEqualTo(src[5 + perm[p]]);
                }
                for (int i = 0; i < 2 + from; i++) {
                    assertThat(a[i]).as("untouched before entry %d", from).isNaN();
                }
            }
        }
    }

    @Test
    void csrSddmm() {
        CsrKernel simd = new SimdCsr();
        CsrKernel scalar = new ScalarCsr();
        for (int ld : PANEL_WIDTHS) {
            for (double p : new double[] {0, 0.15, 0.7, 1}) {
                SparseIndex w = randomIndex(9, 23, p, ld + 1);
                MemorySegment a = panel(randomFloats(w.majors * ld, 3));
                MemorySegment s = panel(randomFloats(w.minors * ld, 4));
                for (boolean acc : new boolean[] {false, true}) {
                    float[] x = randomFloats(w.entries() + 5, 5);
                    float[] y = x.clone();
                    simd.sddmm(0, w.majors, w.ptr, w.idx, a, s, ld, x, 5, acc);
                    scalar.sddmm(0, w.majors, w.ptr, w.idx, a, s, ld, y, 5, acc);
                    assertClose(x, y, RTOL, ATOL);
                }
            }
        }
    }

    /**
     * The fused backward sweep against the two products it replaces, bit for bit (reference against
     * reference, SIMD against SIMD): columns of up to 30 entries (so both the 16-entry reductions and
     * their tails run), every panel width.
     */
    @Test
    void csrFusedBackwardSweepMatchesSpmmAndSddmm() {
        for (int ld : PANEL_WIDTHS) {
            for (double p : new double[] {0, 0.3, 1}) {
                checkFusedSweep(randomIndex(40, 13, p, ld + 7), ld);
            }
        }
    }

    /**
     * The same with panels of 350–600 KiB, which the SIMD sweep and SDDMM gather from in two or three
     * passes over row ranges: the passes must sum each dX row and each dot product in the one-pass
     * order, bit for bit, also for columns that have no entries in some passes.
     */
    @Test
    void csrSweepsOverLargePanelsInPartsSumAsInOnePass() {
        for (int ld : new int[] {128, 144, 208}) {
            checkFusedSweep(randomIndex(700, 650, 0.05, ld), ld);
            checkFusedSweep(randomIndex(700, 650, 0.004, ld), ld); // many columns with no entries in a pass
        }
    }

    private static void checkFusedSweep(SparseIndex w, int ld) {
        CsrKernel simd = new SimdCsr();
        CsrKernel scalar = new ScalarCsr();
        float[] vt = inOrder(randomFloats(w.entries() + 2, 6), 2, w.transposed("t").tPerm);
        MemorySegment dy = panel(randomFloats(w.majors * ld, 7));
        MemorySegment x = panel(randomFloats(w.minors * ld, 8));
        MemorySegment dxSimd = panel(nans(w.minors * ld));
        MemorySegment dxScalar = panel(nans(w.minors * ld));
        MemorySegment dxSeparate = panel(nans(w.minors * ld));
        float[] dotsSimd = new float[w.entries()];
        float[] dotsScalar = new float[w.entries()];
        simd.spmmSddmm(0, w.minors, w.transposed("t").tPtr, w.transposed("t").tIdx, vt, 0, dy, x, dxSimd, ld, dotsSimd, 0);
        scalar.spmmSddmm(0, w.minors, w.transposed("t").tPtr, w.transposed("t").tIdx, vt, 0, dy, x, dxScalar, ld, dotsScalar, 0);
        scalar.spmm(0, w.minors, w.transposed("t").tPtr, w.transposed("t").tIdx, vt, 0, dy, dxSeparate, ld);
        float[] dv = new float[w.entries()];
        scalar.sddmm(0, w.majors, w.ptr, w.idx, dy, x, ld, dv, 0, false);
        // The reference sums exactly as the separate products do, so it must equal them.
        assertThat(floats(dxScalar)).isEqualTo(floats(dxSeparate));
        assertThat(dotsScalar).isEqualTo(inOrder(dv, 0, w.transposed("t").tPerm));
        assertClose(floats(dxSimd), floats(dxScalar), RTOL, ATOL);
        assertClose(dotsSimd, dotsScalar, RTOL, ATOL);
        // and the SIMD sweep sums in the order of the SIMD products it replaces
        MemorySegment dxSimdSeparate = panel(nans(w.minors * ld));
        simd.spmm(0, w.minors, w.transposed("t").tPtr, w.transposed("t").tIdx, vt, 0, dy, dxSimdSeparate, ld);
        float[] dvSimd = new float[w.entries()];
        simd.sddmm(0, w.majors, w.ptr, w.idx, dy, x, ld, dvSimd, 0, false);
        assertThat(floats(dxSimd)).isEqualTo(floats(dxSimdSeparate));
        assertThat(dotsSimd).isEqualTo(inOrder(dvSimd, 0, w.transposed("t").tPerm));
    }

    @Test
    void bsrSpmmBothDirections() {
        BsrKernel simd = new SimdBsr();
        BsrKernel scalar = new ScalarBsr();
        for (int r : BLOCKS) {
            for (int c : BLOCKS) {
                int ld = PANEL_WIDTHS[(r + c) % PANEL_WIDTHS.length];
                SparseIndex w = randomIndex(5, 4, 0.5, r * 31 + c);
                float[] v = randomFloats(w.entries() * r * c + 2, r + c);
                // forward reads block rows; input-grad reads blocks transposed over the column-major index
                check(simd, scalar, w.majors, w.ptr, w.idx, null, r, c, c, 1, v, w.minors * c, ld);
                check(simd, scalar, w.minors, w.transposed("t").tPtr, w.transposed("t").tIdx, w.transposed("t").tPerm, c, r, 1, c, v, w.majors * r, ld);
            }
        }
    }

    private static void check(BsrKernel simd, BsrKernel scalar, int lines, int[] ptr, int[] idx, int[] perm,
                              int outDim, int inDim, int os, int is, float[] v, int inRows, int ld) {
        MemorySegment s = panel(randomFloats(inRows * ld, 9));
        MemorySegment a = panel(nans(lines * outDim * ld));
        MemorySegment b = panel(nans(lines * outDim * ld));
        simd.spmm(0, lines, ptr, idx, perm, outDim, inDim, os, is, v, 2, s, a, ld);
        scalar.spmm(0, lines, ptr, idx, perm, outDim, inDim, os, is, v, 2, s, b, ld);
        assertClose(floats(a), floats(b), RTOL, ATOL);
    }

    @Test
    void bsrSddmm() {
        BsrKernel simd = new SimdBsr();
        BsrKernel scalar = new ScalarBsr();
        for (int r : BLOCKS) {
            for (int c : BLOCKS) {
                int ld = PANEL_WIDTHS[(r * c) % PANEL_WIDTHS.length];
                SparseIndex w = randomIndex(4, 5, 0.5, r * 7 + c);
                MemorySegment a = panel(randomFloats(w.majors * r * ld, 1));
                MemorySegment s = panel(randomFloats(w.minors * c * ld, 2));
                for (boolean acc : new boolean[] {false, true}) {
                    float[] x = randomFloats(w.entries() * r * c + 1, 3);
                    float[] y = x.clone();
                    simd.sddmm(0, w.majors, w.ptr, w.idx, r, c, a, s, ld, x, 1, acc);
                    scalar.sddmm(0, w.majors, w.ptr, w.idx, r, c, a, s, ld, y, 1, acc);
                    assertClose(x, y, RTOL, ATOL);
                }
            }
        }
    }

    @Test
    void fullProductsAtAwkwardBatches() {
        CsrProducts csrSimd = new CsrProducts(new SimdCsr());
        CsrProducts csrScalar = new CsrProducts(new ScalarCsr());
        BsrProducts bsrSimd = new BsrProducts(new SimdBsr());
        BsrProducts bsrScalar = new BsrProducts(new ScalarBsr());
        for (int batch : new int[] {1, 2, 3, 7, 13, 17, 33, 65, 129}) {
            SparseIndex w = randomIndex(11, 7, 0.4, batch);
            products(batch, w, 1, 1, csrSimd::forward, csrScalar::forward, csrSimd::inputGrad, csrScalar::inputGrad);
            weightGrads(batch, w, 1, 1, csrSimd::weightGrad, csrScalar::weightGrad);
            int r = BLOCKS[batch % BLOCKS.length];
            int c = BLOCKS[(batch + 2) % BLOCKS.length];
            products(batch, w, r, c,
                    (i, v, vo, n, x, xo, y, yo, acc) -> bsrSimd.forward(i, r, c, v, vo, n, x, xo, y, yo, acc),
                    (i, v, vo, n, x, xo, y, yo, acc) -> bsrScalar.forward(i, r, c, v, vo, n, x, xo, y, yo, acc),
                    (i, v, vo, n, x, xo, y, yo, acc) -> bsrSimd.inputGrad(i, r, c, v, vo, n, x, xo, y, yo, acc),
                    (i, v, vo, n, x, xo, y, yo, acc) -> bsrScalar.inputGrad(i, r, c, v, vo, n, x, xo, y, yo, acc));
            weightGrads(batch, w, r, c,
                    (i, n, dy, dyo, x, xo, dv, dvo, acc) -> bsrSimd.weightGrad(i, r, c, n, dy, dyo, x, xo, dv, dvo, acc),
                    (i, n, dy, dyo, x, xo, dv, dvo, acc) -> bsrScalar.weightGrad(i, r, c, n, dy, dyo, x, xo, dv, dvo, acc));
        }
    }

    /** Both backward products from one call equal the two separate calls, with and without accumulation. */
    @Test
    void csrBackwardWithBothOutputsMatchesSeparateCalls() {
        for (CsrProducts products : new CsrProducts[] {new CsrProducts(new SimdCsr()), new CsrProducts(new ScalarCsr())}) {
            for (int batch : new int[] {1, 13, 128, 129}) {
                SparseIndex w = randomIndex(37, 21, 0.5, batch);
                float[] v = randomFloats(w.entries() + 1, batch);
                float[] x = randomFloats(batch * w.minors + 2, batch + 1);
                float[] dy = randomFloats(batch * w.majors + 3, batch + 2);
                for (boolean accDx : new boolean[] {false, true}) {
                    for (boolean accDv : new boolean[] {false, true}) {
                        float[] dx1 = randomFloats(batch * w.minors + 1, 4);
                        float[] dx2 = dx1.clone();
                        float[] dv1 = randomFloats(w.entries() + 2, 5);
                        float[] dv2 = dv1.clone();
                        products.backward(w, v, 1, batch, dy, 3, x, 2, dx1, 1, accDx, dv1, 2, accDv);
                        products.inputGrad(w, v, 1, batch, dy, 3, dx2, 1, accDx);
                        products.weightGrad(w, batch, dy, 3, x, 2, dv2, 2, accDv);
                        assertClose(dx1, dx2, RTOL, ATOL);
                        assertClose(dv1, dv2, RTOL, ATOL);
                    }
                }
            }
        }
    }

    interface Product {
        void run(SparseIndex w, float[] v, int vOff, int batch, float[] in, int inOff, float[] out, int outOff, boolean acc);
    }

    interface WeightGrad {
        void run(SparseIndex w, int batch, float[] dy, int dyOff, float[] x, int xOff, float[] dv, int dvOff, boolean acc);
    }

    private static void products(int batch, SparseIndex w, int r, int c, Product fs, Product fr, Product gs, Product gr) {
        int rows = w.majors * r;
        int cols = w.minors * c;
        float[] v = randomFloats(w.entries() * r * c + 1, batch);
        float[] x = randomFloats(batch * cols + 2, batch + 1);
        float[] dy = randomFloats(batch * rows + 2, batch + 2);
        for (boolean acc : new boolean[] {false, true}) {
            float[] y1 = randomFloats(batch * rows + 1, 8);
            float[] y2 = y1.clone();
            fs.run(w, v, 1, batch, x, 2, y1, 1, acc);
            fr.run(w, v, 1, batch, x, 2, y2, 1, acc);
            assertClose(y1, y2, RTOL, ATOL);
            float[] dx1 = randomFloats(batch * cols + 3, 9);
            float[] dx2 = dx1.clone();
            gs.run(w, v, 1, batch, dy, 2, dx1, 3, acc);
            gr.run(w, v, 1, batch, dy, 2, dx2, 3, acc);
            assertClose(dx1, dx2, RTOL, ATOL);
        }
    }

    private static void weightGrads(int batch, SparseIndex w, int r, int c, WeightGrad s, WeightGrad ref) {
        float[] x = randomFloats(batch * w.minors * c, batch + 1);
        float[] dy = randomFloats(batch * w.majors * r, batch + 2);
        for (boolean acc : new boolean[] {false, true}) {
            float[] d1 = randomFloats(w.entries() * r * c + 4, 7);
            float[] d2 = d1.clone();
            s.run(w, batch, dy, 0, x, 0, d1, 4, acc);
            ref.run(w, batch, dy, 0, x, 0, d2, 4, acc);
            assertClose(d1, d2, RTOL, ATOL);
        }
    }

    /** An aligned panel holding a copy of f (panels are native memory). */
    private static MemorySegment panel(float[] f) {
        MemorySegment m = SparsePanel.allocateFloats(f.length);
        MemorySegment.copy(f, 0, m, SparsePanel.FLOAT, 0, f.length);
        return m;
    }

    private static float[] floats(MemorySegment m) {
        return m.toArray(SparsePanel.FLOAT);
    }

    private static float[] nans(int n) {
        float[] a = new float[n];
        Arrays.fill(a, Float.NaN);
        return a;
    }
}
