package dev.ganglion.bench.jmh;

import dev.ganglion.bench.Inputs;
import dev.ganglion.engine.Parallel;
import java.util.List;

/**
 * The checks on the JMH benchmarks' {@code @Param} values, called from their {@code @Setup} so that
 * a bad value fails before anything is timed (JMH passes strings through as given: a typo would
 * otherwise be measured as some other case and reported under the typo). Each error is an
 * {@link IllegalArgumentException} that starts with the benchmark's name and names the parameter,
 * the value and what it may be: {@code "CsrBenchmark: impl must be scalar or simd, got 'vector'"}.
 *
 * <p>Size rules that {@code ganglion bench} applies too are not written twice: they come from
 * {@link Inputs} and {@code SparseLinearBench.checkBlockDiag}/{@code checkSparse}, with the JMH
 * parameter names (no {@code --}).
 *
 * <p>Thread counts: every benchmark's {@code threads} takes 0 (keep the engine's count) or
 * {@code 1…}{@link Parallel#MAX_THREADS}; {@link #useThreads} sets it and returns the count before,
 * which the benchmark's {@code @TearDown} gives back to {@link Parallel#setThreads}, so that in an
 * unforked run ({@code -f 0}) the next benchmark's 0 still means the engine default.
 */
final class BenchParams {
    /** The kernel implementations a benchmark's {@code impl} chooses between. */
    static final List<String> IMPLS = List.of("scalar", "simd");

    private BenchParams() {}

    /** {@code value} if {@code valid} holds it, else an error listing {@code valid}. */
    static String oneOf(String bench, String param, String value, List<String> valid) {
        if (!valid.contains(value)) {
            throw new IllegalArgumentException(bench + ": " + param + " must be " + orList(valid) + ", got '" + value
                    + "'");
        }
        return value;
    }

    /** Whether {@code impl} is {@code scalar} (else {@code simd}; anything else is an error). */
    static boolean scalar(String bench, String impl) {
        return oneOf(bench, "impl", impl, IMPLS).equals("scalar");
    }

    /** {@code value ≥ 1}. */
    static int positive(String bench, String param, int value) {
        Inputs.requirePositive(bench, param, value);
        return value;
    }

    /** A positive {@code value} that {@code factor} divides; {@code why} says what needs it. */
    static int multipleOf(String bench, String param, int value, int factor, String why) {
        positive(bench, param, value);
        if (value % factor != 0) {
            throw new IllegalArgumentException(bench + ": " + param + " must be a multiple of " + factor + " " + why
                    + ", got " + value);
        }
        return value;
    }

    /**
     * {@code value} as sizes ≥ 1 joined by {@code x}, as many as {@code form} names
     * ({@code "MxNxK"}: JMH splits parameter lists on commas), any two of which multiply to an
     * array length.
     */
    static int[] dims(String bench, String param, String value, String form) {
        int count = form.split("x").length;
        String[] f = value.split("x", -1);
        int[] d = new int[count];
        boolean ok = f.length == count;
        for (int i = 0; ok && i < count; i++) {
            try {
                d[i] = Integer.parseInt(f[i].trim());
                ok = d[i] >= 1;
            } catch (NumberFormatException e) {
                ok = false;
            }
        }
        if (!ok) {
            throw new IllegalArgumentException(bench + ": " + param + " must be " + form + " (" + count
                    + " integers ≥ 1 joined by 'x'), got '" + value + "'");
        }
        for (int i = 0; i < count; i++) {
            for (int j = i + 1; j < count; j++) {
                Inputs.checkedProduct(bench, d[i], d[j]);
            }
        }
        return d;
    }

    /**
     * Sets the engine's thread count to {@code threads} (0 leaves it as it is) and returns the
     * count before, for the benchmark's {@code @TearDown} to restore.
     */
    static int useThreads(String bench, int threads) {
        if (threads < 0 || threads > Parallel.MAX_THREADS) {
            throw new IllegalArgumentException(bench + ": threads must be 0 (the engine default) or 1 to "
                    + Parallel.MAX_THREADS + ", got " + threads);
        }
        int before = Parallel.threads();
        if (threads > 0) {
            Parallel.setThreads(threads);
        }
        return before;
    }

    /** {@code "a"}, {@code "a or b"}, {@code "a, b or c"}. */
    private static String orList(List<String> values) {
        int last = values.size() - 1;
        return last == 0 ? values.get(0) : String.join(", ", values.subList(0, last)) + " or " + values.get(last);
    }
}
