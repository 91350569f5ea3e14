package dev.ganglion.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ganglion.models.training.StepProgress;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The terminal progress bar shows what cli.md lists: loss, metric, samples/s and ETA. */
class TrainProgressTest {
    @Test
    void theBarShowsLossTrainingMetricThroughputAndTimeLeft() throws Exception {
        StringWriter text = new StringWriter();
        try (TrainProgress p = new TrainProgress(new PrintWriter(text), false, true, null, false)) {
            p.onStart(0, 4, 10, 640);
            // a quarter of epoch 2 done after 45 s: 1.25 of 4 epochs, so 2.75 × 36 s = 99 s left
            String bar = p.bar(new StepProgress(2, 5, 20, 0.25, "accuracy", 0.8125, 1234.4), 45);
            assertThat(bar).isEqualTo("epoch 2/4 [######..................] loss 0.25000  train accuracy 0.8125  "
                    + "1234 samples/s  ETA 1m39s");
            p.onStep(new StepProgress(1, 20, 20, 0.5, "rrse", 0.75, 10));
        }
        assertThat(text.toString()).startsWith("\repoch 1/4 [########################] loss 0.50000  train rrse 0.7500");
    }
}
