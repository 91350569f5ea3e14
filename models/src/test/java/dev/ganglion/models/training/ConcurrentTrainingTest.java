package dev.ganglion.models.training;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ganglion.models.ModelRegistry;
import dev.ganglion.models.NeuralModel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * An application may train several models at once from its own threads, all on the engine's one
 * shared pool: each run must give, bit for bit, the losses it gives alone (the kernels' per-thread
 * scratch buffers and the pool's work-stealing must not mix runs).
 */
class ConcurrentTrainingTest {
    record Run(String model, int hidden, boolean recurrent) {}

    static final List<Run> RUNS = List.of(new Run("g2gnet", 512, false), new Run("mlp", 384, false),
            new Run("circuitnet", 0, false), new Run("sublstm", 48, true), new Run("elm", 0, true),
            new Run("g2gnet", 256, false));

    static List<Double> losses(Run r) throws Exception {
        TaskData data = Tasks.load(new TaskSpec(r.recurrent() ? "adding" : "function", 0, 256, 64,
                r.recurrent() ? 12 : 0, null, r.recurrent()));
        Map<String, Object> fields = new HashMap<>(Map.of("input_size", data.inputSize(), "output_size", data.outputSize()));
        if (r.hidden() > 0) {
            fields.put("hidden_size", r.hidden());
        }
        if (r.model().equals("g2gnet")) {
            fields.put("dst", true);
            fields.put("update_interval", 2);
        }
        ModelRegistry models = ModelRegistry.standard();
        NeuralModel model = models.create(models.config(r.model(), fields), 0);
        List<Double> out = new ArrayList<>();
        TrainOptions options = TrainOptions.defaults().withEpochs(2).withBatch(32).withLr(1e-3);
        for (EpochResult e : new Trainer(model, data, options).fit()) {
            out.add(e.loss());
            out.add(e.testLoss());
        }
        return out;
    }

    @Test
    void modelsTrainedAtOnceGiveTheLossesTheyGiveAlone() throws Exception {
        List<List<Double>> alone = new ArrayList<>();
        for (Run r : RUNS) {
            alone.add(losses(r));
        }
        try (ExecutorService pool = Executors.newFixedThreadPool(RUNS.size())) {
            List<Future<List<Double>>> together = new ArrayList<>();
            for (Run r : RUNS) {
                together.add(pool.submit(() -> losses(r)));
            }
            for (int i = 0; i < RUNS.size(); i++) {
                assertThat(together.get(i).get()).as(RUNS.get(i).toString()).isEqualTo(alone.get(i));
            }
        }
    }
}
