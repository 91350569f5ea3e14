package dev.ganglion.engine.ops;

import static dev.ganglion.engine.ops.Ref.assertValues;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ganglion.engine.DType;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleBinaryOperator;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Reductions over every axis and axis set, with and without keepDims, against naive float64 loops. */
class ReductionsTest {
    private static final int[] DIMS = {3, 1, 17, 5};

    /** Every non-empty subset of the axes of a rank-4 shape, as axis lists (some negative). */
    private static List<int[]> axisSets() {
        List<int[]> sets = new ArrayList<>();
        for (int m = 1; m < 16; m++) {
            int[] axes = new int[Integer.bitCount(m)];
            for (int a = 0, j = 0; a < 4; a++) {
                if ((m & (1 << a)) != 0) {
                    axes[j++] = j % 2 == 0 ? a - 4 : a;
                }
            }
            sets.add(axes);
        }
        return sets;
    }

    /** Naive reduction of the axes in {@code mask}: {@code init} then {@code f(acc, x)} in row-major order. */
    static double[] reduce(Tensor x, boolean[] mask, double init, DoubleBinaryOperator f) {
        Shape out = Checks.reducedShape(x.shape(), mask, false);
        double[] acc = new double[out.size()];
        java.util.Arrays.fill(acc, init);
        for (int[] idx : Ref.indices(x.shape())) {
            int o = 0;
            for (int a = 0; a < idx.length; a++) {
                o = mask[a] ? o : o * x.dim(a) + idx[a];
            }
            acc[o] = f.applyAsDouble(acc[o], x.get(idx));
        }
        return acc;
    }

