package dev.ganglion.engine.simd;

import dev.ganglion.engine.kernel.ReduceKernel;
import dev.ganglion.engine.kernel.ScalarReduce;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * SIMD twin of {@link ScalarReduce}. Sums (plain and of exponentials) are pairwise: halve down to
 * leaves of at most {@value #LEAF} elements, which four vector accumulators sum in lanes (each
 * lane then adds only LEAF/(4·lanes) terms in order, and four accumulators hide the add latency);
 * so the float error grows with log n. Max/min use four accumulators too; their lane reduction
 * keeps NaN (Math.max semantics). Exponentials use the lanewise {@code EXP}.
 */
public final class SimdReduce implements ReduceKernel {
    private static final VectorSpecies<Float> S = Simd.F32;
    private static final int L = S.length();
    /** Leaf size of the pairwise sums: a multiple of every lane count, small enough to stay accurate. */
    static final int LEAF = 512;

    @Override
    public float sum(float[] x, int off, int n) {
        if (n > LEAF) {
            int h = n / 2;
            return sum(x, off, h) + sum(x, off + h, n - h);
        }
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        int i = 0;
        for (int bound = n - 4 * L; i <= bound; i += 4 * L) {
            a0 = a0.add(v(x, off + i));
            a1 = a1.add(v(x, off + i + L));
            a2 = a2.add(v(x, off + i + 2 * L));
            a3 = a3.add(v(x, off + i + 3 * L));
        }
        for (; i <= n - L; i += L) {
            a0 = a0.add(v(x, off + i));
        }
        float s = Simd.sum(a0.add(a1).add(a2.add(a3)));
        for (; i < n; i++) {
            s += x[off + i];
        }
        return s;
    }

    @Override
    public float max(float[] x, int off, int n) {
        float m = x[off];
        int i = 0;
        if (n >= 4 * L) {
            FloatVector a0 = v(x, off), a1 = a0, a2 = a0, a3 = a0;
            for (int bound = n - 4 * L; i <= bound; i += 4 * L) {
                a0 = a0.max(v(x, off + i));
                a1 = a1.max(v(x, off + i + L));
                a2 = a2.max(v(x, off + i + 2 * L));
                a3 = a3.max(v(x, off + i + 3 * L));
            }
            m = a0.max(a1).max(a2.max(a3)).reduceLanes(VectorOperators.MAX);
        }
        for (; i < n; i++) {
            m = Math.max(m, x[off + i]);
        }
        return m;
    }

    @Override
    public float min(float[] x, int off, int n) {
        float m = x[off];
        int i = 0;
        if (n >= 4 * L) {
            FloatVector a0 = v(x, off), a1 = a0, a2 = a0, a3 = a0;
            for (int bound = n - 4 * L; i <= bound; i += 4 * L) {
                a0 = a0.min(v(x, off + i));
                a1 = a1.min(v(x, off + i + L));
                a2 = a2.min(v(x, off + i + 2 * L));
                a3 = a3.min(v(x, off + i + 3 * L));
            }
            m = a0.min(a1).min(a2.min(a3)).reduceLanes(VectorOperators.MIN);
        }
        for (; i < n; i++) {
            m = Math.min(m, x[off + i]);
        }
        return m;
    }

    @Override
    public float logSumExp(float[] x, int off, int n) {
        if (n == 0) {
            return Float.NEGATIVE_INFINITY;
        }
        float m = max(x, off, n);
        return Float.isInfinite(m) ? m : m + (float) Math.log(expSum(x, off, n, m));
    }

    @Override
    public void softmax(float[] x, int xOff, float[] y, int yOff, int n) {
        if (n == 0) {
            return;
        }
        float m = max(x, xOff, n);
        // Exponentials first, then their (pairwise) sum from y while it is still in cache: faster
        // than a fused loop, whose accumulators would be spilled around every EXP stub call.
        expInto(x, xOff, y, yOff, n, m);
        float inv = 1f / sum(y, yOff, n);
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            v(y, yOff + i).mul(inv).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] *= inv;
        }
    }

    @Override
    public void logSoftmax(float[] x, int xOff, float[] y, int yOff, int n) {
        if (n == 0) {
            return;
        }
        float m = max(x, xOff, n);
        float logS = (float) Math.log(expSum(x, xOff, n, m));
        int i = 0;
        // (x − m) − ln s rather than x − (m + ln s): x − m is exact near the maximum.
        for (int bound = S.loopBound(n); i < bound; i += L) {
            v(x, xOff + i).sub(m).sub(logS).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] = (x[xOff + i] - m) - logS;
        }
    }

    /** {@code y = e^(x−m)} elementwise. */
    private static void expInto(float[] x, int xo, float[] y, int yo, int n, float m) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            v(x, xo + i).sub(m).lanewise(VectorOperators.EXP).intoArray(y, yo + i);
        }
        for (; i < n; i++) {
            y[yo + i] = (float) Math.exp(x[xo + i] - m);
        }
    }

    /** Pairwise {@code Σ e^(xᵢ−m)} without storing the terms. */
    private static float expSum(float[] x, int xo, int n, float m) {
        if (n > LEAF) {
            int h = n / 2;
            return expSum(x, xo, h, m) + expSum(x, xo + h, n - h, m);
        }
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = a0;
        int i = 0;
        // Two accumulators suffice: EXP's latency, not the add's, bounds this loop.
        for (int bound = n - 2 * L; i <= bound; i += 2 * L) {
            a0 = a0.add(v(x, xo + i).sub(m).lanewise(VectorOperators.EXP));
            a1 = a1.add(v(x, xo + i + L).sub(m).lanewise(VectorOperators.EXP));
        }
        float s = Simd.sum(a0.add(a1));
        for (; i < n; i++) {
            s += (float) Math.exp(x[xo + i] - m);
        }
        return s;
    }

    private static FloatVector v(float[] x, int i) {
        return FloatVector.fromArray(S, x, i);
    }
}
