package dev.ganglion.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ganglion.models.training.EpochResult;
import dev.ganglion.models.training.StepProgress;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The terminal progress bar shows what cli.md lists (loss, metric, samples/s and ETA); the epoch lines and the log. */
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

    @Test
    void anEpochsRewiringLinesReachTheLogWithItsEpochLineSoAStoppedEpochLeavesNone(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("l.jsonl");
        List<Map<String, Object>> layer = List.of(Map.of("layer", 0, "pruned", 3, "regrown", 3, "nnz", 10, "sparsity", 0.5));
        try (TrainProgress p = new TrainProgress(new PrintWriter(new StringWriter()), true, false, log, false)) {
            p.onStart(0, 2, 10, 100);
            p.onHook(1, 5, layer);
            p.onEpoch(result(1, 0.5));
            p.onHook(2, 15, layer);   // epoch 2 stops here: its rewiring is not a completed epoch's
        }
        List<String> lines = Files.readAllLines(log);
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).startsWith("{\"event\":\"rewire\",\"at_epoch\":1,\"step\":5,");
        assertThat(lines.get(1)).startsWith("{\"epoch\":1,");
    }

    @Test
    void aHugeLossIsPrintedWithSignificantDigitsNotDozensOfThem() {
        assertThat(TrainProgress.text(result(3, 5.315148790093470e33))).startsWith("epoch   3  loss 5.3151e+33  rrse 0.50000");
        assertThat(TrainProgress.text(result(3, 0.25))).startsWith("epoch   3  loss 0.25000  rrse 0.50000");
        assertThat(TrainProgress.decimals(Double.NaN)).isEqualTo("NaN");
    }

    private static EpochResult result(int epoch, double loss) {
        return new EpochResult(epoch, loss, 0.5, 0.5, "rrse", 0.5, 1, 100, 1e-3);
    }
}
