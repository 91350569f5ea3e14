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

/**
 * The README's embedding example, run as written there but for the checkpoint's folder (a temporary
 * one) and the listener that prints each epoch: it must learn the adding task, as the README says.
 */
class EmbeddingExampleTest {
    @Test
    void theReadmeExampleLearnsTheAddingTask(@TempDir Path dir) throws IOException {
        // --- README: begin (the checkpoint in a temporary folder, and a listener)
        TaskData data = Tasks.load(new TaskSpec("adding", 0, 4000, 1000, 20, null, true));   // task, seed, train, test, T
        ModelRegistry models = ModelRegistry.standard();
        NeuralModel model = models.create(models.config("sublstm", Map.of("input_size", data.inputSize(),
                "hidden_size", 32, "output_size", data.outputSize())), 0);
        TrainOptions options = TrainOptions.defaults().withEpochs(20).withBatch(32).withLr(1e-2)
                .withCheckpoint(dir.resolve("sublstm.safetensors"));
        Trainer trainer = new Trainer(model, data, options).listener(new TrainListener() {
            @Override
            public void onEpoch(EpochResult r) {
                System.out.printf("epoch %d  loss %.4f  %s %.4f%n", r.epoch(), r.loss(), r.metricName(), r.metric());
            }
        });
        List<EpochResult> history = trainer.fit();   // test MSE from ~0.17 (always answering 1) to under 0.01
        Tensor y = model.forward(Var.constant(data.test().x())).value();   // [B, T, 1]: the readout at every step
        // --- README: end
        assertThat(y.shape()).isEqualTo(Shape.of(1000, 20, 1));
        assertThat(history).hasSize(20);
        assertThat(history.get(0).metricName()).isEqualTo("mse");
        assertThat(history.get(19).metric()).as("test MSE after 20 epochs").isLessThan(0.01);
        assertThat(dir.resolve("sublstm.safetensors")).exists();
    }
}
