package dev.ganglion.engine.simd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ganglion.engine.Parallel;
import dev.ganglion.engine.kernel.GemmKernel;
import dev.ganglion.engine.kernel.ScalarGemm;
import dev.ganglion.engine.testing.Fixtures;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** {@link SimdGemm} against {@link ScalarGemm} at awkward sizes, every transpose, strided layouts. */
@Tag("parity")
class SimdGemmParityTest {
    private static final int[] SIZES = {1, 7, 13, 17, 33, 65, 100, 129, 207};
    private static final float SENTINEL = 12345f;

    private final GemmKernel simd = new SimdGemm();
    private final GemmKernel scalar = new ScalarGemm();
    private final int threadsBefore = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(threadsBefore);
    }

    /** One product: layout padding {@code pad} on every leading dimension and offset. */
    private record Case(boolean ta, boolean tb, int m, int n, int k, float alpha, float beta, int pad) {
        void check(GemmKernel simd, GemmKernel scalar, long seed) {
            int rowsA = ta ? k : m, colsA = ta ? m : k;
            int rowsB = tb ? n : k, colsB = tb ? k : n;
            int lda = colsA + pad, ldb = colsB + pad, ldc = n + pad;
            int aOff = pad, bOff = 2 * pad, cOff = 3 * pad;
            float[] a = Fixtures.randomFloats(aOff + rowsA * lda, seed);
            float[] b = Fixtures.randomFloats(bOff + rowsB * ldb, seed + 1);
            float[] c0 = Fixtures.randomFloats(cOff + m * ldc + pad, seed + 2);
            markPadding(c0, cOff, m, n, ldc);
            if (beta == 0f) {
                // β = 0 must not read C: NaN there must not reach the result.
                fillWindow(c0, cOff, m, n, ldc, Float.NaN);
            }
            float[] expected = c0.clone();
            float[] actual = c0.clone();
            scalar.gemm(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, expected, cOff, ldc);
            simd.gemm(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, actual, cOff, ldc);
            try {
                Fixtures.assertClose(actual, expected, 1e-5 * Math.sqrt(k + 1), 1e-5 * Math.sqrt(k + 1));
            } catch (AssertionError e) {
                throw new AssertionError(this + ": " + e.getMessage(), e);
            }
        }
    }

    /** Marks every element outside the m×n window: a write there shows up as a mismatch. */
    private static void markPadding(float[] c, int cOff, int m, int n, int ldc) {
        Arrays.fill(c, 0, cOff, SENTINEL);
        for (int i = 0; i < m; i++) {
            Arrays.fill(c, cOff + i * ldc + n, Math.min(c.length, cOff + (i + 1) * ldc), SENTINEL);
        }
        Arrays.fill(c, cOff + m * ldc, c.length, SENTINEL);
    }

    private static void fillWindow(float[] c, int cOff, int m, int n, int ldc, float v) {
        for (int i = 0; i < m; i++) {
            Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, v);
        }
    }

    @Test
    void sampledAwkwardSizesAllTransposes() {
        SplittableRandom r = new SplittableRandom(7);
        for (int t = 0; t < 160; t++) {
            int m = SIZES[r.nextInt(SIZES.length)];
            int n = SIZES[r.nextInt(SIZES.length)];
            int k = SIZES[r.nextInt(SIZES.length)];
            new Case(t % 2 == 1, (t / 2) % 2 == 1, m, n, k, 1f, 0f, 0).check(simd, scalar, t);
        }
    }

    @Test
    void smallSizesExhaustively() {
        int[] small = {0, 1, 2, 5, 6, 7};
        int seed = 0;
        for (int m : small) {
            for (int n : small) {
                for (int k : small) {
                    for (int tr = 0; tr < 4; tr++) {
                        new Case(tr % 2 == 1, tr / 2 == 1, m, n, k, 1.5f, 0.5f, 1).check(simd, scalar, seed++);
                    }
                }
            }
        }
    }

    @Test
    void narrowProductsReadATheirOwnWay() {
        // n ≤ 4·NR with α = 1 reads op(A) in place; a transposed A with a long leading dimension
        // (here ≥ 1,000 floats, as in a block-diagonal weight gradient) is first copied to a short
        // stride. k = 300 spans two slices of k; m = 70 leaves a row remainder, n = 40 a column one.
        // Rows a multiple of 8 (64×64, 128×96, 8×32, and with cut columns 128×98, as in the first
        // G2GNet layer's block weight gradients, and 16×40) take 8-row tiles at 512 bits (with A
        // transposed, the variant for adjacent rows), the cut columns through an 8-row scratch tile.
        int seed = 500;
        for (int tr = 0; tr < 4; tr++) {
            for (float beta : new float[] {0f, 1f, -0.5f}) {
                new Case(tr % 2 == 1, tr / 2 == 1, 70, 40, 300, 1f, beta, 1000).check(simd, scalar, seed++);
                new Case(tr % 2 == 1, tr / 2 == 1, 64, 64, 128, 1f, beta, 960).check(simd, scalar, seed++);
                new Case(tr % 2 == 1, tr / 2 == 1, 128, 96, 300, 1f, beta, 1000).check(simd, scalar, seed++);
                new Case(tr % 2 == 1, tr / 2 == 1, 8, 32, 5, 1f, beta, 300).check(simd, scalar, seed++);
                new Case(tr % 2 == 1, tr / 2 == 1, 128, 98, 300, 1f, beta, 1000).check(simd, scalar, seed++);
                new Case(tr % 2 == 1, tr / 2 == 1, 16, 40, 5, 1f, beta, 300).check(simd, scalar, seed++);
                new Case(tr % 2 == 1, tr / 2 == 1, 6, 7, 5, 1f, beta, 300).check(simd, scalar, seed++);
                // A transposed with a leading dimension of 128–255 is copied only from 4 column tiles
                // on (RESTRIDE_NARROW_LDA): a G2GNet block's input gradient at 4·NR columns, lda 128;
                // lda 150 with a row remainder; one column fewer, read in place
                new Case(tr % 2 == 1, tr / 2 == 1, 128, 4 * GemmMicroKernel.NR, 128, 1f, beta, 0).check(simd, scalar, seed++);
                new Case(tr % 2 == 1, tr / 2 == 1, 70, 4 * GemmMicroKernel.NR, 300, 1f, beta, 80).check(simd, scalar, seed++);
                new Case(tr % 2 == 1, tr / 2 == 1, 70, 4 * GemmMicroKernel.NR - 1, 300, 1f, beta, 80).check(simd, scalar, seed++);
            }
        }
    }

    @Test
    void wideProductsWithATransposedBRunTransposed() {
        // op(B) = Bᵀ, NR ≤ m ≤ TRANSPOSED_MAX_M, n ≥ 4·m: computed as Cᵀ = B·op(A)ᵀ into a buffer, then
        // added to C transposed (α, β applied there). m = 32 fits the rule at every width, m = 100 and
        // 128 at 256 and 512 bits (at 256 with A packed, not read in place); n = 301 and m = 100 leave
        // remainders of the 8×8 and 16×16 transposes; k = 300 spans two slices of
        // k; on 2 threads each part adds its own columns of C; n = 3000 takes two slices of the
        // transposed buffer.
        // On 16 threads m = 128, n = 512 cuts Cᵀ in a grid of 8 × 2 parts, columns of Cᵀ included.
        int seed = 900;
        for (int threads : new int[] {1, 2, 16}) {
            Parallel.setThreads(threads);
            for (boolean ta : new boolean[] {false, true}) {
                for (float[] ab : new float[][] {{1f, 0f}, {-0.5f, 1f}, {2f, -0.75f}}) {
                    new Case(ta, true, 128, 512, 64, ab[0], ab[1], 2).check(simd, scalar, seed++);
                    new Case(ta, true, 32, 301, 300, ab[0], ab[1], 3).check(simd, scalar, seed++);
                    new Case(ta, true, 100, 1100, 64, ab[0], ab[1], 0).check(simd, scalar, seed++);
                    new Case(ta, true, 100, 3000, 20, ab[0], ab[1], 1).check(simd, scalar, seed++); // 2 slices
                }
            }
        }
    }

    @Test
    void packedBlocksWithRemainders() {
        // The packed path (n > 4·NR): A packed in blocks of MC = 144 rows, a transposed A through
        // 16×16 transposes. m = 150 leaves a block of 6 rows and 6 rows outside the transposes;
        // k = 300 a slice of 44, 12 of them outside the transposes; α ≠ 1 is folded into the packing.
        // At 512 bits the blocks of 144 and 40 rows take 8-row tiles, the block of 6 six-row ones,
        // and n = 200 and 300 cut their last column tiles.
        int seed = 700;
        for (int tr = 0; tr < 4; tr++) {
            for (float[] ab : new float[][] {{1f, 0f}, {-0.5f, 0.25f}}) {
                new Case(tr % 2 == 1, tr / 2 == 1, 150, 200, 300, ab[0], ab[1], 2).check(simd, scalar, seed++);
                new Case(tr % 2 == 1, tr / 2 == 1, 40, 300, 31, ab[0], ab[1], 0).check(simd, scalar, seed++);
            }
        }
    }

    @Test
    void alphaBetaAndStridedLayouts() {
        float[][] alphaBeta = {{1f, 0f}, {-0.5f, 0f}, {2f, 1f}, {0.75f, -1.25f}, {0f, 0.5f}};
        int seed = 100;
        for (float[] ab : alphaBeta) {
            for (int tr = 0; tr < 4; tr++) {
                new Case(tr % 2 == 1, tr / 2 == 1, 65, 33, 17, ab[0], ab[1], 5).check(simd, scalar, seed++);
                new Case(tr % 2 == 1, tr / 2 == 1, 13, 100, 300, ab[0], ab[1], 3).check(simd, scalar, seed++);
            }
        }
    }

    @Test
    void vectorShapesMEqualsOneOrNEqualsOne() {
        int seed = 200;
        for (int tr = 0; tr < 4; tr++) {
            for (int len : new int[] {1, 7, 33, 129, 600}) {
                for (int k : new int[] {1, 17, 513}) {
                    new Case(tr % 2 == 1, tr / 2 == 1, 1, len, k, 1.5f, 0f, 2).check(simd, scalar, seed++);
                    new Case(tr % 2 == 1, tr / 2 == 1, len, 1, k, 1f, 0.5f, 2).check(simd, scalar, seed++);
                }
            }
        }
    }

    @Test
    void largerThanOneBlockSingleAndMultiThreaded() {
        // 6 and 16 threads cut the larger products into 2-D grids of parts (SimdGemm.Grid)
        for (int threads : new int[] {1, 2, 3, 6, 16}) {
            Parallel.setThreads(threads);
            int seed = 300 + 10 * threads;
            for (int tr = 0; tr < 4; tr++) {
                boolean ta = tr % 2 == 1, tb = tr / 2 == 1;
                new Case(ta, tb, 300, 257, 129, 1f, 0f, 0).check(simd, scalar, seed++);
                new Case(ta, tb, 157, 70, 600, 0.5f, 2f, 4).check(simd, scalar, seed++);
                new Case(ta, tb, 700, 7, 1000, 1f, 0f, 1).check(simd, scalar, seed++);
                new Case(ta, tb, 2, 2100, 1000, 1f, 1f, 0).check(simd, scalar, seed++);
                new Case(ta, tb, 700, 1, 513, 1f, 0f, 3).check(simd, scalar, seed++);
            }
        }
    }

    @Test
    void gridOfPartsPacksTheLeastWithAllThreads() {
        // 2 threads: the larger dimension in two (rows on a tie), as A is packed once per column part
        // and B once per row part
        assertThat(SimdGemm.Grid.choose(2, 1024, 1024, 171, 32).rows()).isEqualTo(2);
        assertThat(SimdGemm.Grid.choose(2, 128, 1024, 22, 32).rows()).isEqualTo(1);
        assertThat(SimdGemm.Grid.choose(2, 1024, 128, 171, 4).rows()).isEqualTo(2);
        // 16 threads: a square product in 4 × 4 (8 packed copies against 17 for 16 × 1)
        assertThat(SimdGemm.Grid.choose(16, 1024, 1024, 171, 32).rows()).isEqualTo(4);
        // too few row tiles: every thread still gets a part, in one row of 16
        assertThat(SimdGemm.Grid.choose(16, 6, 1024, 1, 32).rows()).isEqualTo(1);
        // too few tiles for all threads: as many parts as there are tiles
        assertThat(SimdGemm.Grid.choose(16, 6, 64, 1, 2).rows()).isEqualTo(1);
        assertThat(SimdGemm.Grid.choose(7, 700, 64, 117, 2).rows()).isEqualTo(7);
    }

    @Test
    void negativeSizesAreRejected() {
        float[] x = new float[4];
        assertThatThrownBy(() -> simd.gemm(false, false, -1, 1, 1, 1f, x, 0, 1, x, 0, 1, 0f, x, 0, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("gemm: negative size m=-1");
    }
}
