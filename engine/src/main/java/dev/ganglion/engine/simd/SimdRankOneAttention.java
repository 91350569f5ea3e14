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
                float shift = -(ai >= 0 ? ai * hi : ai * lo);
                int k = (row + i) * n;
                FloatVector sum = FloatVector.zero(S);
                for (int j = 0; j < n; j += L) {
                    FloatVector e = SimdExp.exp(FloatVector.fromArray(S, b, row + j).fma(ai, shift));
                    e.intoArray(p, k + j);
                    sum = sum.add(e);
                }
                float inv = 1f / Simd.sum(sum);
                FloatVector oi = FloatVector.zero(S);
                for (int j = 0; j < n; j += L) {
                    FloatVector pv = FloatVector.fromArray(S, p, k + j).mul(inv);
                    pv.intoArray(p, k + j);
                    oi = pv.fma(FloatVector.fromArray(S, u, row + j), oi);
                }
                o[row + i] = Simd.sum(oi);
            }
        }
    }

    @Override
    public void backward(int from, int to, int n, float[] a, float[] b, float[] u, float[] p, float[] o, float[] g,
                         float[] da, float[] db, float[] du) {
        if (n % L != 0) {
            SCALAR.backward(from, to, n, a, b, u, p, o, g, da, db, du);
            return;
        }
        FloatVector zero = FloatVector.zero(S);
        for (int r = from; r < to; r++) {
            int row = r * n;
            for (int j = 0; j < n; j += L) {
                zero.intoArray(db, row + j);
                zero.intoArray(du, row + j);
            }
            for (int i = 0; i < n; i++) {
                int k = (row + i) * n;
                float gi = g[row + i];
                float oi = o[row + i];
                FloatVector ai = FloatVector.broadcast(S, a[row + i]);
                FloatVector dai = zero;
                for (int j = 0; j < n; j += L) {
                    FloatVector pg = FloatVector.fromArray(S, p, k + j).mul(gi);
                    FloatVector.fromArray(S, du, row + j).add(pg).intoArray(du, row + j);
                    FloatVector ds = pg.mul(FloatVector.fromArray(S, u, row + j).sub(oi));
                    dai = ds.fma(FloatVector.fromArray(S, b, row + j), dai);
                    ds.fma(ai, FloatVector.fromArray(S, db, row + j)).intoArray(db, row + j);
                }
                da[row + i] = Simd.sum(dai);
            }
        }
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
