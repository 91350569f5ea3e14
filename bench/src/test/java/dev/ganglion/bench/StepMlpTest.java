package dev.ganglion.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The training-step harness trains (at a small shape) and describes itself. */
class StepMlpTest {
    /**
     * The steps run (finite losses) but cannot fit their batch: the targets change every step, so
     * over many steps the loss stays near ln 4, where fixed targets would be fitted (what the bench
     * must not time: a fitted batch's gradients underflow).
     */
    @Test
    void stepsRunButCannotFitTheirBatch() {
        for (boolean keep : new boolean[] {true, false}) {
            StepMlp step = new StepMlp(16, new int[] {12, 20, 20, 4}, "adam", 1e-2, "relu", 3).keepGradientBuffers(keep);
            assertThat(step.lastLoss()).isNaN();
            double sum = 0;
            for (int i = 0; i < 400; i++) {
                step.run();
                assertThat(step.lastLoss()).isFinite();
                sum += i >= 300 ? step.lastLoss() : 0;
            }
            assertThat(sum / 100).as("mean loss of steps 300-400").isGreaterThan(0.8 * Math.log(4));
        }
    }

    @Test
    void shapeFlopsAndErrors() {
        StepMlp step = StepMlp.standard(128);
        assertThat(step.shape()).containsEntry("batch", 128).containsEntry("hidden_size", 1024).containsEntry("num_layers", 2);
        assertThat(step.parameterCount()).isEqualTo(784 * 1024 + 1024 + 1024 * 1024 + 1024 + 1024 * 10 + 10);
        double forward = 2.0 * 128 * (784 * 1024 + 1024 * 1024 + 1024 * 10);
        assertThat(step.flops()).isEqualTo(3 * forward - 2.0 * 128 * 784 * 1024);
        assertThatThrownBy(() -> new StepMlp(0, new int[] {2, 2}, "adam", 1e-3, "relu", 0)).hasMessageContaining("batch ≥ 1");
        assertThatThrownBy(() -> new StepMlp(1, new int[] {2, 2}, "lion", 1e-3, "relu", 0)).hasMessageContaining("lion");
    }
}
