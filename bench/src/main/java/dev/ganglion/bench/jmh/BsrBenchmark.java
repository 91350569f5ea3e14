package dev.ganglion.bench.jmh;

import dev.ganglion.bench.SparseLinearBench;
import dev.ganglion.engine.Parallel;
import dev.ganglion.engine.kernel.BsrProducts;
import dev.ganglion.engine.kernel.ScalarBsr;
import dev.ganglion.engine.kernel.SparseIndex;
import dev.ganglion.engine.simd.SimdBsr;
import dev.ganglion.engine.sparse.Bsr;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
 * BSR linear layer {@code Y[batch × rows] = X[batch × cols]·Wᵀ}, W of {@code block×block} blocks at
 * {@code density} (exact per block-row, seeded), and both backward products; scalar vs SIMD kernel.
 * Useful flops: {@code 2·batch·nnz}. Compare with {@code BlockDiagonalBenchmark.denseLinear}.
 *
 * <p>{@code @Setup} refuses what {@code ganglion bench bsr} refuses (a density that leaves a
 * block-row without blocks, a {@code block} that does not divide {@code rows} and {@code cols},
 * sizes below 1) and any other {@code pass}, {@code impl} or {@code threads} ({@link BenchParams});
 * {@code @TearDown} restores the engine's thread count.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class BsrBenchmark {
    private static final String NAME = "BsrBenchmark";

    @Param("128")
    public int batch;
    @Param("1024")
    public int rows;
    @Param("1024")
    public int cols;
    @Param({"4", "16"})
    public int block;
    @Param({"0.05", "0.1", "0.25", "0.5"})
    public double density;
    @Param({"forward", "input-grad", "weight-grad"})
    public String pass;
    @Param({"simd", "scalar"})
    public String impl;
    /** Thread count; 0 keeps the engine default. */
    @Param("0")
    public int threads;

    private BsrProducts products;
    private SparseIndex index;
    private float[] v;
    private float[] x;
    private float[] dy;
    private float[] y;
    private float[] dx;
    private float[] dv;
    private int threadsBefore;

    @Setup
    public void setup() {
        SparseLinearBench.checkSparse(NAME, "", batch, rows, cols, block, density);
        BenchParams.oneOf(NAME, "pass", pass, SparseLinearBench.PASSES);
        products = new BsrProducts(BenchParams.scalar(NAME, impl) ? new ScalarBsr() : new SimdBsr());
        threadsBefore = BenchParams.useThreads(NAME, threads);
        Bsr w = Bsr.random(rows, cols, block, block, density, 42);
        index = w.index();
        v = w.values().floatArray();
        SplittableRandom r = new SplittableRandom(7);
        x = BlockDiagonalBenchmark.random(r, batch * cols);
        dy = BlockDiagonalBenchmark.random(r, batch * rows);
        y = new float[batch * rows];
        dx = new float[batch * cols];
        dv = new float[v.length];
    }

    @TearDown
    public void tearDown() {
        Parallel.setThreads(threadsBefore);
    }

    @Benchmark
    public float[] bsr() {
        switch (pass) {
            case "forward" -> products.forward(index, block, block, v, 0, batch, x, 0, y, 0, false);
            case "input-grad" -> products.inputGrad(index, block, block, v, 0, batch, dy, 0, dx, 0, false);
            case "weight-grad" -> products.weightGrad(index, block, block, batch, dy, 0, x, 0, dv, 0, false);
            default -> throw new IllegalArgumentException("pass " + pass);
        }
        return y;
    }
}