    private static boolean[] mask(int rank, int... axes) {
        boolean[] m = new boolean[rank];
        for (int a : axes) {
            m[a < 0 ? a + rank : a] = true;
        }
        return m;
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void sumAndMeanOverEveryAxisSet(DType dtype) {
        Tensor contiguous = Ref.random(dtype, 1, DIMS);
        Tensor strided = Ref.random(dtype, 2, 5, 17, 1, 3).permute(3, 2, 1, 0); // same shape, transposed layout
        for (Tensor x : new Tensor[] {contiguous, strided}) {
            for (int[] axes : axisSets()) {
                boolean[] m = mask(4, axes);
                double[] want = reduce(x, m, 0, Double::sum);
                int count = 1;
                for (int a = 0; a < 4; a++) {
                    count *= m[a] ? x.dim(a) : 1;
                }
                double[] wantMean = want.clone();
                for (int i = 0; i < wantMean.length; i++) {
                    wantMean[i] /= count;
                }
                double tol = dtype == DType.F32 ? 1e-5 : 1e-13;
                for (boolean keep : new boolean[] {false, true}) {
                    Shape s = Checks.reducedShape(x.shape(), m, keep);
                    assertValues(Reductions.sum(x, keep, axes), s, dtype, want, tol, tol);
                    assertValues(Reductions.mean(x, keep, axes), s, dtype, wantMean, tol, tol);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void maxMinArgmaxLogsumexpAlongEachAxis(DType dtype) {
        Tensor x = Ref.random(dtype, 3, DIMS);
        for (int axis = -4; axis < 4; axis++) {
            boolean[] m = mask(4, axis);
            double[] max = reduce(x, m, Double.NEGATIVE_INFINITY, Math::max);
            double[] min = reduce(x, m, Double.POSITIVE_INFINITY, Math::min);
            double[] lse = reduce(x, m, 0, (acc, v) -> acc + Math.exp(v));
            for (int i = 0; i < lse.length; i++) {
                lse[i] = Math.log(lse[i]);
            }
            for (boolean keep : new boolean[] {false, true}) {
                Shape s = Checks.reducedShape(x.shape(), m, keep);
                assertValues(Reductions.max(x, axis, keep), s, dtype, max, 0, 0);
                assertValues(Reductions.min(x, axis, keep), s, dtype, min, 0, 0);
                assertValues(Reductions.logsumexp(x, axis, keep), s, dtype, lse, 1e-6, 1e-6);
                Tensor arg = Reductions.argmax(x, axis, keep);
                assertThat(arg.shape()).isEqualTo(s);
                assertThat(arg.dtype()).isEqualTo(dtype);
                double[] got = Ref.broadcast(x, x.shape());
                // the value at the returned index is the maximum
                int[][] outIdx = Ref.indices(s);
                for (int o = 0; o < outIdx.length; o++) {
                    int[] full = keep ? outIdx[o].clone() : insert(outIdx[o], axis < 0 ? axis + 4 : axis);
                    full[axis < 0 ? axis + 4 : axis] = (int) arg.get(outIdx[o]);
                    assertThat(x.get(full)).isEqualTo(max[o]);
                }
                assertThat(got).hasSize(x.size());
            }
        }
    }

    private static int[] insert(int[] idx, int axis) {
        int[] full = new int[idx.length + 1];
        for (int i = 0, j = 0; i < full.length; i++) {
            full[i] = i == axis ? 0 : idx[j++];
        }
        return full;
    }

    @Test
    void argmaxTiesAndNaN() {
        Tensor x = Tensor.of(new float[] {3, 1, 3, 2, Float.NaN, 5, Float.NaN, 1}, 2, 4);
        assertThat(Reductions.argmax(x, 1, false).toFloatArray()).containsExactly(0f, 0f);
        Tensor y = Tensor.of(new float[] {1, 7, 7, 2, 7, 0}, 2, 3);
        assertThat(Reductions.argmax(y, 1, true).toFloatArray()).containsExactly(1f, 1f);
        assertThat(Reductions.argmax(y, 0, false).toFloatArray()).containsExactly(1f, 0f, 0f);
        assertThat(Reductions.max(x, 1, false).toFloatArray()).containsExactly(3f, Float.NaN);
        // float32 indexes exactly up to 2^24 only (a broadcast view: no memory behind the long axis)
        Tensor tooLong = Tensor.zeros(1).expand((1 << 24) + 1);
        assertThatThrownBy(() -> Reductions.argmax(tooLong, 0, false)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("argmax: axis 0 of [16777217] has 16777217 elements")
                .hasMessageContaining("call it on x.to(F64)");
    }

    @Test
    void softmaxAlongEveryAxisSumsToOneAndMatchesLogSoftmax() {
        for (DType dtype : DType.values()) {
            Tensor x = Elementwise.scale(Ref.random(dtype, 4, DIMS), 20);
            for (int axis = 0; axis < 4; axis++) {
                Tensor p = Reductions.softmax(x, axis);
                Tensor lp = Reductions.logSoftmax(x, axis);
                Tensor lse = Reductions.logsumexp(x, axis, true);
                double[] want = Ref.broadcast(lse, x.shape());
                double[] xs = x.toDoubleArray();
                double[] wantP = new double[xs.length];
                for (int i = 0; i < xs.length; i++) {
                    want[i] = xs[i] - want[i];
                    wantP[i] = Math.exp(want[i]);
                }
                assertValues(lp, x.shape(), dtype, want, 1e-5, 1e-5);
                assertValues(p, x.shape(), dtype, wantP, 1e-5, 1e-7);
                assertValues(Reductions.sum(p, false, axis), Checks.reducedShape(x.shape(), mask(4, axis), false),
                        dtype, ones(x.size() / x.dim(axis)), 1e-5, 1e-5);
            }
        }
    }

    private static double[] ones(int n) {
        double[] v = new double[n];
        java.util.Arrays.fill(v, 1);
        return v;
    }

    @Test
    void softmaxIsStableForHugeLogits() {
        Tensor x = Tensor.of(new float[] {1000, -1000, 999, 0, -1000, -999}, 2, 3);
        float[] p = Reductions.softmax(x, -1).toFloatArray();
        float e = (float) (1 / (1 + Math.exp(-1)));
        assertThat(p[0]).isCloseTo(e, Offset.offset(1e-6f));
        assertThat(p[1]).isZero();
        assertThat(p[2]).isCloseTo(1 - e, Offset.offset(1e-6f));
        assertThat(p[3]).isCloseTo(1f, Offset.offset(1e-6f));
        float[] lp = Reductions.logSoftmax(x, -1).toFloatArray();
        assertThat(lp[1]).isCloseTo(-2000f - (float) Math.log1p(Math.exp(-1)), Offset.offset(1e-3f));
        for (float v : lp) {
            assertThat(v).isFinite();
        }
        float[] col = Reductions.softmax(x, 0).toFloatArray();
        assertThat(col[0]).isEqualTo(1f);
        assertThat(col[3]).isZero();
        assertThat(Reductions.logsumexp(x, 1, false).toFloatArray()[0])
                .isCloseTo(1000f + (float) Math.log1p(Math.exp(-1)), Offset.offset(1e-3f));
    }

    @Test
    void longSumsStayAccurate() {
        int n = 1 << 20;
        float[] v = new float[n];
        java.util.Arrays.fill(v, 0.1f);
        // 2^20 · 0.1f: a naive float loop drifts by about 1%; pairwise stays within a few ulp.
        double exact = n * (double) 0.1f;
        assertThat(Reductions.sum(Tensor.wrap(v, Shape.of(n))).item()).isCloseTo(exact, Offset.offset(exact * 1e-6));
        Tensor rows = Tensor.wrap(v, Shape.of(1 << 14, 64));
        double col = (1 << 14) * (double) 0.1f;
        for (float s : Reductions.sum(rows, false, 0).toFloatArray()) {
            assertThat((double) s).isCloseTo(col, Offset.offset(col * 1e-5));
        }
        Tensor narrow = Tensor.wrap(v, Shape.of(1 << 18, 4));
        double col4 = (1 << 18) * (double) 0.1f;
        for (float s : Reductions.sum(narrow, false, 0).toFloatArray()) {
            assertThat((double) s).isCloseTo(col4, Offset.offset(col4 * 1e-5));
        }
    }

    @Test
    void largeReductionsInParallelMatch() {
        Tensor x = Ref.random(DType.F32, 9, 70, 1031);
        double[] want0 = reduce(x, mask(2, 0), 0, Double::sum);
        double[] want1 = reduce(x, mask(2, 1), 0, Double::sum);
        double[] max0 = reduce(x, mask(2, 0), Double.NEGATIVE_INFINITY, Math::max);
        assertValues(Reductions.sum(x, false, 0), Shape.of(1031), DType.F32, want0, 1e-5, 1e-5);
        assertValues(Reductions.sum(x, false, 1), Shape.of(70), DType.F32, want1, 1e-5, 1e-5);
        assertValues(Reductions.max(x, 0, false), Shape.of(1031), DType.F32, max0, 0, 0);
        assertThat(Reductions.sum(x).item()).isCloseTo(java.util.Arrays.stream(want1).sum(), Offset.offset(1e-3));
    }

    @Test
    void emptyAndScalarCases() {
        assertThat(Reductions.sum(Tensor.zeros(0)).item()).isZero();
        assertThat(Reductions.mean(Tensor.zeros(0)).item()).isNaN();
        assertValues(Reductions.sum(Tensor.zeros(0, 3), false, 0), Shape.of(3), DType.F32, new double[3], 0, 0);
        assertThat(Reductions.sum(Tensor.zeros(3, 0), false, 0).shape()).isEqualTo(Shape.of(0));
        assertThat(Reductions.logsumexp(Tensor.zeros(2, 0), 1, false).toFloatArray())
                .containsExactly(Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY);
        Tensor s = Tensor.scalar(4f);
        assertThat(Reductions.sum(s).item()).isEqualTo(4);
        Tensor x = Tensor.of(new float[] {1, 2, 3}, 3, 1);
        Tensor kept = Reductions.sum(x, true, 1);
        assertThat(kept.toFloatArray()).containsExactly(1f, 2f, 3f);
        assertThat(kept.sharesStorage(x)).isFalse();
        assertThat(Reductions.sum(x, true).shape()).isEqualTo(Shape.of(1, 1));
    }

    /** A bias's gradient: the sum over the leading axes with the walk's bits; a vector is copied. */
    @Test
    void sumToLastAxisSumsTheLeadingAxesIntoANewVector() {
        Tensor x = Ref.random(DType.F32, 12, 4, 3, 5);
        Tensor s = Reductions.sumToLastAxis(x);
        assertThat(s.shape()).isEqualTo(Shape.of(5));
        assertThat(s.toFloatArray()).isEqualTo(Reductions.sum(x, true, 0, 1).toFloatArray());
        Tensor v = Tensor.of(new float[] {1, -2, 3}, 3);
        Tensor copied = Reductions.sumToLastAxis(v);
        assertThat(copied.toFloatArray()).containsExactly(1f, -2f, 3f);
        assertThat(copied.sharesStorage(v)).isFalse();
        assertThat(Reductions.sumToLastAxis(Tensor.zeros(0, 4)).toFloatArray()).containsExactly(0f, 0f, 0f, 0f);
        assertThatThrownBy(() -> Reductions.sumToLastAxis(Tensor.scalar(1f)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sumToLastAxis: x of shape []");
    }

    @Test
    void errorsNameOpAxisAndShape() {
        Tensor x = Tensor.zeros(2, 3);
        assertThatThrownBy(() -> Reductions.sum(x, false, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sum: axis 2").hasMessageContaining("[2, 3]");
        assertThatThrownBy(() -> Reductions.mean(x, false, 1, -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mean: axis -1 repeated");
        assertThatThrownBy(() -> Reductions.max(Tensor.zeros(0, 3), 0, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max: cannot reduce axis 0 of size 0");
        assertThatThrownBy(() -> Reductions.argmax(x, -3, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("argmax");
        assertThatThrownBy(() -> Reductions.softmax(x, 5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("softmax");
        assertThatThrownBy(() -> Reductions.logSoftmax(x, -3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("logSoftmax");
        assertThatThrownBy(() -> Reductions.logsumexp(x, 2, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("logsumexp");
        assertThatThrownBy(() -> Reductions.min(x, 9, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("min");
    }
}
