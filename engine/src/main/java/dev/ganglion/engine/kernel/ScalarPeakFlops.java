package dev.ganglion.engine.kernel;

/**
 * Scalar {@link PeakFlopsKernel}: twelve {@code Math.fma} float chains. Twelve covers the
 * latency × throughput product of current cores (4-cycle FMA × 2 pipes = 8 in flight) with margin
 * and still fits 16 registers.
 */
public final class ScalarPeakFlops implements PeakFlopsKernel {
    private static final int CHAINS = 12;

    /** Creates the reference kernel; it holds no state, so every instance computes the same results. */
    public ScalarPeakFlops() {}

    @Override
    public float run(long rounds, float seed) {
        float m = 0.999f;
        float c = 1e-3f;
        float x0 = seed, x1 = seed + 1, x2 = seed + 2, x3 = seed + 3, x4 = seed + 4, x5 = seed + 5;
        float x6 = seed + 6, x7 = seed + 7, x8 = seed + 8, x9 = seed + 9, x10 = seed + 10, x11 = seed + 11;
        for (long r = 0; r < rounds; r++) {
            x0 = Math.fma(x0, m, c);
            x1 = Math.fma(x1, m, c);
            x2 = Math.fma(x2, m, c);
            x3 = Math.fma(x3, m, c);
            x4 = Math.fma(x4, m, c);
            x5 = Math.fma(x5, m, c);
            x6 = Math.fma(x6, m, c);
            x7 = Math.fma(x7, m, c);
            x8 = Math.fma(x8, m, c);
            x9 = Math.fma(x9, m, c);
            x10 = Math.fma(x10, m, c);
            x11 = Math.fma(x11, m, c);
        }
        return x0 + x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9 + x10 + x11;
    }

    @Override
    public long flopsPerRound() {
        return 2L * CHAINS;
    }

    @Override
    public String describe() {
        return "scalar Math.fma (float), " + CHAINS + " independent chains";
    }
}
