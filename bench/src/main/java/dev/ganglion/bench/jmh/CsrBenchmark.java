package dev.ganglion.bench.jmh;

import dev.ganglion.bench.SparseLinearBench;
import dev.ganglion.engine.Parallel;
import dev.ganglion.engine.kernel.CsrProducts;
import dev.ganglion.engine.kernel.ScalarCsr;
import dev.ganglion.engine.kernel.SparseIndex;
import dev.ganglion.engine.simd.SimdCsr;
import dev.ganglion.engine.sparse.Csr;
import java.util.List;
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
 * CSR linear layer {@code Y[batch × rows] = X[batch × cols]·Wᵀ}, W at {@code density} (exact per
 * row, seeded), and both backward products, apart and together; scalar vs SIMD kernel. Useful flops: {@code 2·batch·nnz}.
 * Compare with {@code BlockDiagonalBenchmark.denseLinear}.
 *
 * <p>The {@code transposed-…} passes run the same layer with its weight kept as {@code T = Wᵀ}
 * (values in W's column order, {@code SparseOps.linearTransposedInto}): its forward product, and
 * both backward products in one sweep over T's rows ({@code CsrProducts.transposedBackward}). A
 * layer's step in either order: {@code forward + backward} against {@code transposed-forward +
 * transposed-backward}.
 *
 * <p>{@code @Setup} refuses what {@code ganglion bench csr} refuses (a density that leaves a row
 * without entries, sizes below 1) and any other {@code pass}, {@code impl} or {@code threads}
 * ({@link BenchParams}); {@code @TearDown} restores the engine's thread count.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class CsrBenchmark {
    private static final String NAME = "CsrBenchmark";
    /** The values {@code pass} takes (the same as its {@code @Param} list). */
    static final List<String> PASSES = List.of("forward", "input-grad", "weight-grad", "backward",
            "transposed-forward", "transposed-backward");

    @Param("128")
    public int batch;
    @Param("1024")
    public int rows;
    @Param("1024")
    public int cols;
    @Param({"0.05", "0.1", "0.25", "0.5"})
    public double density;
    /** {@code backward}: both gradients from one call (one sweep over the columns, see CsrKernel.spmmSddmm). */
    @Param({"forward", "input-grad", "weight-grad", "backward", "transposed-forward", "transposed-backward"})
    public String pass;
    @Param({"simd", "scalar"})
    public String impl;
    /** Thread count; 0 keeps the engine default. */
    @Param("0")
    public int threads;

    private CsrProducts products;
    private SparseIndex index;
    /** The index of {@code Wᵀ} (for the transposed passes: W's pattern with the roles swapped). */
    private SparseIndex transposed;
    private float[] v;
    private float[] vt;
    private float[] x;
    private float[] dy;
    private float[] y;
    private float[] dx;
    private float[] dv;
    private int threadsBefore;

    @Setup
    public void setup() {
        // Csr.random stores round(density·cols) entries a row: the rule of ganglion bench csr at block 1.
        SparseLinearBench.checkSparse(NAME, "", batch, rows, cols, 1, density);
        BenchParams.oneOf(NAME, "pass", pass, PASSES);
        products = new CsrProducts(BenchParams.scalar(NAME, impl) ? new ScalarCsr() : new SimdCsr());
        threadsBefore = BenchParams.useThreads(NAME, threads);
        Csr w = Csr.random(rows, cols, density, 42);
        index = w.index();
        v = w.values().floatArray();
        Csr t = Csr.fromDense(w.toDense().mT().copy());
        transposed = t.index();
        vt = t.values().floatArray();
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
    public float[] csr() {
        switch (pass) {
            case "forward" -> products.forward(index, v, 0, batch, x, 0, y, 0, false);
            case "input-grad" -> products.inputGrad(index, v, 0, batch, dy, 0, dx, 0, false);
            case "weight-grad" -> products.weightGrad(index, batch, dy, 0, x, 0, dv, 0, false);
            case "backward" -> products.backward(index, v, 0, batch, dy, 0, x, 0, dx, 0, false, dv, 0, false);
            case "transposed-forward" -> products.inputGrad(transposed, vt, 0, batch, x, 0, y, 0, false);
            case "transposed-backward" -> products.transposedBackward(transposed, vt, 0, batch, dy, 0, x, 0, dx, 0,
                    false, dv, 0, false);
            default -> throw new IllegalArgumentException("pass " + pass);
        }
        return y;
    }
}
