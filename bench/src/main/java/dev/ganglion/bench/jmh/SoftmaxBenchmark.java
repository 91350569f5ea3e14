package dev.ganglion.bench.jmh;

import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.kernel.ReduceKernel;
import dev.ganglion.engine.kernel.ScalarReduce;
import dev.ganglion.engine.ops.Reductions;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Row softmax and row sum, scalar reference vs SIMD kernels on one thread, over a
 * {@code rows × cols} matrix; plus the public {@code Reductions.softmax(x, -1)} (pool above 32K).
 * {@code @Setup} refuses a {@code cols} below 1 ({@link BenchParams}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class SoftmaxBenchmark {
    private static final String NAME = "SoftmaxBenchmark";

    /** Row length: a small classifier head and a vocabulary-sized row. */
    @Param({"128", "32000"})
    int cols;

    /** Rows, chosen so that every case holds about 1M floats. */
    private int rows;

    private final ReduceKernel scalar = new ScalarReduce();
    private final ReduceKernel simd = ReduceKernel.active();

    private float[] x;
    private float[] y;
    private Tensor logits;

    @Setup
    public void setUp() {
        rows = Math.max(1, (1 << 20) / BenchParams.positive(NAME, "cols", cols));
        SplittableRandom r = new SplittableRandom(2);
        x = new float[rows * cols];
        y = new float[rows * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextGaussian() * 5);
        }
        logits = Tensor.wrap(x.clone(), Shape.of(rows, cols));
    }

    @Benchmark
    public float[] softmaxScalar() {
        for (int i = 0; i < rows; i++) {
            scalar.softmax(x, i * cols, y, i * cols, cols);
        }
        return y;
    }

    @Benchmark
    public float[] softmaxSimd() {
        for (int i = 0; i < rows; i++) {
            simd.softmax(x, i * cols, y, i * cols, cols);
        }
        return y;
    }

    @Benchmark
    public float[] logSoftmaxSimd() {
        for (int i = 0; i < rows; i++) {
            simd.logSoftmax(x, i * cols, y, i * cols, cols);
        }
        return y;
    }

    @Benchmark
    public float rowSumScalar() {
        float s = 0;
        for (int i = 0; i < rows; i++) {
            s += scalar.sum(x, i * cols, cols);
        }
        return s;
    }

    @Benchmark
    public float rowSumSimd() {
        float s = 0;
        for (int i = 0; i < rows; i++) {
            s += simd.sum(x, i * cols, cols);
        }
        return s;
    }

    @Benchmark
    public Tensor softmaxOp() {
        return Reductions.softmax(logits, -1);
    }
}
