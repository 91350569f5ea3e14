package dev.ganglion.engine.simd;

import dev.ganglion.engine.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Matrix–vector products for {@link SimdGemm} when m = 1 or n = 1. Packing would move as many
 * values as the product multiplies, so these kernels stream the matrix once, unpacked:
 * {@link #dotRows} when the matrix is contiguous along k ({@code y_i = α·M_i·x + β·y_i}),
 * {@link #axpyColumns} when it is contiguous along the output ({@code y = α·Σ_p x_p·M_p + β·y}).
 */
final class SimdGemv {
    private static final VectorSpecies<Float> F32 = Simd.F32;
    private static final int LANES = Simd.LANES;
    /** Matrix elements below which a product stays on the calling thread (memory-bound: ~0.1 ms). */
    private static final int PARALLEL_MIN_ELEMENTS = 1 << 18;

    private SimdGemv() {}

    /**
     * {@code y[yOff + i·incy] = α·Σ_p mat[mOff + i·ldm + p]·x[xOff + p·incx] + β·y[…]} for i < rows;
     * y is not read when β = 0.
     */
    static void dotRows(int rows, int k, float alpha, float[] mat, int mOff, int ldm,
                        float[] x, int xOff, int incx, float beta, float[] y, int yOff, int incy) {
        int grain = Math.max(4, PARALLEL_MIN_ELEMENTS / k);
        Parallel.forRange(rows, grain, (from, to) -> {
            if (incx == 1) {
                dotRange(from, to, k, alpha, mat, mOff, ldm, x, xOff, beta, y, yOff, incy);
                return;
            }
            // Gather the strided vector once per task so the inner loops read it with unit stride.
            try (GemmWorkspace ws = GemmWorkspace.acquire()) {
                float[] xs = ws.vector(k);
                for (int p = 0; p < k; p++) {
                    xs[p] = x[xOff + p * incx];
                }
                dotRange(from, to, k, alpha, mat, mOff, ldm, xs, 0, beta, y, yOff, incy);
            }
        });
    }

    /** Rows {@code [from, to)} of {@link #dotRows} with a unit-stride x. */
    private static void dotRange(int from, int to, int k, float alpha, float[] mat, int mOff, int ldm,
                                 float[] x, int xOff, float beta, float[] y, int yOff, int incy) {
        for (int i = from; i < to; i++) {
            float dot = dot(k, mat, mOff + i * ldm, x, xOff);
            int yi = yOff + i * incy;
            y[yi] = beta == 0f ? alpha * dot : alpha * dot + beta * y[yi];
        }
    }

    /** {@code Σ_p u[uo+p]·v[vo+p]}: two vector accumulators; the loop is memory-bound anyway. */
    private static float dot(int k, float[] u, int uo, float[] v, int vo) {
        FloatVector s0 = FloatVector.zero(F32);
        FloatVector s1 = FloatVector.zero(F32);
        int p = 0;
        for (; p <= k - 2 * LANES; p += 2 * LANES) {
            s0 = FloatVector.fromArray(F32, u, uo + p).fma(FloatVector.fromArray(F32, v, vo + p), s0);
            s1 = FloatVector.fromArray(F32, u, uo + p + LANES).fma(FloatVector.fromArray(F32, v, vo + p + LANES), s1);
        }
        float sum = Simd.sum(s0.add(s1));
        for (; p < k; p++) {
            sum += u[uo + p] * v[vo + p];
        }
        return sum;
    }

    /**
     * {@code y[yOff + j·incy] = α·Σ_p x[xOff + p·incx]·mat[mOff + p·ldm + j] + β·y[…]} for j < cols;
     * y is not read when β = 0.
     */
    static void axpyColumns(int cols, int k, float alpha, float[] mat, int mOff, int ldm,
                            float[] x, int xOff, int incx, float beta, float[] y, int yOff, int incy) {
        // Each task owns whole vectors of output columns, so tasks never share a cache line of y.
        int grain = Math.max(4 * LANES, PARALLEL_MIN_ELEMENTS / k) / LANES;
        int chunks = (cols + LANES - 1) / LANES;
        Parallel.forRange(chunks, grain, (from, to) -> {
            int j0 = from * LANES;
            int j1 = Math.min(cols, to * LANES);
            try (GemmWorkspace ws = GemmWorkspace.acquire()) {
                float[] acc = ws.vector(j1 - j0);
                accumulateColumns(j1 - j0, k, mat, mOff + j0, ldm, x, xOff, incx, acc);
                for (int j = j0; j < j1; j++) {
                    int yi = yOff + j * incy;
                    float v = alpha * acc[j - j0];
                    y[yi] = beta == 0f ? v : v + beta * y[yi];
                }
            }
        });
    }

    /**
     * {@code acc[j] = Σ_p x_p·mat[mo + p·ldm + j]} for j < cols: four vectors of columns stay in
     * registers for the whole k loop, so each matrix value is loaded once and acc written once.
     */
    private static void accumulateColumns(int cols, int k, float[] mat, int mo, int ldm,
                                          float[] x, int xOff, int incx, float[] acc) {
        int j = 0;
        for (; j <= cols - 4 * LANES; j += 4 * LANES) {
            FloatVector a0 = FloatVector.zero(F32);
            FloatVector a1 = a0;
            FloatVector a2 = a0;
            FloatVector a3 = a0;
            for (int p = 0, r = mo + j; p < k; p++, r += ldm) {
                FloatVector xp = FloatVector.broadcast(F32, x[xOff + p * incx]);
                a0 = xp.fma(FloatVector.fromArray(F32, mat, r), a0);
                a1 = xp.fma(FloatVector.fromArray(F32, mat, r + LANES), a1);
                a2 = xp.fma(FloatVector.fromArray(F32, mat, r + 2 * LANES), a2);
                a3 = xp.fma(FloatVector.fromArray(F32, mat, r + 3 * LANES), a3);
            }
            a0.intoArray(acc, j);
            a1.intoArray(acc, j + LANES);
            a2.intoArray(acc, j + 2 * LANES);
            a3.intoArray(acc, j + 3 * LANES);
        }
        for (; j < cols; j += LANES) {
            // Tail: one (possibly masked) vector of columns at a time.
            var mask = F32.indexInRange(j, cols);
            FloatVector a0 = FloatVector.zero(F32);
            for (int p = 0, r = mo + j; p < k; p++, r += ldm) {
                a0 = FloatVector.broadcast(F32, x[xOff + p * incx]).fma(FloatVector.fromArray(F32, mat, r, mask), a0);
            }
            a0.intoArray(acc, j, mask);
        }
    }
}
