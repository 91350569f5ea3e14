package dev.ganglion.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The quick bench of {@code ganglion bench}: times prepared {@link BenchCase}s with {@link Timing}
 * and turns them into {@link Measurement}s ({@code gflops = flops / median}), with two extra
 * fields: {@code warmup_ms} and {@code settled} (false: the warm-up box ran out before the JIT and
 * the timings settled, so the figure may be pessimistic).
 */
public final class QuickBench {
    private QuickBench() {}

    /** Times {@code c} on the CPU with the engine's pool set to {@code threads} by the caller. */
    public static Measurement time(BenchCase c, int threads, Timing.Settings settings) {
        Timing.Result r = Timing.measure(c::run, settings);
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("warmup_ms", Math.rint(r.warmupMillis()));
        extra.put("settled", r.settled());
        extra.putAll(c.details());
        return new Measurement(c.kernel(), c.shape(), c.pass(), "cpu", threads, "ganglion", r.medianMillis(),
                Measurement.gflopsOf(c.flops(), r.medianMillis()), null, extra);
    }
}
