package dev.ganglion.engine.sparse;

import static dev.ganglion.engine.sparse.SparseTesting.assertNear;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ganglion.engine.DType;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.kernel.BatchLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every format's forward product and both backward products against the dense computation in
 * float64 (to dense → multiply → compare; the SDDMM against the dense gradient masked by the pattern).
 */
class SparseProductsTest {

    static Stream<Arguments> cases() {
        List<Arguments> c = new ArrayList<>();
        int[][] bd = {{1, 1, 1, 1}, {3, 2, 3, 5}, {7, 4, 8, 8}, {13, 3, 5, 2}, {33, 16, 4, 4}, {17, 1, 13, 7}, {129, 4, 16, 16}};
        for (int[] s : bd) {
            BlockDiagonal w = SparseTesting.randomValues(BlockDiagonal.zeros(s[1], s[1] * s[2], s[1] * s[3], DType.F32), s[0]);
            c.add(Arguments.of(w.toString(), w, s[0]));
        }
        int[][] bsr = {{5, 7, 6, 1, 1}, {3, 3, 5, 2, 2}, {17, 4, 3, 3, 3}, {16, 3, 5, 4, 4}, {33, 2, 3, 8, 8},
                {7, 2, 2, 16, 16}, {13, 5, 2, 3, 8}, {9, 3, 6, 4, 1}, {31, 6, 2, 1, 16}, {20, 6, 4, 5, 3}};
        for (int[] s : bsr) {
            Tensor blockMask = SparseTesting.mask(s[1], s[2], 0.45, s[0]);
            Bsr w = SparseTesting.randomValues(Bsr.fromBlockMask(blockMask, s[3], s[4], DType.F32), s[0] + 1);
            c.add(Arguments.of(w.toString(), w, s[0]));
        }
        int[][] csr = {{1, 1, 1}, {7, 13, 17}, {16, 33, 31}, {64, 45, 70}, {65, 64, 100}, {3, 207, 15}, {129, 20, 65}};
        for (int[] s : csr) {
            for (double p : new double[] {0.05, 0.3, 1.0}) {
                Csr w = SparseTesting.randomValues(Csr.fromMask(SparseTesting.mask(s[1], s[2], p, s[0]), DType.F32), s[0]);
                c.add(Arguments.of(w + " p=" + p, w, s[0]));
            }
        }
        c.add(Arguments.of("csr zero nnz", Csr.fromMask(Tensor.zeros(6, 9), DType.F32), 5));
        c.add(Arguments.of("bsr zero nnz", Bsr.fromBlockMask(Tensor.zeros(2, 3), 4, 2, DType.F32), 5));
        return c.stream();
    }

    @ParameterizedTest(name = "{0}, batch {2}")
    @MethodSource("cases")
    void productsMatchDenseFloat64(String name, SparseMatrix w, int batch) {
        int in = w.cols();
        int out = w.rows();
        double[] wd = w.toDense().toDoubleArray();
        Tensor x = SparseTesting.random(batch * 31L + 7, batch, in);
        Tensor dy = SparseTesting.random(batch * 37L + 5, batch, out);
        double[] xd = x.toDoubleArray();
        double[] dyd = dy.toDoubleArray();

        assertNear(name + " forward", SparseOps.linear(x, w).toDoubleArray(),
                SparseTesting.linear(xd, wd, batch, in, out), in);
        assertNear(name + " input-grad", SparseOps.linearInputGrad(dy, w).toDoubleArray(),
                SparseTesting.inputGrad(dyd, wd, batch, in, out), out);
        Tensor dw = SparseOps.linearWeightGrad(dy, x, w);
        assertThat(dw.shape()).isEqualTo(w.values().shape());
        assertNear(name + " weight-grad", dw.toDoubleArray(),
                SparseTesting.sampled(SparseTesting.denseWeightGrad(dyd, xd, batch, in, out), w), batch);
    }

    @ParameterizedTest(name = "{0}, batch {2}")
    @MethodSource("cases")
    void accumulateAddsToTheOutput(String name, SparseMatrix w, int batch) {
        Tensor x = SparseTesting.random(11, batch, w.cols());
        Tensor dy = SparseTesting.random(12, batch, w.rows());
        Tensor y = SparseTesting.random(13, batch, w.rows());
        Tensor dx = SparseTesting.random(14, batch, w.cols());
        Tensor dw = SparseTesting.random(15, w.values().shape().dims());
        double[] y0 = y.toDoubleArray();
        double[] dx0 = dx.toDoubleArray();
        double[] dw0 = dw.toDoubleArray();
        SparseOps.linearInto(x, w, y, true);
        SparseOps.linearInputGradInto(dy, w, dx, true);
        SparseOps.linearWeightGradInto(dy, x, w, dw, true);
        assertNear(name + " forward +=", y.toDoubleArray(), plus(y0, SparseOps.linear(x, w)), w.cols());
        assertNear(name + " input-grad +=", dx.toDoubleArray(), plus(dx0, SparseOps.linearInputGrad(dy, w)), w.rows());
        assertNear(name + " weight-grad +=", dw.toDoubleArray(), plus(dw0, SparseOps.linearWeightGrad(dy, x, w)), batch);
    }

