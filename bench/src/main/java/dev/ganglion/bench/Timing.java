package dev.ganglion.bench;

import java.util.Arrays;

/**
 * Times one operation: warm-up until the JIT has settled (time-boxed), then the median of
 * {@code repeat} samples, as milliseconds per call.
 *
 * <p>A sample runs the operation {@code inner} times back to back, with {@code inner} chosen so
 * that a sample lasts about {@value #TARGET_SAMPLE_MS} ms: a single call of a microsecond kernel is
 * below the timer's resolution and noise, a single call of a large GEMM is plenty. Warm-up is
 * settled when two consecutive windows of {@value #WINDOW} samples have medians within
 * {@value #SETTLED_PERCENT} % of each other, after at least a quarter of the box (tiered
 * compilation can look stable at C1 for a while before C2 takes over).
 */
public final class Timing {
    static final int TARGET_SAMPLE_MS = 5;
    static final int WINDOW = 5;
    static final int SETTLED_PERCENT = 2;
    private static final long TARGET_SAMPLE_NANOS = TARGET_SAMPLE_MS * 1_000_000L;
    private static final int MAX_INNER = 1 << 20;

    /**
     * @param repeat       timed samples after warm-up, ≥ 1
     * @param warmupMillis the warm-up time box, ≥ 0 (0: one call only)
     */
    public record Settings(int repeat, long warmupMillis) {
        public Settings {
            if (repeat < 1) {
                throw new IllegalArgumentException("--repeat must be ≥ 1, got " + repeat);
            }
            if (warmupMillis < 0) {
                throw new IllegalArgumentException("--warmup-ms must be ≥ 0, got " + warmupMillis);
            }
        }
    }

    private Timing() {}

    /** Median milliseconds per call of {@code op} after warm-up. */
    public static double medianMillis(Runnable op, Settings s) {
        long start = System.nanoTime();
        op.run();
        int inner = innerFor(System.nanoTime() - start);
        inner = warmUp(op, inner, start, s.warmupMillis() * 1_000_000L);
        double[] perCall = new double[s.repeat()];
        for (int r = 0; r < perCall.length; r++) {
            perCall[r] = sampleNanos(op, inner);
        }
        return median(perCall) / 1e6;
    }

    /** Runs windows of samples until settled or out of time; returns the calibrated inner count. */
    private static int warmUp(Runnable op, int inner, long start, long boxNanos) {
        long deadline = start + boxNanos;
        long earliestSettle = start + boxNanos / 4;
        double previous = Double.NaN;
        double[] window = new double[WINDOW];
        while (System.nanoTime() < deadline) {
            int n = 0;
            while (n < WINDOW && System.nanoTime() < deadline) {
                window[n++] = sampleNanos(op, inner);
            }
            double med = median(Arrays.copyOf(window, n));
            inner = innerFor(med);
            boolean close = Math.abs(med - previous) <= previous * SETTLED_PERCENT / 100.0;
            if (close && System.nanoTime() >= earliestSettle) {
                break;
            }
            previous = med;
        }
        return inner;
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
