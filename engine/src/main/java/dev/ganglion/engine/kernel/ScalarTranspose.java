package dev.ganglion.engine.kernel;

/**
 * Reference {@link TransposeKernel}, also the fallback of the SIMD one at widths it has no
 * in-register transpose for: 4×4 register blocks, 16 loads from four source rows and 16 stores to
 * four destination rows, so both sides move 4 consecutive floats at a time instead of striding
 * element by element (about 5× faster than the naive loop).
 */
public final class ScalarTranspose implements TransposeKernel {
    /** Creates the reference kernel; it holds no state, so every instance computes the same results. */
    public ScalarTranspose() {}

    /**
     * NOTE: the inner loop runs along the side with the longer stride (often 4 KiB, e.g. 1024
     * features): rows that far apart share one L1 set, so each of their lines must be finished
     * before moving on, while the short-stride side's lines stay resident across the inner loop.
     */
    @Override
    public void transpose(float[] s, int sOff, int ss, int i0, int i1, int j0, int j1,
                          float[] d, int dOff, int ds, boolean accumulate) {
        int iEnd = i0 + (i1 - i0) / 4 * 4;
        int jEnd = j0 + (j1 - j0) / 4 * 4;
        if (ss >= ds) {
            for (int i = i0; i < iEnd; i += 4) {
                for (int j = j0; j < jEnd; j += 4) {
                    block4(s, sOff + i * ss + j, ss, d, dOff + j * ds + i, ds, accumulate);
                }
            }
        } else {
            for (int j = j0; j < jEnd; j += 4) {
                for (int i = i0; i < iEnd; i += 4) {
                    block4(s, sOff + i * ss + j, ss, d, dOff + j * ds + i, ds, accumulate);
                }
            }
        }
        // Edges: the last rows (i ≥ iEnd) and the last columns (j ≥ jEnd) one element at a time.
        elementwise(s, sOff, ss, iEnd, i1, j0, j1, d, dOff, ds, accumulate);
        elementwise(s, sOff, ss, i0, iEnd, jEnd, j1, d, dOff, ds, accumulate);
    }

    /** The definition, one element at a time. */
    private static void elementwise(float[] s, int sOff, int ss, int i0, int i1, int j0, int j1,
                            float[] d, int dOff, int ds, boolean accumulate) {
        for (int i = i0; i < i1; i++) {
            for (int j = j0; j < j1; j++) {
                int t = dOff + j * ds + i;
                float v = s[sOff + i * ss + j];
                d[t] = accumulate ? d[t] + v : v;
            }
        }
    }

    private static void block4(float[] s, int a, int ss, float[] d, int t, int ds, boolean acc) {
        column4(s, a, ss, d, t, acc);
        column4(s, a + 1, ss, d, t + ds, acc);
        column4(s, a + 2, ss, d, t + 2 * ds, acc);
        column4(s, a + 3, ss, d, t + 3 * ds, acc);
    }

    /** {@code D[t + k] (+)= S[a + k·ss]} for k < 4. */
    private static void column4(float[] s, int a, int ss, float[] d, int t, boolean acc) {
        float v0 = s[a];
        float v1 = s[a + ss];
        float v2 = s[a + 2 * ss];
        float v3 = s[a + 3 * ss];
        if (acc) {
            d[t] += v0;
            d[t + 1] += v1;
            d[t + 2] += v2;
            d[t + 3] += v3;
        } else {
            d[t] = v0;
            d[t + 1] = v1;
            d[t + 2] = v2;
            d[t + 3] = v3;
        }
    }
}
