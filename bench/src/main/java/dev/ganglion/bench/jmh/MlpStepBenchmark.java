package dev.ganglion.bench.jmh;

import dev.ganglion.bench.StepMlp;
import dev.ganglion.engine.Parallel;
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
 * One training step of an MLP 784-1024-1024-10 (batch 128, Adam): forward, cross-entropy, backward,
 * update ({@link StepMlp}). Run with {@code -prof gc} for the bytes allocated per step
 * ({@code gc.alloc.rate.norm}): activations and the gradients the backward rules produce are new
 * tensors; the optimizer update itself allocates nothing.
 *
 * <p>{@code @Setup} refuses a {@code batch} below 1 and a {@code threads} outside 0 (the engine
 * default) to {@code MAX_THREADS} ({@link BenchParams}); {@code @TearDown} restores the engine's
 * thread count.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class MlpStepBenchmark {
    private static final String NAME = "MlpStepBenchmark";

    @Param("128")
    public int batch;
    /** Thread count; 0 keeps the engine default. */
    @Param({"1", "2"})
    public int threads;
    /** Zero the gradient buffers in place (true) or drop them each step (false, PyTorch's set_to_none). */
    @Param("true")
    public boolean keepGradients;

    private StepMlp step;
    private int threadsBefore;

    @Setup
    public void setUp() {
        step = StepMlp.standard(BenchParams.positive(NAME, "batch", batch)).keepGradientBuffers(keepGradients);
        threadsBefore = BenchParams.useThreads(NAME, threads);
    }

    @TearDown
    public void tearDown() {
        Parallel.setThreads(threadsBefore);
    }

    @Benchmark
    public double step() {
        step.run();
        return step.lastLoss();
    }
}