    @ParameterizedTest(name = "{0}, batch {2}")
    @MethodSource("cases")
    void bothBackwardProductsTogetherEqualEachAlone(String name, SparseMatrix w, int batch) {
        Tensor x = SparseTesting.random(41, batch, w.cols());
        Tensor dy = SparseTesting.random(42, batch, w.rows());
        for (boolean accumulate : new boolean[] {false, true}) {
            Tensor dx = SparseTesting.random(43, batch, w.cols());
            Tensor dw = SparseTesting.random(44, w.values().shape().dims());
            Tensor dxAlone = dx.copy();
            Tensor dwAlone = dw.copy();
            SparseOps.linearBackwardInto(dy, x, w, dx, accumulate, dw, !accumulate);
            SparseOps.linearInputGradInto(dy, w, dxAlone, accumulate);
            SparseOps.linearWeightGradInto(dy, x, w, dwAlone, !accumulate);
            // the same kernels on the same panels: bit-identical
            assertThat(dx.toFloatArray()).as(name + " dx").containsExactly(dxAlone.toFloatArray());
            assertThat(dw.toFloatArray()).as(name + " dw").containsExactly(dwAlone.toFloatArray());
        }
        Tensor dw = Tensor.zeros(w.values().shape(), w.dtype());
        SparseOps.linearBackwardInto(dy, x, w, null, false, dw, false); // input gradient not wanted
        assertThat(dw.toFloatArray()).containsExactly(SparseOps.linearWeightGrad(dy, x, w).toFloatArray());
    }

    @ParameterizedTest(name = "{0}, batch {2}")
    @MethodSource("cases")
    void float64PathMatchesDenseTightly(String name, SparseMatrix w32, int batch) {
        SparseMatrix w = w32.withValues(w32.values().to(DType.F64));
        int in = w.cols();
        int out = w.rows();
        Tensor x = SparseTesting.random(21, batch, in).to(DType.F64);
        Tensor dy = SparseTesting.random(22, batch, out).to(DType.F64);
        double[] wd = w.toDense().toDoubleArray();
        double[] xd = x.toDoubleArray();
        double[] dyd = dy.toDoubleArray();
        assertThat(SparseOps.linear(x, w).dtype()).isEqualTo(DType.F64);
        assertClose64(SparseOps.linear(x, w).toDoubleArray(), SparseTesting.linear(xd, wd, batch, in, out));
        assertClose64(SparseOps.linearInputGrad(dy, w).toDoubleArray(), SparseTesting.inputGrad(dyd, wd, batch, in, out));
        assertClose64(SparseOps.linearWeightGrad(dy, x, w).toDoubleArray(),
                SparseTesting.sampled(SparseTesting.denseWeightGrad(dyd, xd, batch, in, out), w));
    }

    @ParameterizedTest(name = "{0}, batch {2}")
    @MethodSource("cases")
    void leadingAxesAreBatchAndViewsAreRead(String name, SparseMatrix w, int batch) {
        Tensor x = SparseTesting.random(31, 2, batch, w.cols());
        Tensor flat = x.reshape(2 * batch, w.cols());
        Tensor y = SparseOps.linear(x, w);
        assertThat(y.shape().dims()).containsExactly(2, batch, w.rows());
        assertThat(y.toFloatArray()).containsExactly(SparseOps.linear(flat, w).toFloatArray());
        // A transposed view of a [in, batch] tensor reads like a copy.
        Tensor xt = SparseTesting.random(32, w.cols(), batch).mT();
        assertThat(SparseOps.linear(xt, w).toFloatArray()).containsExactly(SparseOps.linear(xt.copy(), w).toFloatArray());
    }

