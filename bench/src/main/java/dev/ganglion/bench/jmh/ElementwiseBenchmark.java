package dev.ganglion.bench.jmh;

import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.kernel.BinaryKernel;
import dev.ganglion.engine.kernel.BinaryOp;
import dev.ganglion.engine.kernel.ScalarBinary;
import dev.ganglion.engine.kernel.ScalarUnary;
import dev.ganglion.engine.kernel.UnaryKernel;
import dev.ganglion.engine.kernel.UnaryOp;
import dev.ganglion.engine.ops.Elementwise;
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
 * Elementwise kernels, scalar reference vs SIMD, on one thread: {@code exp}, {@code sigmoid},
 * {@code add} (same shapes) and bias add (one operand stride 0); plus the public broadcasting op
 * {@code Elementwise.add(matrix, biasRow)}, which may use the pool above 32K elements.
 *
 * <p>{@code @Setup} refuses an {@code n} below 1; {@link #biasAddOp} alone, whose matrix is
 * {@code [n/1024, 1024]}, also needs {@code n} a multiple of 1024 ({@link BiasAdd}), so the kernels
 * still run at any other size ({@link BenchParams}).
 *
 * <p>Run: {@code mvn -q -pl bench -am package -DskipTests}, then {@code java -cp
 * bench/target/classes:<dependency classpath> org.openjdk.jmh.Main ElementwiseBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class ElementwiseBenchmark {
    private static final String NAME = "ElementwiseBenchmark";
    /** Columns of {@link #biasAddOp}'s matrix. */
    private static final int COLS = 1024;

    /** Elements per array: L1-resident and beyond L2. */
    @Param({"4096", "1048576"})
    int n;

    private final UnaryKernel scalarUnary = new ScalarUnary();
    private final UnaryKernel simdUnary = UnaryKernel.active();
    private final BinaryKernel scalarBinary = new ScalarBinary();
    private final BinaryKernel simdBinary = BinaryKernel.active();

    private float[] x;
    private float[] y;
    private float[] out;
    private final float[] zero = new float[1];

    /** The operands of {@link #biasAddOp}, built from the benchmark's own {@code x} and {@code y}. */
    @State(Scope.Thread)
    public static class BiasAdd {
        Tensor matrix;
        Tensor bias;

        @Setup
        public void setUp(ElementwiseBenchmark b) {
            BenchParams.multipleOf(NAME, "n", b.n, COLS, "for biasAddOp (a [n/" + COLS + ", " + COLS + "] matrix)");
            matrix = Tensor.wrap(b.x.clone(), Shape.of(b.n / COLS, COLS));
            bias = Tensor.wrap(java.util.Arrays.copyOf(b.y, COLS), Shape.of(COLS));
        }
    }

    @Setup
    public void setUp() {
        BenchParams.positive(NAME, "n", n);
        SplittableRandom r = new SplittableRandom(1);
        x = new float[n];
        y = new float[n];
        out = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (r.nextDouble() * 8 - 4);
            y[i] = (float) (r.nextDouble() * 8 - 4);
        }
    }

    @Benchmark
    public float[] expScalar() {
        scalarUnary.apply(UnaryOp.EXP, 0, 0, x, 0, 1, out, 0, n);
        return out;
    }

    @Benchmark
    public float[] expSimd() {
        simdUnary.apply(UnaryOp.EXP, 0, 0, x, 0, 1, out, 0, n);
        return out;
    }

    @Benchmark
    public float[] sigmoidScalar() {
        scalarUnary.apply(UnaryOp.SIGMOID, 0, 0, x, 0, 1, out, 0, n);
        return out;
    }

    @Benchmark
    public float[] sigmoidSimd() {
        simdUnary.apply(UnaryOp.SIGMOID, 0, 0, x, 0, 1, out, 0, n);
        return out;
    }

    @Benchmark
    public float[] addScalar() {
        scalarBinary.apply(BinaryOp.ADD, x, 0, 1, y, 0, 1, out, 0, n);
        return out;
    }

    @Benchmark
    public float[] addSimd() {
        simdBinary.apply(BinaryOp.ADD, x, 0, 1, y, 0, 1, out, 0, n);
        return out;
    }

    /** {@code x + s}, the stride-0 kernel path a bias or scalar operand takes. */
    @Benchmark
    public float[] addBroadcastScalar() {
        scalarBinary.apply(BinaryOp.ADD, x, 0, 1, y, 0, 0, out, 0, n);
        return out;
    }

    @Benchmark
    public float[] addBroadcastSimd() {
        simdBinary.apply(BinaryOp.ADD, x, 0, 1, y, 0, 0, out, 0, n);
        return out;
    }

    /** {@code where(x, y, 0)} with the zero broadcast (stride 0), as a relu backward would use it. */
    @Benchmark
    public float[] whereSimd() {
        simdBinary.where(x, 0, 1, y, 0, 1, zero, 0, 0, out, 0, n);
        return out;
    }

    /** The public op: {@code [n/1024, 1024] + [1024]}, new output each call. */
    @Benchmark
    public Tensor biasAddOp(BiasAdd s) {
        return Elementwise.add(s.matrix, s.bias);
    }
}
