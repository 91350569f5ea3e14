package dev.ganglion.engine.simd;

import dev.ganglion.engine.kernel.ReduceKernel;
import dev.ganglion.engine.kernel.ScalarReduce;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * SIMD twin of {@link ScalarReduce}. Sums are pairwise: halve down to leaves of at most
 * {@value #LEAF} elements, which four vector accumulators sum in lanes (each lane then adds only
 * LEAF/(4·lanes) terms in order, and four accumulators hide the add latency); so the float error
 * grows with log n. Max/min use four accumulators too; their lane reduction keeps NaN (Math.max
 * semantics). Exponentials are {@link SimdExp#exp}'s (its scalar twin in the tails), the same bits
 * whether this code is interpreted or compiled. The loops load with {@code FloatVector.fromArray}
 * directly, not through a helper: see {@link SimdExp}'s note on callers (softmax, with the helper,
 * boxed every vector of its scaling loop and ran 3× slower).
 */
public final class SimdReduce implements ReduceKernel {
    private static final VectorSpecies<Float> S = Simd.F32;
    private static final int L = S.length();
    /** Leaf size of the pairwise sums: a multiple of every lane count, small enough to stay accurate. */
    static final int LEAF = 512;
    /** Where in {@link #SCRATCH} {@link #expSum}'s pending sums start: after one vector's lanes. */
    private static final int PENDING = L;
    /**
     * This thread's scratch (nothing here calls out while using it): [0, L) for the lanes of a
     * vector about to be summed by {@link Simd#sum(float[], int)}, then {@link #expSum}'s stack of
     * 32 pending sums (for up to 2³² leaves). A stack made per row had cost 144 bytes a row of a
     * logsumexp; and a vector handed to {@link Simd#sum(FloatVector)} is boxed where C2 leaves that
     * call a call, past its inlining budget (one run allocated ~49 bytes a row more, not traced).
     */
    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[L + 32]);

    /**
     * Creates the kernel (it holds no state); public and without arguments for
     * {@link dev.ganglion.engine.Vectorization#load}, which instantiates it reflectively.
     */
    public SimdReduce() {}

    @Override
    public float sum(float[] x, int off, int n) {
        if (n > LEAF) {
            int h = n / 2;
            return sum(x, off, h) + sum(x, off + h, n - h);
        }
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        int i = 0;
        for (int bound = n - 4 * L; i <= bound; i += 4 * L) {
            a0 = a0.add(FloatVector.fromArray(S, x, off + i));
            a1 = a1.add(FloatVector.fromArray(S, x, off + i + L));
            a2 = a2.add(FloatVector.fromArray(S, x, off + i + 2 * L));
            a3 = a3.add(FloatVector.fromArray(S, x, off + i + 3 * L));
        }
        for (; i <= n - L; i += L) {
            a0 = a0.add(FloatVector.fromArray(S, x, off + i));
        }
        // a call taking a vector, which can box (see SCRATCH); C2 inlined this one in every run, and
        // the scratch (a thread-local lookup a row) was slower on short rows (65,536 rows of 16:
        // 0.50 ms against 0.27–0.39)
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
            FloatVector a0 = FloatVector.fromArray(S, x, off), a1 = a0, a2 = a0, a3 = a0;
            for (int bound = n - 4 * L; i <= bound; i += 4 * L) {
                a0 = a0.max(FloatVector.fromArray(S, x, off + i));
                a1 = a1.max(FloatVector.fromArray(S, x, off + i + L));
                a2 = a2.max(FloatVector.fromArray(S, x, off + i + 2 * L));
                a3 = a3.max(FloatVector.fromArray(S, x, off + i + 3 * L));
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
            FloatVector a0 = FloatVector.fromArray(S, x, off), a1 = a0, a2 = a0, a3 = a0;
            for (int bound = n - 4 * L; i <= bound; i += 4 * L) {
                a0 = a0.min(FloatVector.fromArray(S, x, off + i));
                a1 = a1.min(FloatVector.fromArray(S, x, off + i + L));
                a2 = a2.min(FloatVector.fromArray(S, x, off + i + 2 * L));
                a3 = a3.min(FloatVector.fromArray(S, x, off + i + 3 * L));
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
        // Exponentials first, then their (pairwise) sum from y while it is still in cache.
        expInto(x, xOff, y, yOff, n, m);
        float inv = 1f / sum(y, yOff, n);
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(S, y, yOff + i).mul(inv).intoArray(y, yOff + i);
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
            FloatVector.fromArray(S, x, xOff + i).sub(m).sub(logS).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] = (x[xOff + i] - m) - logS;
        }
    }

    /** {@code y = e^(x−m)} elementwise. */
    private static void expInto(float[] x, int xo, float[] y, int yo, int n, float m) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            SimdExp.exp(FloatVector.fromArray(S, x, xo + i).sub(m)).intoArray(y, yo + i);
        }
        for (; i < n; i++) {
            y[yo + i] = SimdExp.exp(x[xo + i] - m);
        }
    }

    /**
     * Pairwise {@code Σ e^(xᵢ−m)} without storing the terms: leaf sums of {@value #LEAF} terms left
     * to right, each added to the pending sums of as many leaves (a binary counter), then the
     * pending sums smallest first; the float error grows with log n as in {@link #sum}. A loop,
     * not {@link #sum}'s recursion: C2 inlines a recursive method into itself once, and with the
     * leaf and its exponentials in every copy it ran out of node budget and called {@link
     * SimdExp#exp} out of line, boxing every vector (logSumExp 2.9× slower). The pending sums are
     * this thread's {@link #SCRATCH}.
     */
    private static float expSum(float[] x, int xo, int n, float m) {
        // One call site of the leaf (each inlined copy costs C2 node budget); the stack of
        // pending sums only for more than one leaf.
        float[] scratch = SCRATCH.get();
        boolean stacked = n > LEAF;
        int depth = PENDING;
        float s = 0;
        for (int leaf = 0, i = 0; i < n; leaf++, i += LEAF) {
            s = expSumLeaf(x, xo + i, Math.min(LEAF, n - i), m, scratch);
            if (!stacked) {
                break;
            }
            for (int c = leaf; (c & 1) == 1; c >>= 1) {
                s = scratch[--depth] + s;
            }
            scratch[depth++] = s;
        }
        if (stacked) {
            s = scratch[--depth];
            while (depth > PENDING) {
                s = scratch[--depth] + s;
            }
        }
        return s;
    }

    /** {@code Σ e^(xᵢ−m)} over at most {@value #LEAF} terms, in lanes; {@code lanes}: {@link #SCRATCH}. */
    private static float expSumLeaf(float[] x, int xo, int n, float m, float[] lanes) {
        FloatVector a = FloatVector.zero(S);
        int i = 0;
        // One accumulator suffices: the exponential, not the add's latency, bounds this loop.
        for (int bound = S.loopBound(n); i < bound; i += L) {
            a = a.add(SimdExp.exp(FloatVector.fromArray(S, x, xo + i).sub(m)));
        }
        a.intoArray(lanes, 0);
        float s = Simd.sum(lanes, 0);
        for (; i < n; i++) {
            s += SimdExp.exp(x[xo + i] - m);
        }
        return s;
    }
}
