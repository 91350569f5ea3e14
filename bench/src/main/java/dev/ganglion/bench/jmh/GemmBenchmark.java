package dev.ganglion.bench.jmh;

import dev.ganglion.engine.Parallel;
import dev.ganglion.engine.kernel.GemmKernel;
import dev.ganglion.engine.kernel.ScalarGemm;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code C = A·op(B)} in float32, {@code GemmKernel.active()} (SIMD when enabled) against
 * {@link ScalarGemm}. The {@code flops} counter reports FLOP/s (2 per multiply–add); divide by 1e9
 * for GFLOP/s and compare with {@code PeakFlops.measureGflops(threads)} ({@link GemmPeakReport}
 * prints both side by side).
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -cp … org.openjdk.jmh.Main GemmBenchmark
 * -p impl=simd -p shape=1024x1024x1024 -p threads=1,2}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class GemmBenchmark {
    /** {@code simd}: {@code GemmKernel.active()}; {@code scalar}: the reference triple loop. */
    @Param({"simd", "scalar"})
    public String impl;

    /** {@code m×n×k} written {@code MxNxK} (JMH splits values on commas): the square case and model shapes. */
    @Param({"1024x1024x1024", "128x256x256", "128x512x512", "128x1024x1024"})
    public String shape;

    /** {@code NN}: C = A·B; {@code NT}: C = A·Bᵀ (what {@code Linalg.linear} runs). */
    @Param({"NN", "NT"})
    public String trans;

    /** Threads of the shared pool. */
    @Param({"1", "2"})
    public int threads;

    private GemmKernel kernel;
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

    @Setup(Level.Trial)
    public void setUp() {
        String[] dims = shape.split("x");
        m = Integer.parseInt(dims[0].trim());
        n = Integer.parseInt(dims[1].trim());
        k = Integer.parseInt(dims[2].trim());
        transB = trans.equals("NT");
        kernel = impl.equals("scalar") ? new ScalarGemm() : GemmKernel.active();
        Parallel.setThreads(threads);
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

    @Benchmark
    public float[] gemm(Flops counter) {
        kernel.gemm(false, transB, m, n, k, 1f, a, 0, k, b, 0, transB ? k : n, 0f, c, 0, n);
        counter.flops += 2L * m * n * k;
        return c;
    }
}