    @ParameterizedTest(name = "{0}, batch {2}")
    @MethodSource("cases")
    void featureMajorOperandsGiveTheTransposedResults(String name, SparseMatrix w32, int batch) {
        for (DType dtype : new DType[] {DType.F32, DType.F64}) {
            SparseMatrix w = w32.withValues(w32.values().to(dtype));
            Tensor x = SparseTesting.random(51, batch, w.cols()).to(dtype);
            Tensor dy = SparseTesting.random(52, batch, w.rows()).to(dtype);
            for (boolean accumulate : new boolean[] {false, true}) {
                Tensor y = SparseTesting.random(53, batch, w.rows()).to(dtype);
                Tensor dx = SparseTesting.random(54, batch, w.cols()).to(dtype);
                Tensor dw = SparseTesting.random(55, w.values().shape().dims()).to(dtype);
                Tensor yt = y.mT().copy();
                Tensor dxt = dx.mT().copy();
                Tensor dwt = dw.copy();
                SparseOps.linearInto(x, w, y, accumulate);
                SparseOps.linearBackwardInto(dy, x, w, dx, accumulate, dw, accumulate);
                SparseOps.linearInto(BatchLayout.FEATURE_MAJOR, x.mT().copy(), w, yt, accumulate);
                SparseOps.linearBackwardInto(BatchLayout.FEATURE_MAJOR, dy.mT().copy(), x.mT().copy(), w,
                        dxt, accumulate, dwt, accumulate);
                String what = name + " " + dtype + (accumulate ? " +=" : "");
                assertThat(yt.shape().dims()).containsExactly(w.rows(), batch);
                if (dtype == DType.F32 && !(w instanceof BlockDiagonal)) {
                    // the same kernels on the same panels: bit-identical
                    assertThat(yt.mT().toFloatArray()).as(what + " forward").containsExactly(y.toFloatArray());
                    assertThat(dxt.mT().toFloatArray()).as(what + " input-grad").containsExactly(dx.toFloatArray());
                    assertThat(dwt.toFloatArray()).as(what + " weight-grad").containsExactly(dw.toFloatArray());
                } else { // block GEMMs of the other orientation
                    assertNear(what + " forward", yt.mT().toDoubleArray(), y.toDoubleArray(), w.cols());
                    assertNear(what + " input-grad", dxt.mT().toDoubleArray(), dx.toDoubleArray(), w.rows());
                    assertNear(what + " weight-grad", dwt.toDoubleArray(), dw.toDoubleArray(), batch);
                }
            }
        }
    }

    @org.junit.jupiter.api.Test
    void everyProductMarksItsOutputsWritten() {
        for (DType dtype : new DType[] {DType.F32, DType.F64}) {
            Csr w32 = Csr.random(5, 7, 0.5, 1);
            SparseMatrix w = w32.withValues(w32.values().to(dtype));
            for (BatchLayout layout : BatchLayout.values()) {
                boolean fm = layout == BatchLayout.FEATURE_MAJOR;
                Tensor x = Tensor.ones(fm ? new int[] {7, 3} : new int[] {3, 7}).to(dtype);
                Tensor y = Tensor.zeros(fm ? Shape.of(5, 3) : Shape.of(3, 5), dtype);
                Tensor dx = Tensor.zeros(x.shape(), dtype);
                Tensor dw = Tensor.zeros(w.values().shape(), dtype);
                int vy = y.version();
                int vx = dx.version();
                int vw = dw.version();
                SparseOps.linearInto(layout, x, w, y, false);
                SparseOps.linearBackwardInto(layout, y, x, w, dx, false, dw, false);
                String what = dtype + " " + layout;
                assertThat(y.version()).as(what + " y").isGreaterThan(vy);
                assertThat(dx.version()).as(what + " dx").isGreaterThan(vx);
                assertThat(dw.version()).as(what + " dw").isGreaterThan(vw);
            }
        }
    }

    @org.junit.jupiter.api.Test
    void featureMajorShapesAreChecked() {
        Csr w = Csr.random(5, 7, 0.3, 1);
        assertThatThrownBy(() -> SparseOps.linearInto(BatchLayout.FEATURE_MAJOR, Tensor.zeros(3, 7), w,
                Tensor.zeros(5, 3), false))
                .hasMessageContaining("SparseOps.linear: feature-major x of shape [3, 7]")
                .hasMessageContaining("expected [7, batch]");
        assertThatThrownBy(() -> SparseOps.linearInto(BatchLayout.FEATURE_MAJOR, Tensor.zeros(7, 3), w,
                Tensor.zeros(3, 5), false))
                .hasMessageContaining("y must be a contiguous F32 tensor of shape [5, 3]");
        assertThatThrownBy(() -> SparseOps.linearBackwardInto(BatchLayout.FEATURE_MAJOR, Tensor.zeros(5, 4),
                Tensor.zeros(7, 3), w, Tensor.zeros(7, 4), false, Tensor.zeros(w.nnz()), false))
                .hasMessageContaining("dy of shape [5, 4] and x of shape [7, 3] disagree on the batch")
                .hasMessageContaining("dy of shape [5, 3] expected");
    }

