package dev.ganglion.models.training;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ganglion.autodiff.Var;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.models.ModelRegistry;
import dev.ganglion.models.NeuralModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's embedding example, kept compiling and running (smaller sizes). */
class EmbeddingExampleTest {
    @Test
    void theReadmeExampleRuns(@TempDir Path dir) throws IOException {
        // --- README: begin (sizes reduced for the test)
        TaskData data = Tasks.load(new TaskSpec("adding", 0, 200, 50, 10, null, true));   // task, seed, train, test, T
        ModelRegistry models = ModelRegistry.standard();
        NeuralModel model = models.create(models.config("sublstm", Map.of("input_size", data.inputSize(),
                "hidden_size", 16, "output_size", data.outputSize())), 0);
        TrainOptions options = TrainOptions.defaults().withEpochs(2).withBatch(32).withLr(1e-2)
                .withCheckpoint(dir.resolve("sublstm.safetensors"));
        Trainer trainer = new Trainer(model, data, options).listener(new TrainListener() {
            @Override
            public void onEpoch(EpochResult r) {
                System.out.printf("epoch %d  loss %.4f  %s %.4f%n", r.epoch(), r.loss(), r.metricName(), r.metric());
            }
        });
        List<EpochResult> history = trainer.fit();
        Tensor y = model.forward(Var.constant(data.test().x())).value();   // [B, T, 1]: the readout at every step
        // --- README: end
        assertThat(y.shape()).isEqualTo(Shape.of(50, 10, 1));
        assertThat(history).hasSize(2);
        assertThat(dir.resolve("sublstm.safetensors")).exists();
    }
}
