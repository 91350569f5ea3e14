package dev.ganglion.engine.ops;

import static dev.ganglion.engine.ops.Ref.assertValues;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ganglion.engine.DType;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.kernel.BinaryOp;
import dev.ganglion.engine.kernel.UnaryOp;
import dev.ganglion.engine.testing.Fixtures;
import dev.ganglion.engine.testing.OpSamples;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Elementwise ops against the float64 definitions in {@link UnaryOp} and {@link BinaryOp}. */
class ElementwiseTest {
    /** Awkward 1-D sizes, a scalar, matrices, and one above the parallel grain (chunks with a tail). */
    private static final List<int[]> SHAPES = shapes();

    private static List<int[]> shapes() {
        List<int[]> s = new java.util.ArrayList<>();
        for (int n : Fixtures.AWKWARD) {
            s.add(new int[] {n});
        }
        s.addAll(List.of(new int[] {}, new int[] {3, 13}, new int[] {2, 7, 33}, new int[] {100_003}));
        return s;
    }

    @ParameterizedTest
    @EnumSource(UnaryOp.class)
    void unaryFloat32AndFloat64MatchTheReference(UnaryOp op) {
        for (double[] pq : OpSamples.unaryParams(op)) {
            for (int[] dims : SHAPES) {
                Shape s = Shape.of(dims);
                Tensor x = Tensor.wrap(OpSamples.unaryInputs(op, s.size(), s.size()), s);
                double[] xs = x.toDoubleArray();
                double[] want32 = new double[xs.length];
                double[] want64 = new double[xs.length];
                for (int i = 0; i < xs.length; i++) {
                    want32[i] = op.apply(xs[i], (float) pq[0], (float) pq[1]);
                    want64[i] = op.apply(xs[i], pq[0], pq[1]);
                }
                assertValues(Elementwise.apply(op, x, pq[0], pq[1]), s, DType.F32, want32, OpSamples.unaryRtol(op) + 1e-7, 1e-37);
                assertValues(Elementwise.apply(op, x.to(DType.F64), pq[0], pq[1]), s, DType.F64, want64, 0, 0);
            }
        }
    }