    @ParameterizedTest(name = "{0}, batch {2}")
    @MethodSource("cases")
    void featureMajorProductsOneAtATimeEqualTheBackwardPair(String name, SparseMatrix w32, int batch) {
        for (DType dtype : new DType[] {DType.F32, DType.F64}) {
            SparseMatrix w = w32.withValues(w32.values().to(dtype));
            Tensor xt = SparseTesting.random(61, w.cols(), batch).to(dtype);
            Tensor dyt = SparseTesting.random(62, w.rows(), batch).to(dtype);
            Tensor dxt = Tensor.zeros(Shape.of(w.cols(), batch), dtype);
            Tensor dw = Tensor.zeros(w.values().shape(), dtype);
            SparseOps.linearBackwardInto(BatchLayout.FEATURE_MAJOR, dyt, xt, w, dxt, false, dw, false);
            // the public feature-major overloads: an SDDMM (or a transposed SpMM) in one call
            Tensor dxAlone = Tensor.zeros(Shape.of(w.cols(), batch), dtype);
            Tensor dwAlone = Tensor.zeros(w.values().shape(), dtype);
            SparseOps.linearInputGradInto(BatchLayout.FEATURE_MAJOR, dyt, w, dxAlone, false);
            SparseOps.linearWeightGradInto(BatchLayout.FEATURE_MAJOR, dyt, xt, w, dwAlone, false);
            String what = name + " " + dtype;
            assertNear(what + " input-grad", dxAlone.toDoubleArray(), dxt.toDoubleArray(), w.rows());
            assertNear(what + " weight-grad", dwAlone.toDoubleArray(), dw.toDoubleArray(), batch);
            SparseOps.linearWeightGradInto(BatchLayout.FEATURE_MAJOR, dyt, xt, w, dwAlone, true);
            assertNear(what + " weight-grad +=", dwAlone.toDoubleArray(),
                    java.util.Arrays.stream(dw.toDoubleArray()).map(v -> 2 * v).toArray(), batch);
        }
    }

    @org.junit.jupiter.api.Test
    void emptyBatchesAndEmptyDimensions() {
        SparseMatrix[] ws = {Csr.random(5, 7, 0.3, 1), Bsr.random(4, 6, 2, 3, 0.5, 2),
                SparseTesting.randomValues(BlockDiagonal.zeros(2, 4, 6, DType.F32), 3),
                Csr.fromMask(Tensor.zeros(4, 0), DType.F32), Csr.fromMask(Tensor.zeros(0, 5), DType.F32),
                Bsr.fromBlockMask(Tensor.zeros(0, 3), 2, 2, DType.F32), BlockDiagonal.zeros(2, 0, 4, DType.F32)};
        for (SparseMatrix w : ws) {
            for (int[] lead : new int[][] {{0}, {2, 0}, {3}}) {
                int[] xs = java.util.Arrays.copyOf(lead, lead.length + 1);
                int[] ys = xs.clone();
                xs[lead.length] = w.cols();
                ys[lead.length] = w.rows();
                Tensor x = Tensor.ones(xs);
                Tensor dy = Tensor.ones(ys);
                int batch = x.size() / Math.max(1, w.cols());
                assertThat(SparseOps.linear(x, w).shape().dims()).as("%s", w).containsExactly(ys);
                assertThat(SparseOps.linearInputGrad(dy, w).shape().dims()).containsExactly(xs);
                Tensor dw = SparseOps.linearWeightGrad(dy, x, w);
                double[] expected = SparseTesting.sampled(SparseTesting.denseWeightGrad(dy.toDoubleArray(),
                        x.toDoubleArray(), lead.length == 1 ? lead[0] : lead[0] * lead[1], w.cols(), w.rows()), w);
                assertNear(w + " weight-grad", dw.toDoubleArray(), expected, 3);
                Tensor acc = Tensor.ones(w.values().shape().dims());
                SparseOps.linearWeightGradInto(dy, x, w, acc, true);
                assertNear(w + " weight-grad +=", acc.toDoubleArray(), plus(ones(w.nnz()), dw), 3);
            }
            // feature-major, an empty batch
            Tensor yt = Tensor.ones(w.rows(), 0);
            SparseOps.linearInto(BatchLayout.FEATURE_MAJOR, Tensor.ones(w.cols(), 0), w, yt, false);
            Tensor dwt = Tensor.ones(w.values().shape().dims());
            SparseOps.linearBackwardInto(BatchLayout.FEATURE_MAJOR, Tensor.ones(w.rows(), 0), Tensor.ones(w.cols(), 0), w,
                    Tensor.ones(w.cols(), 0), false, dwt, false);
            for (double d : dwt.toDoubleArray()) {
                assertThat(d).as("%s", w).isZero(); // a sum over no samples
            }
        }
    }

    private static double[] ones(int n) {
        double[] a = new double[n];
        java.util.Arrays.fill(a, 1);
        return a;
    }

    private static double[] plus(double[] a, Tensor b) {
        double[] bd = b.toDoubleArray();
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] + bd[i];
        }
        return out;
    }

    private static void assertClose64(double[] actual, double[] expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).as("element %d", i).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-12 * (1 + Math.abs(expected[i]))));
        }
    }
}
