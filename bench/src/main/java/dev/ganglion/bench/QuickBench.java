package dev.ganglion.bench;

import java.util.Map;

/**
 * The quick bench of {@code ganglion bench}: times prepared {@link BenchCase}s with {@link Timing}
 * and turns them into {@link Measurement}s ({@code gflops = flops / median}).
 */
public final class QuickBench {
    private QuickBench() {}

    /** Times {@code c} on the CPU with the engine's pool set to {@code threads} by the caller. */
    public static Measurement time(BenchCase c, int threads, Timing.Settings settings) {
        double ms = Timing.medianMillis(c::run, settings);
        return new Measurement(c.kernel(), c.shape(), c.pass(), "cpu", threads, "ganglion", ms,
                Measurement.gflopsOf(c.flops(), ms), null, Map.of());
    }
}
