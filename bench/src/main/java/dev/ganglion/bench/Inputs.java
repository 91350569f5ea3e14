package dev.ganglion.bench;

import java.util.SplittableRandom;

/**
 * Input helpers shared by the bench cases: seeded data and size checks with clear messages. The
 * checks are public for the JMH benchmarks ({@code dev.ganglion.bench.jmh}), which name their
 * parameters the same way.
 */
public final class Inputs {
    private Inputs() {}

    /** Uniform floats in [-1, 1), the same for the same seed. */
    static float[] randomFloats(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return x;
    }

    /** {@code v ≥ 1}, or {@code "<kernel>: <option> must be ≥ 1, got <v>"}. */
    public static void requirePositive(String kernel, String option, int v) {
        if (v < 1) {
            throw new IllegalArgumentException(kernel + ": " + option + " must be ≥ 1, got " + v);
        }
    }

    /** {@code a·b} as an array length, or a clear error when it does not fit in one Java array. */
    public static int checkedProduct(String kernel, long a, long b) {
        long p = a * b;
        if (p > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(kernel + ": " + a + "×" + b
                    + " elements do not fit in one array (at most " + (Integer.MAX_VALUE - 8) + ")");
        }
        return (int) p;
    }
}