    @Test
    void namedUnaryEntryPointsUseTheirOps() {
        Tensor x = Tensor.of(new float[] {-2f, -0.5f, 0.25f, 3f}, 4);
        assertThat(Elementwise.neg(x).toFloatArray()).containsExactly(2f, 0.5f, -0.25f, -3f);
        assertThat(Elementwise.abs(x).toFloatArray()).containsExactly(2f, 0.5f, 0.25f, 3f);
        assertThat(Elementwise.square(x).toFloatArray()).containsExactly(4f, 0.25f, 0.0625f, 9f);
        assertThat(Elementwise.reciprocal(x).toFloatArray()).containsExactly(-0.5f, -2f, 4f, 1f / 3f);
        assertThat(Elementwise.relu(x).toFloatArray()).containsExactly(0f, 0f, 0.25f, 3f);
        assertThat(Elementwise.clamp(x, -1, 1).toFloatArray()).containsExactly(-1f, -0.5f, 0.25f, 1f);
        assertThat(Elementwise.scale(x, 2).toFloatArray()).containsExactly(-4f, -1f, 0.5f, 6f);
        assertThat(Elementwise.addScalar(x, 1).toFloatArray()).containsExactly(-1f, 0.5f, 1.25f, 4f);
        assertThat(Elementwise.pow(Elementwise.abs(x), 2).toFloatArray()).containsExactly(4f, 0.25f, 0.0625f, 9f);
        Tensor p = Elementwise.abs(x);
        assertThat(Elementwise.sqrt(p).get(0)).isEqualTo(Math.sqrt(2), org.assertj.core.data.Offset.offset(1e-6));
        assertThat(Elementwise.exp(x).get(3)).isEqualTo(Math.exp(3), org.assertj.core.data.Offset.offset(1e-4));
        assertThat(Elementwise.log(p).get(3)).isEqualTo(Math.log(3), org.assertj.core.data.Offset.offset(1e-6));
        assertThat(Elementwise.tanh(x).get(1)).isEqualTo(Math.tanh(-0.5), org.assertj.core.data.Offset.offset(1e-6));
        assertThat(Elementwise.sin(x).get(3)).isEqualTo(Math.sin(3), org.assertj.core.data.Offset.offset(1e-6));
        assertThat(Elementwise.cos(x).get(3)).isEqualTo(Math.cos(3), org.assertj.core.data.Offset.offset(1e-6));
        assertThat(Elementwise.sigmoid(x).get(0)).isEqualTo(1 / (1 + Math.exp(2)), org.assertj.core.data.Offset.offset(1e-7));
        assertThat(Elementwise.silu(x).get(3)).isEqualTo(3 / (1 + Math.exp(-3)), org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void saturatingOpsNeverGiveNaN() {
        float[] big = new float[40];
        for (int i = 0; i < big.length; i++) {
            big[i] = (i % 2 == 0 ? 1 : -1) * (float) Math.pow(10, i % 5) * (i < 20 ? 1 : 100);
        }
        big[0] = Float.POSITIVE_INFINITY;
        big[1] = Float.NEGATIVE_INFINITY;
        Tensor x = Tensor.of(big, 40);
        float[] s = Elementwise.sigmoid(x).toFloatArray();
        float[] t = Elementwise.tanh(x).toFloatArray();
        for (int i = 0; i < big.length; i++) {
            assertThat(s[i]).isBetween(0f, 1f);
            assertThat(t[i]).isBetween(-1f, 1f);
        }
        assertThat(s[0]).isEqualTo(1f);
        assertThat(s[1]).isEqualTo(0f);
        float[] silu = Elementwise.silu(x.slice(0, 2, 40)).toFloatArray();
        for (float v : silu) {
            assertThat(v).isNotNaN();
        }
    }

    @Test
    void reluAndMaximumConventions() {
        Tensor x = Tensor.of(new float[] {-0f, Float.NaN, 0f}, 3);
        float[] r = Elementwise.relu(x).toFloatArray();
        assertThat(Float.floatToRawIntBits(r[0])).isZero(); // relu(−0) = +0
        assertThat(r[1]).isNaN();
        Tensor a = Tensor.of(new float[] {Float.NaN, 1f, 2f, 2f}, 4);
        Tensor b = Tensor.of(new float[] {1f, Float.NaN, 2f, 3f}, 4);
        assertThat(Elementwise.maximum(a, b).toFloatArray()).containsExactly(Float.NaN, Float.NaN, 2f, 3f);
        assertThat(Elementwise.minimum(a, b).toFloatArray()).containsExactly(Float.NaN, Float.NaN, 2f, 2f);
        assertThat(Elementwise.eq(a, a).toFloatArray()).containsExactly(0f, 1f, 1f, 1f);
        assertThat(Elementwise.gt(b, a).toFloatArray()).containsExactly(0f, 0f, 0f, 1f);
        assertThat(Elementwise.ge(b, a).toFloatArray()).containsExactly(0f, 0f, 1f, 1f);
        assertThat(Elementwise.lt(a, b).toFloatArray()).containsExactly(0f, 0f, 0f, 1f);
        assertThat(Elementwise.le(a, b).toFloatArray()).containsExactly(0f, 0f, 1f, 1f);
    }

    @Test
    void reluGradStopsTheGradientWhereTheOutputIsNotAboveZero() {
        // 32 elements so the SIMD loop runs, not only the scalar tail; a NaN output passes the gradient
        // (PyTorch's where(y ≤ 0, 0, g))
        float[] g = new float[32];
        float[] y = new float[32];
        float[] want = new float[32];
        float[][] cases = { // g, y, want
            {Float.NaN, 0f, 0f}, {Float.POSITIVE_INFINITY, -0f, 0f}, {5f, Float.NaN, 5f}, {5f, -1f, 0f},
            {Float.NaN, 2f, Float.NaN}, {-3f, 1e-30f, -3f}, {7f, Float.POSITIVE_INFINITY, 7f}};
        for (int i = 0; i < 32; i++) {
            float[] c = cases[i % cases.length];
            g[i] = c[0];
            y[i] = c[1];
            want[i] = c[2];
        }
        for (DType dtype : DType.values()) {
            Tensor out = Elementwise.apply(BinaryOp.RELU_GRAD, Tensor.of(g, 32).to(dtype), Tensor.of(y, 32).to(dtype));
            assertThat(out.to(DType.F32).toFloatArray()).as("%s", dtype).containsExactly(want);
        }
    }

    @Test
    void comparisonsKeepTheDtypeOfA() {
        Tensor a = Tensor.of(new double[] {1, 2, 3}, 3);
        Tensor lt = Elementwise.lt(a, Tensor.scalar(2.5, DType.F64));
        assertThat(lt.dtype()).isEqualTo(DType.F64);
        assertThat(lt.toDoubleArray()).containsExactly(1, 1, 0);
    }

    /** Shape pairs: bias row, column, scalar both sides, rank mismatch, both broadcast, empty dims, large. */
    private static final int[][][] BROADCASTS = {
        {{5, 7}, {7}}, {{5, 7}, {5, 1}}, {{5, 7}, {}}, {{}, {5, 7}}, {{2, 1, 3}, {4, 1}},
        {{3, 1, 17}, {1, 13, 1}}, {{0, 3}, {3}}, {{2, 0}, {1}}, {{1}, {1}}, {{300, 257}, {257}},
        {{70_001}, {}}, {{300, 1}, {1, 129}}};

    @ParameterizedTest
    @EnumSource(BinaryOp.class)
    void binaryBroadcastsLikeNumpy(BinaryOp op) {
        boolean positive = op == BinaryOp.POW;
        for (int[][] pair : BROADCASTS) {
            for (DType dtype : DType.values()) {
                Tensor a = sample(dtype, 1, positive, pair[0]);
                Tensor b = sample(dtype, 2, positive, pair[1]);
                Shape out = Shape.broadcast(a.shape(), b.shape(), "test");
                double[] ra = Ref.broadcast(a, out);
                double[] rb = Ref.broadcast(b, out);
                double[] want = new double[out.size()];
                for (int i = 0; i < want.length; i++) {
                    want[i] = op.apply(ra[i], rb[i]);
                    want[i] = dtype == DType.F32 ? (float) want[i] : want[i];
                }
                double rtol = op == BinaryOp.POW && dtype == DType.F32 ? 4e-6 : 0;
                double atol = dtype == DType.F32 ? OpSamples.binaryAtol(op) : 0;
                assertValues(Elementwise.apply(op, a, b), out, dtype, want, rtol, atol);
            }
        }
    }

    /** Values on a coarse grid (ties for comparisons and max/min), or positive for pow. */
    private static Tensor sample(DType dtype, long seed, boolean positive, int... dims) {
        Tensor t = Ref.random(DType.F64, seed, dims);
        double[] v = t.doubleArray();
        for (int i = 0; i < v.length; i++) {
            v[i] = positive ? Math.abs(v[i]) * 3 + 0.01 : Math.round(v[i] * 8) / 4.0;
        }
        return t.to(dtype);
    }

    @Test
    void nonContiguousInputs() {
        Tensor base = Ref.random(DType.F32, 3, 7, 10);
        Tensor transposed = base.mT();                     // [10, 7], strides (1, 10)
        Tensor sliced = base.slice(1, 1, 10, 2).mT();      // [5, 7], stride 2 inner
        Tensor col = Ref.random(DType.F32, 4, 7, 1);
        Tensor expanded = col.mT().expand(10, 7);          // stride 0 rows
        for (Tensor a : new Tensor[] {transposed, expanded}) {
            double[] want = new double[70];
            double[] ra = Ref.broadcast(a, a.shape());
            double[] rt = Ref.broadcast(transposed, a.shape());
            for (int i = 0; i < 70; i++) {
                want[i] = (float) (ra[i] * rt[i]);
            }
            assertValues(Elementwise.mul(a, transposed), Shape.of(10, 7), DType.F32, want, 0, 0);
        }
        double[] rs = Ref.broadcast(sliced, sliced.shape());
        double[] want = new double[rs.length];
        for (int i = 0; i < rs.length; i++) {
            want[i] = (float) Math.exp(rs[i]);
        }
        assertValues(Elementwise.exp(sliced), sliced.shape(), DType.F32, want, 4e-6, 0);
    }

    @Test
    void longRowsAreCutIntoChunksAcrossRows() {
        // rows longer than one parallel chunk, several rows: work items start mid-row
        Tensor m = Ref.random(DType.F32, 12, 3, 40_001);
        for (Tensor other : new Tensor[] {Ref.random(DType.F32, 13, 40_001), Ref.random(DType.F32, 14, 3, 1)}) {
            double[] ra = m.toDoubleArray();
            double[] rb = Ref.broadcast(other, m.shape());
            double[] want = new double[ra.length];
            for (int i = 0; i < want.length; i++) {
                want[i] = (float) (ra[i] - rb[i]);
            }
            assertValues(Elementwise.sub(m, other), m.shape(), DType.F32, want, 0, 0);
        }
    }

    @Test
    void whereBroadcastsAllThree() {
        Tensor cond = Tensor.of(new float[] {1, 0, Float.NaN, 0, -2}, 5, 1);
        Tensor a = Ref.random(DType.F32, 5, 7);
        Tensor b = Tensor.scalar(9f);
        Tensor y = Elementwise.where(cond, a, b);
        Shape s = Shape.of(5, 7);
        double[] c = Ref.broadcast(cond, s);
        double[] ra = Ref.broadcast(a, s);
        double[] want = new double[35];
        for (int i = 0; i < 35; i++) {
            want[i] = c[i] != 0 ? ra[i] : 9;
        }
        assertValues(y, s, DType.F32, want, 0, 0);
        Tensor y64 = Elementwise.where(cond.to(DType.F64), a.to(DType.F64), b.to(DType.F64));
        assertValues(y64, s, DType.F64, want, 0, 0);
        assertValues(Elementwise.where(cond.to(DType.F64), a, b), s, DType.F32, want, 0, 0);
        // a float64 condition below float32's range is still non-zero
        Tensor tiny = Tensor.of(new double[] {1e-50, 0, -1e-300}, 3);
        assertThat(Elementwise.where(tiny, Tensor.ones(3), Tensor.zeros(3)).toFloatArray()).containsExactly(1, 0, 1);
    }

    @Test
    void applyIntoAccumulatesInPlace() {
        Tensor acc = Ref.random(DType.F32, 6, 4, 50);
        Tensor g = Ref.random(DType.F32, 7, 50);
        double[] want = new double[200];
        double[] ra = acc.toDoubleArray();
        double[] rg = Ref.broadcast(g, acc.shape());
        for (int i = 0; i < 200; i++) {
            want[i] = (float) (ra[i] + rg[i]);
        }
        int v = acc.version();
        Tensor out = Elementwise.applyInto(BinaryOp.ADD, acc, g, acc);
        assertThat(out).isSameAs(acc);
        assertThat(acc.version()).isGreaterThan(v);
        assertValues(acc, Shape.of(4, 50), DType.F32, want, 0, 0);
    }

    /**
     * Every unary op written over its own input gives the bits of its out-of-place form, at every
     * awkward size and in both dtypes (the SIMD kernels read each vector before writing it back).
     */
    @ParameterizedTest
    @EnumSource(UnaryOp.class)
    void unaryApplyIntoItsOwnInputGivesTheOutOfPlaceBits(UnaryOp op) {
        for (DType dt : new DType[] {DType.F32, DType.F64}) {
            for (double[] pq : OpSamples.unaryParams(op)) {
                for (int[] dims : SHAPES) {
                    Shape s = Shape.of(dims);
                    Tensor x = Tensor.wrap(OpSamples.unaryInputs(op, s.size(), s.size()), s).to(dt);
                    Tensor want = Elementwise.apply(op, x, pq[0], pq[1]);
                    int v = x.version();
                    Tensor out = Elementwise.applyInto(op, x, pq[0], pq[1], x);
                    assertThat(out).isSameAs(x);
                    assertThat(x.version()).as("version").isGreaterThan(v);
                    // Arrays.equals: bit for bit (NaN as NaN, −0 apart from +0), and linear in the size
                    assertThat(x.toDoubleArray()).as(op + " " + dt + " " + s).isEqualTo(want.toDoubleArray());
                }
            }
        }
    }

    @Test
    void unaryApplyIntoReadsAnOverlappingViewAsItWasAndChecksItsOutput() {
        // m = −mᵀ in place: each element reads its partner as it was before the call
        Tensor m = Ref.random(DType.F32, 10, 9, 9);
        double[] before = m.toDoubleArray();
        Elementwise.applyInto(UnaryOp.NEG, m.mT(), 0, 0, m);
        double[] after = m.toDoubleArray();
        for (int r = 0; r < 9; r++) {
            for (int c = 0; c < 9; c++) {
                assertThat(after[r * 9 + c]).as("[" + r + ", " + c + "]").isEqualTo(-before[c * 9 + r]);
            }
        }
        Tensor a = Tensor.zeros(2, 3);
        assertThatThrownBy(() -> Elementwise.applyInto(UnaryOp.RELU, a, 0, 0, Tensor.zeros(3, 2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("relu: output of shape [3, 2] for an input of shape [2, 3]");
        assertThatThrownBy(() -> Elementwise.applyInto(UnaryOp.RELU, a, 0, 0, Tensor.zeros(3, 2).mT()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not contiguous");
        assertThatThrownBy(() -> Elementwise.applyInto(UnaryOp.RELU, a, 0, 0, Tensor.zeros(Shape.of(2, 3), DType.F64)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("relu: dtype mismatch");
    }

    @Test
    void anInputOverlappingTheOutputAsAnotherViewIsReadAsItWas() {
        for (DType dt : new DType[] {DType.F32, DType.F64}) {
            // acc += accᵀ (an audit found float64 reading elements it had already written)
            Tensor acc = Ref.random(dt, 8, 20, 20);
            double[] before = acc.toDoubleArray();
            Elementwise.applyInto(BinaryOp.ADD, acc, acc.mT(), acc);
            double[] after = acc.toDoubleArray();
            for (int r = 0; r < 20; r++) {
                for (int c = 0; c < 20; c++) {
                    double want = dt == DType.F32 ? (float) (before[r * 20 + c] + before[c * 20 + r])
                            : before[r * 20 + c] + before[c * 20 + r];
                    assertThat(after[r * 20 + c]).as(dt + " [" + r + ", " + c + "]").isEqualTo(want);
                }
            }
            // a broadcast of the output's first row: every row adds the row as it was
            Tensor m = Ref.random(dt, 9, 3, 5);
            double[] m0 = m.toDoubleArray();
            Elementwise.applyInto(BinaryOp.ADD, m, m.slice(0, 0, 1), m);
            double[] m1 = m.toDoubleArray();
            for (int i = 0; i < 15; i++) {
                double want = dt == DType.F32 ? (float) (m0[i] + m0[i % 5]) : m0[i] + m0[i % 5];
                assertThat(m1[i]).as(dt + " element " + i).isEqualTo(want);
            }
        }
    }

    @Test
    void errorsNameTheOpAndShapes() {
        Tensor a = Tensor.zeros(2, 3);
        assertThatThrownBy(() -> Elementwise.add(a, Tensor.zeros(4)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("add").hasMessageContaining("[2, 3]")
                .hasMessageContaining("[4]");
        assertThatThrownBy(() -> Elementwise.mul(a, Tensor.zeros(Shape.of(2, 3), DType.F64)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mul: dtype mismatch");
        assertThatThrownBy(() -> Elementwise.where(a, a, Tensor.zeros(Shape.of(3), DType.F64)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("where");
        assertThatThrownBy(() -> Elementwise.where(Tensor.zeros(5), a, a))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("where").hasMessageContaining("[5]");
        assertThatThrownBy(() -> Elementwise.applyInto(BinaryOp.ADD, a, a, Tensor.zeros(3, 2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("add: output of shape [3, 2]");
        assertThatThrownBy(() -> Elementwise.applyInto(BinaryOp.ADD, a, a, Tensor.zeros(3, 2).mT()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not contiguous");
    }

    @Test
    void resultsAreNewTensors() {
        Tensor x = Ref.random(DType.F32, 1, 8);
        Tensor y = Elementwise.addScalar(x, 0);
        assertThat(y.sharesStorage(x)).isFalse();
    }
}
