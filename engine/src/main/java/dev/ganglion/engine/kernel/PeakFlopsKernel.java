package dev.ganglion.engine.kernel;

/**
 * The inner loop of {@link PeakFlops}: {@code chains} independent accumulators, each updated
 * {@code x ← x·m + c} by one fused multiply–add per round, so the loop is bound by FMA throughput
 * rather than latency. Implementations: {@link ScalarPeakFlops} and a SIMD twin.
 */
public interface PeakFlopsKernel {
    /**
     * Runs {@code rounds} rounds starting from {@code seed}; returns a value that depends on every
     * FMA performed, so the JIT cannot drop any of them.
     */
    float run(long rounds, float seed);

    /** Floating-point operations per round, counting one FMA as 2. */
    long flopsPerRound();

    /** What the loop executes, e.g. "SIMD fma, 512-bit vectors (16 float lanes), 16 chains". */
    String describe();
}
