package dev.ganglion.bench.jmh;

import dev.ganglion.engine.Parallel;
import dev.ganglion.engine.kernel.GemmKernel;
import dev.ganglion.engine.kernel.ScalarGemm;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code C = A·op(B)} in float32: {@link #simd} on {@code GemmKernel.cpu()} (the SIMD kernel when
 * the Vector API is on) over {@code threads} of the shared pool, and {@link #scalar} on the
 * {@link ScalarGemm} reference, which never uses the pool and so is measured once per shape, with no
 * {@code threads} parameter. (JMH cannot skip a combination of parameters: {@code threads} lives in
 * the {@link Pool} state that only {@link #simd} takes, so the scalar rows are not repeated under
 * thread counts they ignore; JMH shows their {@code threads} as N/A.) The {@code flops} counter
 * reports FLOP/s (2 per multiply–add); divide by 1e9 for GFLOP/s and compare with
 * {@code PeakFlops.measureGflops(threads)} ({@link GemmPeakReport} prints both side by side).
 *
 * <p>{@code @Setup} refuses a {@code shape} that is not {@code MxNxK}, a {@code trans} other than
 * NN or NT and a {@code threads} outside 0 (the engine default) to {@code MAX_THREADS}
 * ({@link BenchParams}); {@code @TearDown} restores the engine's thread count.
 *
 * <p>Run: {@code ./ganglion jmh 'GemmBenchmark.simd' -p shape=1024x1024x1024 -p threads=1,2}, or
 * {@code GemmBenchmark.scalar} for the reference alone. The method chooses the kernel: there is no
 * {@code impl} parameter any more, and JMH ignores a {@code -p} for a parameter a benchmark lacks.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class GemmBenchmark {
    private static final String NAME = "GemmBenchmark";
    /** The values {@code trans} takes. */
    static final List<String> TRANS = List.of("NN", "NT");

    /** {@code m×n×k} written {@code MxNxK} (JMH splits values on commas): the square case and model shapes. */
    @Param({"1024x1024x1024", "128x256x256", "128x512x512", "128x1024x1024"})
    public String shape;

    /** {@code NN}: C = A·B; {@code NT}: C = A·Bᵀ (what {@code Linalg.linear} runs). */
    @Param({"NN", "NT"})
    public String trans;

    private final GemmKernel simd = GemmKernel.cpu();
    private final GemmKernel scalar = new ScalarGemm();
    private int m;
    private int n;
    private int k;
    private boolean transB;
    private float[] a;
    private float[] b;
    private float[] c;

    /** Floating-point operations done, reported by JMH as a rate. */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Flops {
        public long flops;
    }

    /**
     * The shared pool's thread count for {@link #simd}: 0 keeps the engine default. Set up after
     * the operands (its {@code @Setup} takes them), so a refused shape leaves the count untouched.
     */
    @State(Scope.Thread)
    public static class Pool {
        @Param({"1", "2"})
        public int threads;

        private int threadsBefore;

        @Setup(Level.Trial)
        public void setUp(GemmBenchmark operands) {
            threadsBefore = BenchParams.useThreads(NAME, threads);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            Parallel.setThreads(threadsBefore);
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        int[] mnk = BenchParams.dims(NAME, "shape", shape, "MxNxK");
        transB = BenchParams.oneOf(NAME, "trans", trans, TRANS).equals("NT");
        m = mnk[0];
        n = mnk[1];
        k = mnk[2];
        a = random(m * k, 1);
        b = random(k * n, 2);
        c = new float[m * n];
    }

    private static float[] random(int size, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[size];
        for (int i = 0; i < size; i++) {
            v[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return v;
    }

    /** {@code GemmKernel.cpu()} on {@code pool.threads} threads. */
    @Benchmark
    public float[] simd(Pool pool, Flops counter) {
        return gemm(simd, counter);
    }

    /** The scalar reference triple loop, on the calling thread whatever the pool's size. */
    @Benchmark
    public float[] scalar(Flops counter) {
        return gemm(scalar, counter);
    }

    private float[] gemm(GemmKernel kernel, Flops counter) {
        kernel.gemm(false, transB, m, n, k, 1f, a, 0, k, b, 0, transB ? k : n, 0f, c, 0, n);
        counter.flops += 2L * m * n * k;
        return c;
    }
}
