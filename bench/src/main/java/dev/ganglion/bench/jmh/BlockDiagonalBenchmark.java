package dev.ganglion.bench.jmh;

import dev.ganglion.bench.Inputs;
import dev.ganglion.bench.SparseLinearBench;
import dev.ganglion.engine.Parallel;
import dev.ganglion.engine.kernel.BlockDiagProducts;
import dev.ganglion.engine.kernel.GemmKernel;
import dev.ganglion.engine.kernel.ScalarGemm;
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
 * Block-diagonal linear layer {@code Y[batch × dim] = X·BD(W)ᵀ} with {@code blocks} square blocks,
 * and its two backward products, against the dense product of the same shape through the same GEMM
 * ({@link #denseLinear}). Useful flops: {@code 2·batch·dim²/blocks} (dense: {@code 2·batch·dim²}).
 * {@code impl=scalar} runs on {@link ScalarGemm}, {@code impl=simd} on {@link GemmKernel#cpu()}.
 *
 * <p>{@code @Setup} refuses what {@code ganglion bench blockdiag} refuses ({@code dim} not a
 * multiple of {@code blocks}, sizes below 1), a {@code dim²} or {@code batch·dim} beyond one Java array,
 * and any other {@code pass}, {@code impl} or
 * {@code threads} ({@link BenchParams}); {@code @TearDown} restores the engine's thread count.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class BlockDiagonalBenchmark {
    private static final String NAME = "BlockDiagonalBenchmark";

    @Param("128")
    public int batch;
    @Param("1024")
    public int dim;
    @Param({"4", "16"})
    public int blocks;
    @Param({"forward", "input-grad", "weight-grad"})
    public String pass;
    @Param({"simd", "scalar"})
    public String impl;
    /** Thread count; 0 keeps the engine default. */
    @Param("0")
    public int threads;

    private BlockDiagProducts products;
    private GemmKernel gemm;
    private float[] w;
    private float[] dense;
    private float[] x;
    private float[] dy;
    private float[] y;
    private float[] dx;
    private float[] dw;
    private float[] dwDense;
    private int threadsBefore;

    @Setup
    public void setup() {
        SparseLinearBench.checkBlockDiag(NAME, "", batch, dim, blocks);
        int denseSize = Inputs.checkedProduct(NAME, dim, dim);
        int activationSize = Inputs.checkedProduct(NAME, batch, dim);
        BenchParams.oneOf(NAME, "pass", pass, SparseLinearBench.PASSES);
        gemm = BenchParams.scalar(NAME, impl) ? new ScalarGemm() : GemmKernel.cpu();
        threadsBefore = BenchParams.useThreads(NAME, threads);
        products = new BlockDiagProducts(gemm);
        SplittableRandom r = new SplittableRandom(42);
        w = random(r, denseSize / blocks);
        dense = random(r, denseSize);
        x = random(r, activationSize);
        dy = random(r, activationSize);
        y = new float[activationSize];
        dx = new float[activationSize];
        dw = new float[denseSize / blocks];
        dwDense = new float[denseSize];
    }

    @TearDown
    public void tearDown() {
        Parallel.setThreads(threadsBefore);
    }

    static float[] random(SplittableRandom r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return a;
    }

    @Benchmark
    public float[] blockDiagonal() {
        int b = dim / blocks;
        switch (pass) {
            case "forward" -> products.forward(blocks, b, b, w, 0, batch, x, 0, y, 0, false);
            case "input-grad" -> products.inputGrad(blocks, b, b, w, 0, batch, dy, 0, dx, 0, false);
            case "weight-grad" -> products.weightGrad(blocks, b, b, batch, dy, 0, x, 0, dw, 0, false);
            default -> throw new IllegalArgumentException("pass " + pass);
        }
        return y;
    }

    /** The dense layer of the same width through the same GEMM (ignores {@code blocks}). */
    @Benchmark
    public float[] denseLinear() {
        switch (pass) {
            case "forward" -> gemm.gemm(false, true, batch, dim, dim, 1f, x, 0, dim, dense, 0, dim, 0f, y, 0, dim);
            case "input-grad" -> gemm.gemm(false, false, batch, dim, dim, 1f, dy, 0, dim, dense, 0, dim, 0f, dx, 0, dim);
            case "weight-grad" -> gemm.gemm(true, false, dim, dim, batch, 1f, dy, 0, dim, x, 0, dim, 0f, dwDense, 0, dim);
            default -> throw new IllegalArgumentException("pass " + pass);
        }
        return y;
    }
}
