package dev.ganglion.engine.simd;

import dev.ganglion.engine.kernel.RankOneAttentionKernel;
import dev.ganglion.engine.kernel.ScalarRankOneAttention;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * SIMD {@link RankOneAttentionKernel} for float rows whose length n is a multiple of the vector
 * width (CircuitNet's N = 32 is two 16-lane vectors), vectorised along j: each {@code a_i} is
 * broadcast against the row's b, u and p vectors, exponentials by {@link SimdExp} and lane sums by
 * {@link Simd#sum}, both in a fixed order, so results do not depend on JIT state. Other lengths
 * and float64 go to {@link ScalarRankOneAttention}. Same results as the reference up to float
 * rounding (the reference computes in double).
 */
public final class SimdRankOneAttention implements RankOneAttentionKernel {
    private static final VectorSpecies<Float> S = Simd.F32;
    private static final int L = Simd.LANES;
    private static final ScalarRankOneAttention SCALAR = new ScalarRankOneAttention();

    @Override
    public void forward(int from, int to, int n, float[] a, float[] b, float[] u, float[] p, float[] o) {
        if (n % L != 0) {
            SCALAR.forward(from, to, n, a, b, u, p, o);
            return;
        }
        float[] lanes = new float[L];
        for (int r = from; r < to; r++) {
            int row = r * n;
            FloatVector hiV = FloatVector.fromArray(S, b, row);
            FloatVector loV = hiV;
            for (int j = L; j < n; j += L) {
                FloatVector bv = FloatVector.fromArray(S, b, row + j);
                hiV = hiV.max(bv);
                loV = loV.min(bv);
            }
            // max and min are exact and order-free, so any lane order gives the same bits
            float hi = hiV.reduceLanes(VectorOperators.MAX);
            float lo = loV.reduceLanes(VectorOperators.MIN);
            for (int i = 0; i < n; i++) {
                float ai = a[row + i];
                int k = (row + i) * n;
                exponentials(b, row, ai, -(ai >= 0 ? ai * hi : ai * lo), p, k, n);
                o[row + i] = normalizeAndDot(p, k, u, row, n, lanes);
            }
        }
    }

    /*
     * NOTE: the exponential's nodes push C2 past its inlining cutoff in these loops, and a Simd.sum(vector)
     * past the cutoff stays a call that boxes its vector (10 % of a CircuitNet step in JFR). So the per-i
     * steps are methods taking arrays and scalars, and the lane sums go through Simd.sum(array, offset)
     * from a stored vector ({@code lanes}, the caller's scratch of L floats).
     */

    /** {@code p[k + j] = exp(a_i·b_j + shift)} for j < n. */
    private static void exponentials(float[] b, int row, float ai, float shift, float[] p, int k, int n) {
        for (int j = 0; j < n; j += L) {
            SimdExp.exp(FloatVector.fromArray(S, b, row + j).fma(ai, shift)).intoArray(p, k + j);
        }
    }

    /** {@code p[k + j] /= Σ_j p[k + j]} (as a product with the inverse) for j < n; returns {@code Σ_j p[k + j]·u[row + j]}. */
    private static float normalizeAndDot(float[] p, int k, float[] u, int row, int n, float[] lanes) {
        FloatVector sum = FloatVector.zero(S);
        for (int j = 0; j < n; j += L) {
            sum = sum.add(FloatVector.fromArray(S, p, k + j));
        }
        sum.intoArray(lanes, 0);
        float inv = 1f / Simd.sum(lanes, 0);
        FloatVector oi = FloatVector.zero(S);
        for (int j = 0; j < n; j += L) {
            FloatVector pv = FloatVector.fromArray(S, p, k + j).mul(inv);
            pv.intoArray(p, k + j);
            oi = pv.fma(FloatVector.fromArray(S, u, row + j), oi);
        }
        oi.intoArray(lanes, 0);
        return Simd.sum(lanes, 0);
    }

    @Override
    public void backward(int from, int to, int n, float[] a, float[] b, float[] u, float[] p, float[] o, float[] g,
                         float[] da, float[] db, float[] du) {
        if (n % L != 0) {
            SCALAR.backward(from, to, n, a, b, u, p, o, g, da, db, du);
            return;
        }
        FloatVector zero = FloatVector.zero(S);
        float[] lanes = new float[L];
        for (int r = from; r < to; r++) {
            int row = r * n;
            for (int j = 0; j < n; j += L) {
                zero.intoArray(db, row + j);
                zero.intoArray(du, row + j);
            }
            for (int i = 0; i < n; i++) {
                da[row + i] = backwardRow(p, (row + i) * n, g[row + i], o[row + i], a[row + i], b, u, row, n, db, du,
                        lanes);
            }
        }
    }

    /**
     * Row i of backward: {@code du_j += p_ij·g_i}, {@code db_j += ds_ij·a_i} for j < n; returns
     * {@code da_i = Σ_j ds_ij·b_j}. A method of its own for the reason noted above {@link #exponentials}.
     */
    private static float backwardRow(float[] p, int k, float gi, float oi, float ai, float[] b, float[] u, int row, int n,
                                     float[] db, float[] du, float[] lanes) {
        FloatVector av = FloatVector.broadcast(S, ai);
        FloatVector dai = FloatVector.zero(S);
        for (int j = 0; j < n; j += L) {
            FloatVector pg = FloatVector.fromArray(S, p, k + j).mul(gi);
            FloatVector.fromArray(S, du, row + j).add(pg).intoArray(du, row + j);
            FloatVector ds = pg.mul(FloatVector.fromArray(S, u, row + j).sub(oi));
            dai = ds.fma(FloatVector.fromArray(S, b, row + j), dai);
            ds.fma(av, FloatVector.fromArray(S, db, row + j)).intoArray(db, row + j);
        }
        dai.intoArray(lanes, 0);
        return Simd.sum(lanes, 0);
    }

    @Override
    public void forward(int from, int to, int n, double[] a, double[] b, double[] u, double[] p, double[] o) {
        SCALAR.forward(from, to, n, a, b, u, p, o);
    }

    @Override
    public void backward(int from, int to, int n, double[] a, double[] b, double[] u, double[] p, double[] o,
                         double[] g, double[] da, double[] db, double[] du) {
        SCALAR.backward(from, to, n, a, b, u, p, o, g, da, db, du);
    }
}
