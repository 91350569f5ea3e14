package dev.ganglion.engine.simd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ganglion.engine.kernel.ScalarTranspose;
import dev.ganglion.engine.kernel.TransposeKernel;
import dev.ganglion.engine.testing.Fixtures;
import java.util.Arrays;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * SIMD vs scalar strided transposes, and both against the definition: block shapes around the
 * 4×4, 8×8 and 16×16 tiles, sub-blocks starting inside the matrix, either stride the longer, a negative
 * destination offset (as the panel staging uses), and accumulation. A transpose moves values, so
 * the results must be identical, not merely close.
 */
@Tag("parity")
class TransposeParityTest {
    private static final int[] SIZES = {1, 3, 4, 7, 8, 9, 15, 16, 17, 33, 48, 70};

    @Test
    void matchesTheDefinitionAndTheReferenceBitForBit() {
        TransposeKernel simd = new SimdTranspose();
        TransposeKernel scalar = new ScalarTranspose();
        for (int rows : SIZES) {
            for (int cols : SIZES) {
                for (int i0 : new int[] {0, 2}) {
                    for (int j0 : new int[] {0, 5}) {
                        for (int pad : new int[] {0, 7}) {
                            // row strides of source and destination, either the longer
                            check(simd, scalar, rows, cols, i0, j0, j0 + cols + pad, i0 + rows + 40 + pad);
                            check(simd, scalar, rows, cols, i0, j0, j0 + cols + 40 + pad, i0 + rows + pad);
                        }
                    }
                }
            }
        }
    }

    private static void check(TransposeKernel simd, TransposeKernel scalar, int rows, int cols, int i0, int j0,
                              int ss, int ds) {
        int i1 = i0 + rows;
        int j1 = j0 + cols;
        int sOff = 3;
        float[] s = Fixtures.randomFloats(sOff + i1 * ss + 2, rows * 31 + cols);
        int shift = j0 * ds; // the destination's first used row becomes its index 0, as in SparsePanel.pack
        int dLen = (j1 - j0) * ds + 1;
        for (boolean accumulate : new boolean[] {false, true}) {
            float[] start = Fixtures.randomFloats(dLen, ss + ds);
            float[] want = start.clone();
            for (int i = i0; i < i1; i++) {
                for (int j = j0; j < j1; j++) {
                    int t = -shift + j * ds + i;
                    float v = s[sOff + i * ss + j];
                    want[t] = accumulate ? want[t] + v : v;
                }
            }
            for (TransposeKernel k : new TransposeKernel[] {scalar, simd}) {
                float[] got = start.clone();
                k.transpose(s, sOff, ss, i0, i1, j0, j1, got, -shift, ds, accumulate);
                if (!Arrays.equals(got, want)) { // cheap check first: ~5,000 cases
                    assertThat(got).as("%s %dx%d from (%d,%d), strides %d/%d, accumulate %s",
                            k.getClass().getSimpleName(), rows, cols, i0, j0, ss, ds, accumulate)
                            .containsExactly(want);
                }
            }
        }
    }
}
