package dev.ganglion.models.training;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ganglion.autodiff.NoGrad;
import dev.ganglion.autodiff.Var;
import dev.ganglion.engine.Rng;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
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
 * scratch buffers and the pool's work-stealing must not mix runs). It may also serve one model from
 * several threads at once under {@link NoGrad}: every output bit for bit as from a twin model alone.
 */
class ConcurrentTrainingTest {
    record Run(String model, int hidden, boolean recurrent) {}

    static final List<Run> RUNS = List.of(new Run("g2gnet", 512, false), new Run("mlp", 384, false),
            new Run("circuitnet", 0, false), new Run("sublstm", 48, true), new Run("elm", 0, true),
            new Run("g2gnet", 256, false));

    static List<Double> losses(Run r) throws Exception {
        TaskData data = Tasks.load(new TaskSpec(r.recurrent() ? "adding" : "function", 0, 256, 64,
                r.recurrent() ? 12 : 0, null, r.recurrent()));
        Map<String, Object> fields = fields(r, data.inputSize(), data.outputSize());
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

    /** The run's model config fields for a task of these sizes. */
    static Map<String, Object> fields(Run r, int inputSize, int outputSize) {
        Map<String, Object> fields = new HashMap<>(Map.of("input_size", inputSize, "output_size", outputSize));
        if (r.hidden() > 0) {
            fields.put("hidden_size", r.hidden());
        }
        return fields;
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

    @Test
    void oneModelEvaluatedFromSeveralThreadsGivesTheOutputsItGivesAlone() throws Exception {
        ModelRegistry models = ModelRegistry.standard();
        for (Run r : RUNS) {
            Map<String, Object> fields = fields(r, 5, 3);
            List<Tensor> inputs = new ArrayList<>();
            Rng rng = new Rng(1);
            for (int i = 0; i < 12; i++) {
                int batch = 1 + 11 * i; // up to 122: every kernel's vector loops and tails
                inputs.add(rng.normal(r.recurrent() ? Shape.of(batch, 6, 5) : Shape.of(batch, 5), 0, 1));
            }
            NeuralModel twin = models.create(models.config(r.model(), fields), 2);
            List<Tensor> alone = new ArrayList<>();
            for (Tensor x : inputs) {
                alone.add(evaluate(twin, x));
            }
            // a model no thread has run yet: whatever it builds on first use is built concurrently
            NeuralModel shared = models.create(models.config(r.model(), fields), 2);
            try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
                List<Future<List<Tensor>>> runs = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    runs.add(pool.submit(() -> {
                        List<Tensor> out = new ArrayList<>();
                        for (Tensor x : inputs) {
                            out.add(evaluate(shared, x));
                        }
                        return out;
                    }));
                }
                for (Future<List<Tensor>> run : runs) {
                    List<Tensor> outs = run.get();
                    for (int i = 0; i < inputs.size(); i++) {
                        assertThat(outs.get(i).toFloatArray()).as(r + " input " + i)
                                .isEqualTo(alone.get(i).toFloatArray());
                    }
                }
            }
        }
    }

    private static Tensor evaluate(NeuralModel model, Tensor x) {
        try (NoGrad scope = NoGrad.enter()) {
            return model.forward(Var.constant(x)).value();
        }
    }
}
