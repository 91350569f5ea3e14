package dev.ganglion.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;

/**
 * Times one operation: warm-up until the JIT has settled (time-boxed), then the median of
 * {@code repeat} samples, as milliseconds per call.
 *
 * <p>A sample runs the operation {@code inner} times back to back, with {@code inner} chosen so
 * that a sample lasts about {@value #TARGET_SAMPLE_MS} ms: a single call of a microsecond kernel is
 * below the timer's resolution and noise, a single call of a large GEMM is plenty. Warm-up is
 * settled when two consecutive windows of {@value #WINDOW} samples have medians within
 * {@value #SETTLED_PERCENT} % of each other and the JIT compiled nothing during the last window,
 * after at least {@value #MIN_CALLS} calls and a quarter of the box. Both conditions matter: Vector
 * API code runs hundreds of times slower interpreted, and steady timings alone also describe a
 * kernel still waiting for C2. When the box runs out first, the result says so.
 */
public final class Timing {
    static final int TARGET_SAMPLE_MS = 5;
    static final int WINDOW = 5;
    static final int SETTLED_PERCENT = 2;
    static final int MIN_CALLS = 10;
    private static final long TARGET_SAMPLE_NANOS = TARGET_SAMPLE_MS * 1_000_000L;
    private static final int MAX_INNER = 1 << 20;
    private static final CompilationMXBean JIT = ManagementFactory.getCompilationMXBean();

    /**
     * @param repeat       timed samples after warm-up, ≥ 1
     * @param warmupMillis the warm-up time box, ≥ 0 (0: only the minimum of {@value #MIN_CALLS} calls)
     */
    public record Settings(int repeat, long warmupMillis) {
        /** The longest warm-up time box: a day. */
        public static final long MAX_WARMUP_MILLIS = 86_400_000L;

        public Settings {
            if (repeat < 1) {
                throw new IllegalArgumentException("--repeat must be ≥ 1, got " + repeat);
            }
            if (warmupMillis < 0 || warmupMillis > MAX_WARMUP_MILLIS) {   // nanoseconds of more would overflow
                throw new IllegalArgumentException("--warmup-ms must lie in [0, " + MAX_WARMUP_MILLIS + "] (a day), got "
                        + warmupMillis);
            }
        }
    }

    /**
     * @param medianMillis median milliseconds per call after warm-up
     * @param settled      whether warm-up settled before its time box ran out
     * @param warmupMillis how long warm-up took
     */
    public record Result(double medianMillis, boolean settled, double warmupMillis) {}

    private Timing() {}

    /** Median milliseconds per call of {@code op} after warm-up. */
    public static Result measure(Runnable op, Settings s) {
        Warm w = warm(op, s);
        double[] perCall = new double[s.repeat()];
        for (int r = 0; r < perCall.length; r++) {
            perCall[r] = sampleNanos(op, w.inner);
        }
        return w.result(perCall);
    }

    /**
     * Two operations timed side by side: {@code a} and {@code b} as by {@link #measure}, each
     * warmed up in turn, then their timed samples interleaved (a b, b a, a b, …), so drifts of the
     * machine's speed (other tenants, clocks) fall on both alike; each sample after one untimed call
     * ({@link #afterOneCall}).
     *
     * @param ratio median over the sample pairs of {@code b}'s time per call over {@code a}'s:
     *              how many times faster {@code a} is
     */
    public record Paired(Result a, Result b, double ratio) {}

    /** {@code a} and {@code b} with interleaved samples; see {@link Paired}. */
    public static Paired measurePaired(Runnable a, Runnable b, Settings s) {
        Warm wa = warm(a, s);
        Warm wb = warm(b, s);
        double[] ta = new double[s.repeat()];
        double[] tb = new double[s.repeat()];
        double[] ratios = new double[s.repeat()];
        for (int r = 0; r < ta.length; r++) {
            if (r % 2 == 0) {
                ta[r] = afterOneCall(a, wa.inner);
                tb[r] = afterOneCall(b, wb.inner);
            } else {
                tb[r] = afterOneCall(b, wb.inner);
                ta[r] = afterOneCall(a, wa.inner);
            }
            ratios[r] = tb[r] / ta[r];
        }
        return new Paired(wa.result(ta), wb.result(tb), median(ratios));
    }

    /**
     * A sample after one untimed call: the call brings the operation's data back into the caches
     * the other operation's sample evicted them from, as the previous call would have in a loop of
     * it alone. Without it a training step that is one call per sample was timed cold: G2GNet's
     * step paired with the dense MLP's, whose parameters and Adam state (47 MB) sweep the L3, came
     * out 6.28 ms against 5.7–5.8 ms alone.
     */
    private static double afterOneCall(Runnable op, int inner) {
        op.run();
        return sampleNanos(op, inner);
    }

    /** After warm-up: calls per sample, whether timings settled, and how long warm-up took. */
    private record Warm(int inner, boolean settled, double millis) {
        /** The timing of the samples ({@code nanos} per call) taken after this warm-up. */
        Result result(double[] nanos) {
            return new Result(median(nanos) / 1e6, settled, millis);
        }
    }

    /** One call to size the samples, then {@link #warmUp} within the settings' box. */
    private static Warm warm(Runnable op, Settings s) {
        long start = System.nanoTime();
        op.run();
        return warmUp(op, innerFor(System.nanoTime() - start), start, s.warmupMillis() * 1_000_000L);
    }

    /** Runs windows of samples until settled or out of time; returns the calibrated inner count. */
    private static Warm warmUp(Runnable op, int inner, long start, long boxNanos) {
        long deadline = start + boxNanos;
        long earliestSettle = start + boxNanos / 4;
        long calls = 1;
        double previous = Double.NaN;
        double[] window = new double[WINDOW];
        while (calls < MIN_CALLS || System.nanoTime() < deadline) {
            long compiledBefore = compileMillis();
            int n = 0;
            while (n < WINDOW && (n == 0 || calls < MIN_CALLS || System.nanoTime() < deadline)) {
                window[n++] = sampleNanos(op, inner);
                calls += inner;
            }
            double med = median(Arrays.copyOf(window, n));
            inner = innerFor(med);
            boolean steady = Math.abs(med - previous) <= previous * SETTLED_PERCENT / 100.0;
            if (steady && compileMillis() == compiledBefore && calls >= MIN_CALLS
                    && System.nanoTime() >= earliestSettle) {
                return new Warm(inner, true, (System.nanoTime() - start) / 1e6);
            }
            previous = med;
        }
        return new Warm(inner, false, (System.nanoTime() - start) / 1e6);
    }

    /** Total JIT compilation time so far (ms), or 0 where the JVM does not report it. */
    private static long compileMillis() {
        return JIT != null && JIT.isCompilationTimeMonitoringSupported() ? JIT.getTotalCompilationTime() : 0;
    }
    /** Nanoseconds per call over {@code inner} back-to-back calls. */
    private static double sampleNanos(Runnable op, int inner) {
        long t0 = System.nanoTime();
        for (int i = 0; i < inner; i++) {
            op.run();
        }
        return (double) (System.nanoTime() - t0) / inner;
    }

    private static int innerFor(double perCallNanos) {
        double n = Math.ceil(TARGET_SAMPLE_NANOS / Math.max(perCallNanos, 1.0));
        return (int) Math.max(1, Math.min(MAX_INNER, n));
    }

    /** Median of a non-empty array (mean of the two middle values for an even count). */
    static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        int h = s.length / 2;
        return s.length % 2 == 1 ? s[h] : (s[h - 1] + s[h]) / 2;
    }
}
