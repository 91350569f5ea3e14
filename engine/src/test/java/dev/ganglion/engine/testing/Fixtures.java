package dev.ganglion.engine.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ganglion.engine.kernel.SparseIndex;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.SplittableRandom;

/** Test helpers shared across modules (published in the engine's test-jar). */
public final class Fixtures {
    /** Sizes that catch tail, blocking and unrolling bugs: below, at and around vector widths and tiles. */
    public static final int[] AWKWARD = {1, 2, 3, 7, 8, 13, 15, 16, 17, 31, 33, 63, 64, 65, 100, 127, 129, 207};

    private Fixtures() {}

    /** Bytes this thread allocates over {@code runs} runs of {@code body} (HotSpot's per-thread counter). */
    public static long bytesAllocated(Runnable body, int runs) {
        var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = bean.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < runs; i++) {
            body.run();
        }
        return bean.getCurrentThreadAllocatedBytes() - before;
    }

    /**
     * The least number of bytes this thread allocates over {@code runs} runs of {@code body}, measured
     * in rounds (each after {@code warm} more runs) until a round allocates nothing or {@code rounds}
     * have run: code still waiting for the JIT's optimising compiler (its queue lags on a busy machine
     * with few cores) allocates what the compiled code keeps in registers, e.g. every Vector API
     * vector, and would otherwise be counted. An allocation that the compiled code makes is counted
     * in every round.
     */
    public static long leastBytesAllocated(Runnable body, int warm, int runs, int rounds) {
        long least = Long.MAX_VALUE;
        for (int round = 0; round < rounds && least > 0; round++) {
            for (int i = 0; i < warm; i++) {
                body.run();
            }
            least = Math.min(least, bytesAllocated(body, runs));
        }
        return least;
    }

    /** Uniform values in [−1, 1) from a fixed seed. */
    public static float[] randomFloats(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return v;
    }

    /**
     * A random sparse index of {@code majors × minors} at density {@code p}, every 4th major (1, 5, …)
     * empty; p = 0 gives no entries at all. Indexes ascend within a major.
     */
    public static SparseIndex randomIndex(int majors, int minors, double p, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] ptr = new int[majors + 1];
        int[] idx = new int[majors * minors];
        int n = 0;
        for (int q = 0; q < majors; q++) {
            for (int j = 0; j < minors; j++) {
                if (q % 4 != 1 && r.nextDouble() < p) {
                    idx[n++] = j;
                }
            }
            ptr[q + 1] = n;
        }
        return SparseIndex.of("test", majors, minors, ptr, Arrays.copyOf(idx, n));
    }

    /**
     * Asserts {@code |actual − expected| ≤ atol + rtol·|expected|} elementwise, reporting the first
     * offending index.
     */
    public static void assertClose(float[] actual, float[] expected, double rtol, double atol) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i];
            double a = actual[i];
            boolean ok = (Double.isNaN(e) && Double.isNaN(a)) || e == a || Math.abs(a - e) <= atol + rtol * Math.abs(e);
            if (!ok) {
                throw new AssertionError("element " + i + ": expected " + e + " but got " + a
                        + " (|diff| " + Math.abs(a - e) + ", rtol " + rtol + ", atol " + atol + ")");
            }
        }
    }
}
