package dev.ganglion.engine.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * In-register transposes of a square block of floats, one vector per row: {@code dst[d + p·dstStride
 * + j] = src[s + j·lds + p]} for j, p < {@link #BLOCK}. Used to pack a transposed operand
 * ({@link GemmPacking}), where the scalar copy scatters one value per cache line, to add a product
 * computed transposed to its output ({@link #addTransposed}), and by {@link SimdTranspose}.
 *
 * <p>Butterfly stages h = L/2, …, 1: rows i and i+h exchange their h-blocks. At 16 lanes each new row
 * is one two-vector permute ({@code selectFrom(v1, v2)}, one {@code vpermt2ps} on AVX-512; measured
 * on Zen 5: 0.20 ns per value against 0.33 for the scalar copy). At 8 lanes (AVX2, where a
 * two-vector permute becomes several instructions) each is one permute and one blend
 * ({@link #block8}; measured on Zen 3 with the data in L2: 0.30 ns per value against 0.80). Other
 * widths have no block ({@link #BLOCK} = 0) and callers use the scalar copy.
 */
final class GemmTranspose {
    /** Side of the in-register block at the active width: 16 or 8 lanes, else 0 (none). */
    static final int BLOCK = Simd.LANES == 16 || Simd.LANES == 8 ? Simd.LANES : 0;
    private static final VectorSpecies<Float> F32 = Simd.F32;
    /** Per stage, lane indexes into (row i ‖ row i+h) for the new row i and the new row i+h. */
    static final float[][] LOW = new float[4][16];
    static final float[][] HIGH = new float[4][16];
    /**
     * Per stage, the partner of each lane in a pairwise reduction step ({@link SimdSparseDots}):
     * {@code a.blend(b, HIGH_h) + CROSS.selectFrom(a, b)} holds {@code a[j] + a[j+h]} in the lanes j
     * without bit h and {@code b[j] + b[j−h]} in the others ({@link Simd#sum}'s pairs, and its bits:
     * addition is commutative).
     */
    static final float[][] CROSS = new float[4][16];

    static {
        int stage = 0;
        for (int h = 8; h >= 1; h /= 2, stage++) {
            for (int j = 0; j < 16; j++) {
                LOW[stage][j] = (j & h) == 0 ? j : 16 + j - h;
                HIGH[stage][j] = (j & h) == 0 ? j + h : 16 + j;
                CROSS[stage][j] = (j & h) == 0 ? j + h : 16 + j - h;
            }
        }
    }

    private GemmTranspose() {}

    /**
     * {@code dst[d + j·ldd + i] = α·src[i·cols + j] + β·dst[d + j·ldd + i]} for i < rows, j < cols
     * (dst is not read when β = 0): adds the transpose of a dense rows×cols block, {@link #BLOCK}
     * square at a time through {@link #block} and {@code tmp} (≥ 256 floats), the edges one by one.
     */
    static void addTransposed(float[] src, int rows, int cols, float alpha, float beta,
                              float[] dst, int d, int ldd, float[] tmp) {
        int rowsB = BLOCK > 0 ? rows / BLOCK * BLOCK : 0;
        int colsB = BLOCK > 0 ? cols / BLOCK * BLOCK : 0;
        FloatVector va = FloatVector.broadcast(F32, alpha);
        FloatVector vb = FloatVector.broadcast(F32, beta);
        for (int i0 = 0; i0 < rowsB; i0 += BLOCK) {
            for (int j0 = 0; j0 < colsB; j0 += BLOCK) {
                block(src, i0 * cols + j0, cols, tmp, 0, BLOCK);
                for (int j = 0, o = d + j0 * ldd + i0; j < BLOCK; j++, o += ldd) {
                    FloatVector v = FloatVector.fromArray(F32, tmp, BLOCK * j).mul(va);
                    if (beta != 0f) {
                        v = FloatVector.fromArray(F32, dst, o).fma(vb, v);
                    }
                    v.intoArray(dst, o);
                }
            }
        }
        addTransposedScalar(src, cols, 0, rowsB, colsB, cols, alpha, beta, dst, d, ldd);
        addTransposedScalar(src, cols, rowsB, rows, 0, cols, alpha, beta, dst, d, ldd);
    }

    /** {@link #addTransposed} for rows {@code [i0, i1)} × columns {@code [j0, j1)} of src, one value at a time. */
    private static void addTransposedScalar(float[] src, int cols, int i0, int i1, int j0, int j1,
                                            float alpha, float beta, float[] dst, int d, int ldd) {
        for (int j = j0; j < j1; j++) {
            for (int i = i0, o = d + j * ldd + i0; i < i1; i++, o++) {
                float v = alpha * src[i * cols + j];
                dst[o] = beta == 0f ? v : v + beta * dst[o];
            }
        }
    }

    /**
     * Transposes the {@link #BLOCK}-square block at {@code src[s]} (row stride {@code lds}) into
     * {@code dst[d]} (row stride {@code dstStride}); only where {@code BLOCK > 0}.
     */
    static void block(float[] src, int s, int lds, float[] dst, int d, int dstStride) {
        if (BLOCK == 16) {
            block16(src, s, lds, dst, d, dstStride);
        } else {
            block8(src, s, lds, dst, d, dstStride);
        }
    }

    /** {@link #block} at 16 lanes. */
    private static void block16(float[] src, int s, int lds, float[] dst, int d, int dstStride) {
        // NOTE: written out in full: sixteen live vectors must stay in registers, and any helper
        // taking them would box them (see GemmMicroKernel).
        FloatVector v0 = FloatVector.fromArray(F32, src, s);
        FloatVector v1 = FloatVector.fromArray(F32, src, s + 1 * lds);
        FloatVector v2 = FloatVector.fromArray(F32, src, s + 2 * lds);
        FloatVector v3 = FloatVector.fromArray(F32, src, s + 3 * lds);
        FloatVector v4 = FloatVector.fromArray(F32, src, s + 4 * lds);
        FloatVector v5 = FloatVector.fromArray(F32, src, s + 5 * lds);
        FloatVector v6 = FloatVector.fromArray(F32, src, s + 6 * lds);
        FloatVector v7 = FloatVector.fromArray(F32, src, s + 7 * lds);
        FloatVector v8 = FloatVector.fromArray(F32, src, s + 8 * lds);
        FloatVector v9 = FloatVector.fromArray(F32, src, s + 9 * lds);
        FloatVector v10 = FloatVector.fromArray(F32, src, s + 10 * lds);
        FloatVector v11 = FloatVector.fromArray(F32, src, s + 11 * lds);
        FloatVector v12 = FloatVector.fromArray(F32, src, s + 12 * lds);
        FloatVector v13 = FloatVector.fromArray(F32, src, s + 13 * lds);
        FloatVector v14 = FloatVector.fromArray(F32, src, s + 14 * lds);
        FloatVector v15 = FloatVector.fromArray(F32, src, s + 15 * lds);
        FloatVector t;
        // stage h = 8
        FloatVector lo0 = FloatVector.fromArray(F32, LOW[0], 0);
        FloatVector hi0 = FloatVector.fromArray(F32, HIGH[0], 0);
        t = lo0.selectFrom(v0, v8); v8 = hi0.selectFrom(v0, v8); v0 = t;
        t = lo0.selectFrom(v1, v9); v9 = hi0.selectFrom(v1, v9); v1 = t;
        t = lo0.selectFrom(v2, v10); v10 = hi0.selectFrom(v2, v10); v2 = t;
        t = lo0.selectFrom(v3, v11); v11 = hi0.selectFrom(v3, v11); v3 = t;
        t = lo0.selectFrom(v4, v12); v12 = hi0.selectFrom(v4, v12); v4 = t;
        t = lo0.selectFrom(v5, v13); v13 = hi0.selectFrom(v5, v13); v5 = t;
        t = lo0.selectFrom(v6, v14); v14 = hi0.selectFrom(v6, v14); v6 = t;
        t = lo0.selectFrom(v7, v15); v15 = hi0.selectFrom(v7, v15); v7 = t;
        // stage h = 4
        FloatVector lo1 = FloatVector.fromArray(F32, LOW[1], 0);
        FloatVector hi1 = FloatVector.fromArray(F32, HIGH[1], 0);
        t = lo1.selectFrom(v0, v4); v4 = hi1.selectFrom(v0, v4); v0 = t;
        t = lo1.selectFrom(v1, v5); v5 = hi1.selectFrom(v1, v5); v1 = t;
        t = lo1.selectFrom(v2, v6); v6 = hi1.selectFrom(v2, v6); v2 = t;
        t = lo1.selectFrom(v3, v7); v7 = hi1.selectFrom(v3, v7); v3 = t;
        t = lo1.selectFrom(v8, v12); v12 = hi1.selectFrom(v8, v12); v8 = t;
        t = lo1.selectFrom(v9, v13); v13 = hi1.selectFrom(v9, v13); v9 = t;
        t = lo1.selectFrom(v10, v14); v14 = hi1.selectFrom(v10, v14); v10 = t;
        t = lo1.selectFrom(v11, v15); v15 = hi1.selectFrom(v11, v15); v11 = t;
        // stage h = 2
        FloatVector lo2 = FloatVector.fromArray(F32, LOW[2], 0);
        FloatVector hi2 = FloatVector.fromArray(F32, HIGH[2], 0);
        t = lo2.selectFrom(v0, v2); v2 = hi2.selectFrom(v0, v2); v0 = t;
        t = lo2.selectFrom(v1, v3); v3 = hi2.selectFrom(v1, v3); v1 = t;
        t = lo2.selectFrom(v4, v6); v6 = hi2.selectFrom(v4, v6); v4 = t;
        t = lo2.selectFrom(v5, v7); v7 = hi2.selectFrom(v5, v7); v5 = t;
        t = lo2.selectFrom(v8, v10); v10 = hi2.selectFrom(v8, v10); v8 = t;
        t = lo2.selectFrom(v9, v11); v11 = hi2.selectFrom(v9, v11); v9 = t;
        t = lo2.selectFrom(v12, v14); v14 = hi2.selectFrom(v12, v14); v12 = t;
        t = lo2.selectFrom(v13, v15); v15 = hi2.selectFrom(v13, v15); v13 = t;
        // stage h = 1
        FloatVector lo3 = FloatVector.fromArray(F32, LOW[3], 0);
        FloatVector hi3 = FloatVector.fromArray(F32, HIGH[3], 0);
        t = lo3.selectFrom(v0, v1); v1 = hi3.selectFrom(v0, v1); v0 = t;
        t = lo3.selectFrom(v2, v3); v3 = hi3.selectFrom(v2, v3); v2 = t;
        t = lo3.selectFrom(v4, v5); v5 = hi3.selectFrom(v4, v5); v4 = t;
        t = lo3.selectFrom(v6, v7); v7 = hi3.selectFrom(v6, v7); v6 = t;
        t = lo3.selectFrom(v8, v9); v9 = hi3.selectFrom(v8, v9); v8 = t;
        t = lo3.selectFrom(v10, v11); v11 = hi3.selectFrom(v10, v11); v10 = t;
        t = lo3.selectFrom(v12, v13); v13 = hi3.selectFrom(v12, v13); v12 = t;
        t = lo3.selectFrom(v14, v15); v15 = hi3.selectFrom(v14, v15); v14 = t;
        v0.intoArray(dst, d); v1.intoArray(dst, d + 1 * dstStride);
        v2.intoArray(dst, d + 2 * dstStride); v3.intoArray(dst, d + 3 * dstStride);
        v4.intoArray(dst, d + 4 * dstStride); v5.intoArray(dst, d + 5 * dstStride);
        v6.intoArray(dst, d + 6 * dstStride); v7.intoArray(dst, d + 7 * dstStride);
        v8.intoArray(dst, d + 8 * dstStride); v9.intoArray(dst, d + 9 * dstStride);
        v10.intoArray(dst, d + 10 * dstStride); v11.intoArray(dst, d + 11 * dstStride);
        v12.intoArray(dst, d + 12 * dstStride); v13.intoArray(dst, d + 13 * dstStride);
        v14.intoArray(dst, d + 14 * dstStride); v15.intoArray(dst, d + 15 * dstStride);
    }

    /**
     * {@link #block} at 8 lanes. Stage h: the new row i takes row i's lanes without bit h and row
     * i+h's lanes moved up by h; the new row i+h takes row i's lanes moved down by h and row i+h's
     * lanes with bit h: one permute ({@code SWAP_h}, lane j ↔ j XOR h) and one blend each.
     */
    private static void block8(float[] src, int s, int lds, float[] dst, int d, int dstStride) {
        // NOTE: written out in full, like block16: a helper taking the rows would box them.
        FloatVector v0 = FloatVector.fromArray(F32, src, s);
        FloatVector v1 = FloatVector.fromArray(F32, src, s + lds);
        FloatVector v2 = FloatVector.fromArray(F32, src, s + 2 * lds);
        FloatVector v3 = FloatVector.fromArray(F32, src, s + 3 * lds);
        FloatVector v4 = FloatVector.fromArray(F32, src, s + 4 * lds);
        FloatVector v5 = FloatVector.fromArray(F32, src, s + 5 * lds);
        FloatVector v6 = FloatVector.fromArray(F32, src, s + 6 * lds);
        FloatVector v7 = FloatVector.fromArray(F32, src, s + 7 * lds);
        FloatVector t;
        VectorShuffle<Float> x = Simd.SWAP_4;
        VectorMask<Float> m = Simd.HIGH_4;
        t = v0.blend(v4.rearrange(x), m); v4 = v0.rearrange(x).blend(v4, m); v0 = t;
        t = v1.blend(v5.rearrange(x), m); v5 = v1.rearrange(x).blend(v5, m); v1 = t;
        t = v2.blend(v6.rearrange(x), m); v6 = v2.rearrange(x).blend(v6, m); v2 = t;
        t = v3.blend(v7.rearrange(x), m); v7 = v3.rearrange(x).blend(v7, m); v3 = t;
        x = Simd.SWAP_2;
        m = Simd.HIGH_2;
        t = v0.blend(v2.rearrange(x), m); v2 = v0.rearrange(x).blend(v2, m); v0 = t;
        t = v1.blend(v3.rearrange(x), m); v3 = v1.rearrange(x).blend(v3, m); v1 = t;
        t = v4.blend(v6.rearrange(x), m); v6 = v4.rearrange(x).blend(v6, m); v4 = t;
        t = v5.blend(v7.rearrange(x), m); v7 = v5.rearrange(x).blend(v7, m); v5 = t;
        x = Simd.SWAP_1;
        m = Simd.HIGH_1;
        t = v0.blend(v1.rearrange(x), m); v1 = v0.rearrange(x).blend(v1, m); v0 = t;
        t = v2.blend(v3.rearrange(x), m); v3 = v2.rearrange(x).blend(v3, m); v2 = t;
        t = v4.blend(v5.rearrange(x), m); v5 = v4.rearrange(x).blend(v5, m); v4 = t;
        t = v6.blend(v7.rearrange(x), m); v7 = v6.rearrange(x).blend(v7, m); v6 = t;
        v0.intoArray(dst, d); v1.intoArray(dst, d + dstStride);
        v2.intoArray(dst, d + 2 * dstStride); v3.intoArray(dst, d + 3 * dstStride);
        v4.intoArray(dst, d + 4 * dstStride); v5.intoArray(dst, d + 5 * dstStride);
        v6.intoArray(dst, d + 6 * dstStride); v7.intoArray(dst, d + 7 * dstStride);
    }
}
