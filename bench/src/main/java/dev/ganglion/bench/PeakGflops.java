package dev.ganglion.bench;

import dev.ganglion.engine.kernel.PeakFlops;
import java.util.HashMap;
import java.util.Map;

/**
 * The FMA peak of this machine for a thread count, measured by
 * {@link PeakFlops#measureGflops(int)} (about half a second) once per thread count per process.
 */
public final class PeakGflops {
    private static final Map<Integer, Double> CACHE = new HashMap<>();

    private PeakGflops() {}

    /** GFLOP/s of fused multiply-adds on {@code threads} threads. */
    public static synchronized double measure(int threads) {
        return CACHE.computeIfAbsent(threads, PeakFlops::measureGflops);
    }
}
