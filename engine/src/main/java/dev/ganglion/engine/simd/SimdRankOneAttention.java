package dev.ganglion.engine.simd;

import dev.ganglion.engine.kernel.RankOneAttentionKernel;
import dev.ganglion.engine.kernel.ScalarRankOneAttention;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * SIMD {@link RankOneAttentionKernel} for float rows whose length n is a multiple of the vector
 * width (CircuitNet's N = 32 is two 16-lane vectors), vectorised along j: each {@code a_i} is
 * broadcast against the row's b, u and p vectors, exponentials by {@link SimdExp}. The lane sums
 * (each i's softmax denominator and output, and in backward each {@code da_i}) are taken for
 * {@value #GROUP} values of i at once: each i's vector is stored, and the group's sums come from one
 * transposing reduction ({@link SimdSparseDots#laneSums}) instead of a horizontal sum per i, which
 * had taken ~20 % of a CircuitNet step in JFR (step −10 % with the groups). Both give
 * {@link Simd#sum}'s bits, in a fixed order, so results do not depend on JIT state. Other lengths
 * and float64 go to {@link ScalarRankOneAttention}. Same results as the reference up to float
 * rounding (the reference computes in double).
 */
public final class SimdRankOneAttention implements RankOneAttentionKernel {
    private static final VectorSpecies<Float> S = Simd.F32;
    private static final int L = Simd.LANES;
    private static final ByteOrder LE = Simd.STORE_ORDER;
    private static final ScalarRankOneAttention SCALAR = new ScalarRankOneAttention();
    /** Values of i whose lane sums are taken together. */
    private static final int GROUP = 16;

    /**
     * Creates the kernel (it holds no state); public and without arguments for
     * {@link dev.ganglion.engine.Vectorization#load}, which instantiates it reflectively.
     */
    public SimdRankOneAttention() {}

    @Override
    public void forward(int from, int to, int n, float[] a, float[] b, float[] u, float[] p, float[] o) {
        if (n % L != 0) {
            SCALAR.forward(from, to, n, a, b, u, p, o);
            return;
        }
        float[] sums = new float[GROUP];
        try (SumScratch scratch = SumScratch.acquire()) {
            forward(from, to, n, a, b, u, p, o, scratch.floats(GROUP * L), sums);
        }
    }

    /** {@link #forward} with its scratch: {@code vectors} for GROUP·L floats, {@code sums} for GROUP. */
    private static void forward(int from, int to, int n, float[] a, float[] b, float[] u, float[] p, float[] o,
                                MemorySegment vectors, float[] sums) {
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
            for (int i0 = 0; i0 < n; i0 += GROUP) {
                int m = Math.min(GROUP, n - i0);
                for (int t = 0; t < m; t++) {
                    float ai = a[row + i0 + t];
                    int k = (row + i0 + t) * n;
                    exponentials(b, row, ai, -(ai >= 0 ? ai * hi : ai * lo), p, k, n, vectors, t * L);
                }
                SimdSparseDots.laneSums(vectors, 0, L, m, sums, 0); // Σ_j p_ij
                for (int t = 0; t < m; t++) {
                    normalizeAndDot(p, (row + i0 + t) * n, u, row, n, 1f / sums[t], vectors, t * L);
                }
                SimdSparseDots.laneSums(vectors, 0, L, m, o, row + i0); // o_i = Σ_j p_ij·u_j
            }
        }
    }

    /*
     * NOTE: the exponential's nodes push C2 past its inlining cutoff in these loops, and a call taking
     * a vector past the cutoff stays a call that boxes its vector (10 % of a CircuitNet step in JFR).
     * So the per-i steps are methods taking arrays and scalars, which leave each i's vector to be
     * summed in {@code vectors} (the caller's scratch of GROUP·L floats) at {@code at}.
     */

    /** {@code p[k + j] = exp(a_i·b_j + shift)} for j < n; their sum's vector to {@code vectors[at …]}. */
    private static void exponentials(float[] b, int row, float ai, float shift, float[] p, int k, int n,
                                     MemorySegment vectors, int at) {
        FloatVector sum = FloatVector.zero(S);
        for (int j = 0; j < n; j += L) {
            FloatVector e = SimdExp.exp(FloatVector.fromArray(S, b, row + j).fma(ai, shift));
            e.intoArray(p, k + j);
            sum = sum.add(e);
        }
        sum.reinterpretAsBytes().intoMemorySegment(vectors, (long) at * Float.BYTES, LE);
    }

    /** {@code p[k + j] *= inv} for j < n; the vector of {@code Σ_j p[k + j]·u[row + j]} to {@code vectors[at …]}. */
    private static void normalizeAndDot(float[] p, int k, float[] u, int row, int n, float inv, MemorySegment vectors,
                                        int at) {
        FloatVector oi = FloatVector.zero(S);
        for (int j = 0; j < n; j += L) {
            FloatVector pv = FloatVector.fromArray(S, p, k + j).mul(inv);
            pv.intoArray(p, k + j);
            oi = pv.fma(FloatVector.fromArray(S, u, row + j), oi);
        }
        oi.reinterpretAsBytes().intoMemorySegment(vectors, (long) at * Float.BYTES, LE);
    }

    @Override
    public void backward(int from, int to, int n, float[] a, float[] b, float[] u, float[] p, float[] o, float[] g,
                         float[] da, float[] db, float[] du) {
        if (n % L != 0) {
            SCALAR.backward(from, to, n, a, b, u, p, o, g, da, db, du);
            return;
        }
        try (SumScratch scratch = SumScratch.acquire()) {
            backward(from, to, n, a, b, u, p, o, g, da, db, du, scratch.floats(GROUP * L));
        }
    }

    /** {@link #backward} with its scratch {@code vectors} of GROUP·L floats. */
    private static void backward(int from, int to, int n, float[] a, float[] b, float[] u, float[] p, float[] o,
                                 float[] g, float[] da, float[] db, float[] du, MemorySegment vectors) {
        FloatVector zero = FloatVector.zero(S);
        for (int r = from; r < to; r++) {
            int row = r * n;
            for (int j = 0; j < n; j += L) {
                zero.intoArray(db, row + j);
                zero.intoArray(du, row + j);
            }
            for (int i0 = 0; i0 < n; i0 += GROUP) {
                int m = Math.min(GROUP, n - i0);
                for (int t = 0; t < m; t++) {
                    int i = row + i0 + t;
                    backwardRow(p, i * n, g[i], o[i], a[i], b, u, row, n, db, du, vectors, t * L);
                }
                SimdSparseDots.laneSums(vectors, 0, L, m, da, row + i0);
            }
        }
    }

    /**
     * Row i of backward: {@code du_j += p_ij·g_i}, {@code db_j += ds_ij·a_i} for j < n; the vector of
     * {@code da_i = Σ_j ds_ij·b_j} to {@code vectors[at …]}. A method of its own for the reason noted
     * above {@link #exponentials}.
     */
    private static void backwardRow(float[] p, int k, float gi, float oi, float ai, float[] b, float[] u, int row, int n,
                                    float[] db, float[] du, MemorySegment vectors, int at) {
        FloatVector av = FloatVector.broadcast(S, ai);
        FloatVector dai = FloatVector.zero(S);
        for (int j = 0; j < n; j += L) {
            FloatVector pg = FloatVector.fromArray(S, p, k + j).mul(gi);
            FloatVector.fromArray(S, du, row + j).add(pg).intoArray(du, row + j);
            FloatVector ds = pg.mul(FloatVector.fromArray(S, u, row + j).sub(oi));
            dai = ds.fma(FloatVector.fromArray(S, b, row + j), dai);
            ds.fma(av, FloatVector.fromArray(S, db, row + j)).intoArray(db, row + j);
        }
        dai.reinterpretAsBytes().intoMemorySegment(vectors, (long) at * Float.BYTES, LE);
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
