package dev.ganglion.bench;

import dev.ganglion.engine.backend.Backends;
import java.util.LinkedHashMap;
import java.util.List;
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
        return measurement(c, threads, Timing.measure(c::run, settings), Map.of());
    }

    /**
     * Times {@code a} and {@code b} side by side ({@link Timing#measurePaired}): both lines carry
     * {@code versus}, the other's kernel; a's also {@code speedup}, how many times faster a is than b
     * (the median of the paired samples' ratios, which the machine's drifts cancel out of).
     */
    public static List<Measurement> timePaired(BenchCase a, BenchCase b, int threads, Timing.Settings settings) {
        Timing.Paired p = Timing.measurePaired(a::run, b::run, settings);
        Map<String, Object> ea = new LinkedHashMap<>();
        ea.put("versus", b.kernel());
        ea.put("speedup", Measurement.round(p.ratio()));
        return List.of(measurement(a, threads, p.a(), ea), measurement(b, threads, p.b(), Map.of("versus", a.kernel())));
    }

    private static Measurement measurement(BenchCase c, int threads, Timing.Result r, Map<String, Object> first) {
        Map<String, Object> extra = new LinkedHashMap<>(first);
        extra.put("warmup_ms", Math.rint(r.warmupMillis()));
        extra.put("settled", r.settled());
        extra.putAll(c.details());
        return new Measurement(c.kernel(), c.shape(), c.pass(), Backends.productsOn(), threads, "ganglion", r.medianMillis(),
                Measurement.gflopsOf(c.flops(), r.medianMillis()), null, extra);
    }
}
