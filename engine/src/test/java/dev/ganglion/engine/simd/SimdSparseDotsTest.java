package dev.ganglion.engine.simd;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The transposing reductions of {@link SimdSparseDots} (sixteen sums at once at 16 lanes, eight
 * through {@link Simd#fold} at 8, one by one otherwise) give each vector's {@link Simd#sum} bit for
 * bit, at every width the parity forks run, including the counts that leave a remainder.
 *
 * <p>No vector is passed here where the callee declares a supertype ({@code Vector}): the verifier
 * would then load the vector module's classes, and this class must still load in the fork that
 * runs without the module (it only looks for tests there).
 */
@Tag("parity")
class SimdSparseDotsTest {
    private static final int L = Simd.LANES;

    @Test
    void laneSumsAreEachVectorsSum() {
        SplittableRandom r = new SplittableRandom(11);
        for (int count : new int[] {0, 1, 3, 7, 8, 9, 15, 16, 17, 31, 40}) {
            for (int stride : new int[] {L, L + 3, 2 * L}) {
                float[] prods = values(r, 5 + count * stride + L);
                float[] sums = new float[count + 2];
                try (Arena arena = Arena.ofConfined()) {
                    SimdSparseDots.laneSums(segment(arena, prods), 5, stride, count, sums, 1);
                }
                for (int k = 0; k < count; k++) {
                    assertThat(Float.floatToRawIntBits(sums[1 + k]))
                            .as("count %d, stride %d, sum %d", count, stride, k)
                            .isEqualTo(Float.floatToRawIntBits(Simd.sum(prods, 5 + k * stride)));
                }
                assertThat(sums[0]).isZero();
                assertThat(sums[count + 1]).isZero();
            }
        }
    }

    @Test
    void foldTakesOneStepOfSumsTreeForTwoVectors() {
        SplittableRandom r = new SplittableRandom(12);
        float[] a = values(r, L);
        float[] b = values(r, L);
        FloatVector fa = FloatVector.fromArray(Simd.F32, a, 0);
        FloatVector fb = FloatVector.fromArray(Simd.F32, b, 0);
        for (int h = 1; h <= 4 && h < L; h *= 2) {
            float[] folded = (h == 1 ? Simd.fold(fa, fb, Simd.HIGH_1, Simd.SWAP_1)
                    : h == 2 ? Simd.fold(fa, fb, Simd.HIGH_2, Simd.SWAP_2)
                    : Simd.fold(fa, fb, Simd.HIGH_4, Simd.SWAP_4)).toArray();
            for (int j = 0; j < L; j++) {
                float expected = (j & h) == 0 ? a[j] + a[j + h] : b[j - h] + b[j];
                assertThat(folded[j]).as("h %d, lane %d", h, j).isEqualTo(expected);
            }
        }
    }

    /**
     * Every entry of a range of one row's entries (empty, short, and past 16 so that the lane sums
     * take 16 or 8 at a time and one by one), from a nonzero first entry, written or accumulated
     * bit for bit as {@link SimdSparseDots#dot} gives it, with the output cells outside the range
     * untouched, and scratch of exactly {@code (to − from)·L} native floats and {@code max(to − from, 16L)}
     * heap floats that starts as NaN.
     */
    @Test
    void rowDotsGiveEachEntrysDot() {
        SplittableRandom r = new SplittableRandom(13);
        int rows = 9;
        int[] idx = new int[45];
        for (int p = 0; p < idx.length; p++) {
            idx[p] = r.nextInt(rows);
        }
        for (int ld : new int[] {2 * L, 3 * L, 4 * L, 8 * L, 16 * L}) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment a = segment(arena, values(r, 2 * ld));
                MemorySegment s = segment(arena, values(r, rows * ld));
                for (int[] range : new int[][] {{0, 0}, {3, 4}, {0, 11}, {5, 38}, {2, 45}}) {
                    int from = range[0];
                    int to = range[1];
                    for (boolean accumulate : new boolean[] {false, true}) {
                        float[] start = values(r, idx.length + 4);
                        float[] got = start.clone();
                        MemorySegment prods = arena.allocate((long) (to - from) * L * Float.BYTES, 64);
                        prods.fill((byte) 0xFF); // NaN
                        float[] sums = new float[Math.max(to - from, 16 * L)];
                        java.util.Arrays.fill(sums, Float.NaN);
                        SimdSparseDots.rowDots(a, ld, s, idx, from, to, ld, new float[ld], prods, sums, got, 2,
                                accumulate);
                        for (int i = 0; i < got.length; i++) {
                            float want = start[i];
                            int p = from + i - 2;
                            if (p >= from && p < to) {
                                float[] one = {start[i]};
                                SimdSparseDots.dot(a, ld, s, (long) idx[p] * ld, ld, one, 0, accumulate, new float[L]);
                                want = one[0];
                            }
                            assertThat(Float.floatToRawIntBits(got[i]))
                                    .as("ld %d, entries [%d, %d), cell %d, accumulate %s", ld, from, to, i, accumulate)
                                    .isEqualTo(Float.floatToRawIntBits(want));
                        }
                    }
                }
            }
        }
    }

    @Test
    void dotTilesAreEachPairsChainThenSum() {
        SplittableRandom r = new SplittableRandom(14);
        for (int ld : new int[] {L, 3 * L, 4 * L, 8 * L, 9 * L}) {
            try (Arena arena = Arena.ofConfined()) {
                float[] av = values(r, 4 * ld);
                float[] sv = values(r, 4 * ld);
                int rowStep = 7;
                float[] got = new float[3 + 3 * rowStep + 4 + 2];
                java.util.Arrays.fill(got, 0.25f);
                SimdBlockDots.dot4x4(segment(arena, av), 0, segment(arena, sv), 0, ld, got, 3, rowStep, true,
                        new float[SimdBlockDots.SUMS]);
                for (int m = 0; m < 4; m++) {
                    for (int n = 0; n < 4; n++) {
                        // one FMA chain per lane over the row's vectors, then the lane sum
                        float[] c = new float[L];
                        for (int b = 0; b < ld; b += L) {
                            for (int j = 0; j < L; j++) {
                                c[j] = Math.fma(av[m * ld + b + j], sv[n * ld + b + j], c[j]);
                            }
                        }
                        assertThat(Float.floatToRawIntBits(got[3 + m * rowStep + n]))
                                .as("ld %d, (%d, %d)", ld, m, n)
                                .isEqualTo(Float.floatToRawIntBits(0.25f + Simd.sum(c, 0)));
                    }
                }
                assertThat(got[2]).isEqualTo(0.25f);
                assertThat(got[3 + 3 * rowStep + 4]).isEqualTo(0.25f);
            }
        }
    }

    /** Values over twelve orders of magnitude, so that any change in the order of the adds shows. */
    private static float[] values(SplittableRandom r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) ((r.nextDouble() - 0.5) * Math.pow(10, r.nextInt(-6, 7)));
        }
        return v;
    }

    private static MemorySegment segment(Arena arena, float[] values) {
        MemorySegment m = arena.allocate((long) values.length * Float.BYTES, 64);
        MemorySegment.copy(values, 0, m, ValueLayout.JAVA_FLOAT.withOrder(ByteOrder.nativeOrder()), 0, values.length);
        return m;
    }
}
