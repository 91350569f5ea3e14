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
import org.openjdk.jmh.annotations.Warmup;

/**
 * One training step of an MLP 784-1024-1024-10 (batch 128, Adam): forward, cross-entropy, backward,
 * update ({@link StepMlp}). Run with {@code -prof gc} for the bytes allocated per step
 * ({@code gc.alloc.rate.norm}): activations and gradients of a step are new tensors; the optimizer
 * update itself allocates nothing.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class MlpStepBenchmark {
    @Param("128")
    public int batch;
    /** Thread count; 0 keeps the engine default. */
    @Param({"1", "2"})
    public int threads;

    private StepMlp step;

    @Setup
    public void setUp() {
        if (threads > 0) {
            Parallel.setThreads(threads);
        }
        step = StepMlp.standard(batch);
    }

    @Benchmark
    public double step() {
        step.run();
        return step.lastLoss();
    }
}
