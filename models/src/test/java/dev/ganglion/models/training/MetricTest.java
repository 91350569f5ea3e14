package dev.ganglion.models.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.ganglion.engine.Rng;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The running metric of a progress bar agrees with the metric of the whole split, batch by batch. */
class MetricTest {
    private static final int N = 103;

    @Test
    void runningAccuracyOverBatchesIsTheAccuracyOfTheSplit() {
        Rng rng = new Rng(5);
        int[] labels = new int[N];
        for (int i = 0; i < N; i++) {
            labels[i] = (int) (rng.nextDouble() * 7);
        }
        Split split = new Split(rng.normal(Shape.of(N, 3), 0, 1), null, labels);
        assertRunningMatchesWhole(Metric.ACCURACY, split, rng.normal(Shape.of(N, 7), 0, 1));
    }

    @Test
    void runningMseAndRrseOverBatchesAreThoseOfTheSplit() {
        Rng rng = new Rng(6);
        Split split = new Split(rng.normal(Shape.of(N, 3), 0, 1), rng.normal(Shape.of(N, 2), 0.7, 1.3), null);
        Tensor out = rng.normal(Shape.of(N, 2), 0.5, 1);
        assertRunningMatchesWhole(Metric.MSE, split, out);
        assertRunningMatchesWhole(Metric.RRSE, split, out);
    }

    @Test
    void runningMetricIsNaNBeforeAnySample() {
        assertThat(Metric.ACCURACY.running().value()).isNaN();
        assertThat(Metric.RRSE.running().value()).isNaN();
    }

    /** Batches of 10 (the last one 3), each added with its rows of {@code out}. */
    private static void assertRunningMatchesWhole(Metric metric, Split split, Tensor out) {
        double whole = metric.compute(out, split);
        Metric.Running running = metric.running();
        int d = out.shape().dim(1);
        float[] o = out.toFloatArray();
        for (int from = 0; from < N; from += 10) {
            int to = Math.min(N, from + 10);
            float[] part = Arrays.copyOfRange(o, from * d, to * d);
            running.add(Tensor.of(part, to - from, d), split.range(from, to));
        }
        assertThat(whole).isBetween(0.01, 10.0);
        assertThat(running.value()).as(metric.label()).isCloseTo(whole, within(1e-9 * Math.max(1, whole)));
    }
}
