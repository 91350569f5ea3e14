package dev.ganglion.bench;

import dev.ganglion.engine.backend.ComputeBackend;
import dev.ganglion.engine.backend.PreparedOp;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Times a {@link BenchCase} on a {@link ComputeBackend} (the GPU path of {@code ganglion bench
 * --device cuda}) with operands resident there: {@code median_ms} is the backend's own clock (CUDA
 * events around {@code inner} back-to-back calls, divided by {@code inner}), so neither uploads nor
 * a per-call synchronisation are in it. Warm-up as in {@link Timing}: windows of samples until two
 * consecutive medians agree within {@value Timing#SETTLED_PERCENT} %, time-boxed.
 *
 * <p>Extra fields: {@code host_us_per_call}, the host time to queue one call (median over samples of
 * {@value #HOST_CALLS} calls queued back to back, measured apart from the device time after a host
 * warm-up of up to {@value #HOST_WARMUP_CALLS} calls or 5 s: the budget is 20 µs),
 * {@code warmup_ms}, {@code settled}, {@code inner} (calls per sample).
 */
public final class DeviceBench {
    /** The kernels that have a backend path. */
    public static final String KERNELS = "gemm, blockdiag, bsr, csr";
    /** Calls queued per host-overhead sample: few enough never to fill the device's launch queue. */
    static final int HOST_CALLS = 32;
    /** Host warm-up before the host samples: C2 compiles a method after about 10,000 calls. */
    static final long HOST_WARMUP_CALLS = 20_000;
    static final long HOST_WARMUP_NANOS = 5_000_000_000L;
    private static final double TARGET_SAMPLE_MS = Timing.TARGET_SAMPLE_MS;
    private static final int MAX_INNER = 1 << 16;

    private DeviceBench() {}

    /** Times {@code c} on {@code backend}; {@code threads} is recorded as given (host threads). */
    public static Measurement time(BenchCase c, ComputeBackend backend, int threads, Timing.Settings s) {
        try (PreparedOp op = c.prepare(backend)) {
            long start = System.nanoTime();
            op.run();                      // first call: path tuning, library handles, plans
            backend.synchronize();
            int inner = innerFor(backend.elapsedMillis(op::run));
            boolean settled = warmUp(backend, op, inner, start, s.warmupMillis() * 1_000_000L);
            double warmupMs = (System.nanoTime() - start) / 1e6;
            double[] perCall = new double[s.repeat()];
            for (int r = 0; r < perCall.length; r++) {
                perCall[r] = sample(backend, op, inner);
            }
            double median = Timing.median(perCall);
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("host_us_per_call", Measurement.round(hostMicros(backend, op, s.repeat())));
            extra.put("warmup_ms", Math.rint(warmupMs));
            extra.put("settled", settled);
            extra.put("inner", inner);
            return new Measurement(c.kernel(), c.shape(), c.pass(), backend.name(), threads, "ganglion", median,
                    Measurement.gflopsOf(op.flops(), median), null, extra);
        }
    }

    /** Device milliseconds per call over {@code inner} calls queued back to back. */
    static double sample(ComputeBackend backend, PreparedOp op, int inner) {
        return backend.elapsedMillis(() -> {
            for (int i = 0; i < inner; i++) {
                op.run();
            }
        }) / inner;
    }

    private static boolean warmUp(ComputeBackend backend, PreparedOp op, int inner, long start, long boxNanos) {
        long deadline = start + boxNanos;
        long earliest = start + boxNanos / 4;
        double previous = Double.NaN;
        double[] window = new double[Timing.WINDOW];
        long calls = 2;
        while (calls < Timing.MIN_CALLS || System.nanoTime() < deadline) {
            for (int i = 0; i < window.length; i++) {
                window[i] = sample(backend, op, inner);
                calls += inner;
            }
            double med = Timing.median(window);
            if (Math.abs(med - previous) <= previous * Timing.SETTLED_PERCENT / 100.0
                    && calls >= Timing.MIN_CALLS && System.nanoTime() >= earliest) {
                return true;
            }
            previous = med;
        }
        return false;
    }

    /**
     * Host microseconds to queue one call: the device is idle at the start of each sample (after a
     * synchronize) and {@value #HOST_CALLS} calls cannot fill its queue, so this is launch cost only.
     */
    static double hostMicros(ComputeBackend backend, PreparedOp op, int samples) {
        // The device warm-up may have made too few calls for the JIT to compile the host path
        // (a 3 ms product runs ~170 times in 500 ms): queue more, time-boxed, before measuring.
        long deadline = System.nanoTime() + HOST_WARMUP_NANOS;
        for (long calls = 0; calls < HOST_WARMUP_CALLS && System.nanoTime() < deadline; calls += HOST_CALLS) {
            hostSample(backend, op);
        }
        double[] us = new double[Math.max(1, samples)];
        for (int r = 0; r < us.length; r++) {
            us[r] = hostSample(backend, op);
        }
        backend.synchronize();
        Arrays.sort(us);
        return Timing.median(us);
    }

    /** Microseconds per call to queue {@value #HOST_CALLS} calls on an idle device. */
    private static double hostSample(ComputeBackend backend, PreparedOp op) {
        backend.synchronize();
        long t0 = System.nanoTime();
        for (int i = 0; i < HOST_CALLS; i++) {
            op.run();
        }
        return (System.nanoTime() - t0) / 1e3 / HOST_CALLS;
    }

    private static int innerFor(double perCallMs) {
        double n = Math.ceil(TARGET_SAMPLE_MS / Math.max(perCallMs, 1e-4));
        return (int) Math.max(1, Math.min(MAX_INNER, n));
    }
}
