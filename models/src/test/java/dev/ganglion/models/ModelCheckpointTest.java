package dev.ganglion.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ganglion.autodiff.NoGrad;
import dev.ganglion.autodiff.Var;
import dev.ganglion.autodiff.checkpoint.Checkpoint;
import dev.ganglion.engine.Tensor;
import dev.ganglion.models.testing.SmallModels;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The recorded config of every model: what Ganglion writes, and what a checkpoint may leave out. */
class ModelCheckpointTest {
    private final ModelRegistry reg = ModelRegistry.standard();

    @TempDir
    Path dir;

    private NeuralModel small(String model) {
        return SmallModels.create(reg, model);
    }

    @Test
    void ganglionRecordsEveryFieldOfTheSchema() throws Exception {
        // what makes a resumed or evaluated checkpoint independent of the defaults: nothing is left out
        assertThat(SmallModels.CONFIGS.keySet()).containsExactlyInAnyOrderElementsOf(reg.names());
        for (String model : reg.names()) {
            Path p = dir.resolve(model + ".safetensors");
            ModelCheckpoint.save(p, small(model));
            Map<String, Object> recorded = ConfigJson.parseObject(Checkpoint.metadata(p).get(ModelCheckpoint.CONFIG_KEY));
            assertThat(recorded.keySet()).as(model).containsExactlyElementsOf(reg.factory(model).schema().names());
            assertThat(recorded.values()).as(model).doesNotContainNull();
        }
    }

    @Test
    void aRecordedConfigWithoutItsDefaultedFieldsTakesTheDefaults() throws Exception {
        // a PyTorch writer may hold only models.md's fields (no g2gnet DST settings, no circuitnet
        // ablation switches) and leave out any field at its default; these were refused as lacking fields
        for (String model : reg.names()) {
            NeuralModel m = small(model);
            Map<String, Object> trimmed = new LinkedHashMap<>(m.config().values());
            for (ConfigSchema.Field f : m.config().schema().fields()) {
                boolean atDefault = f.defaultValue() != null && f.defaultValue().equals(trimmed.get(f.name()));
                boolean derived = f.defaultValue() == null && !f.required();
                if (atDefault || derived) {
                    trimmed.remove(f.name());
                }
            }
            Path p = dir.resolve(model + ".safetensors");
            Checkpoint.save(p, m.module(), Map.of(ModelCheckpoint.MODEL_KEY, model,
                    ModelCheckpoint.CONFIG_KEY, ConfigJson.write(trimmed)), null);
            NeuralModel back = ModelCheckpoint.load(p);
            assertThat(back.config()).as(model).isEqualTo(m.config());
            Tensor x = SmallModels.input(m, 1);
            try (NoGrad ignored = NoGrad.enter()) {
                assertThat(back.forward(Var.constant(x)).value().toFloatArray()).as(model)
                        .containsExactly(m.forward(Var.constant(x)).value().toFloatArray());
            }
        }
    }

    @Test
    void anMlpConfigFarLargerThanItsTensorsIsRefusedByTheShapeCheck() throws Exception {
        // the mlp was built from the config first: hidden_size 30000 with 3 layers against a 1.6 KB file
        // ran out of memory after 20 s; 2^20 is past the largest tensor, and fails at once either way
        NeuralModel m = small("mlp");
        Path p = dir.resolve("huge.safetensors");
        Checkpoint.save(p, m.module(), Map.of(ModelCheckpoint.MODEL_KEY, "mlp", ModelCheckpoint.CONFIG_KEY,
                m.config().toJson().replace("\"hidden_size\":5", "\"hidden_size\":1048576")), null);
        assertThatThrownBy(() -> ModelCheckpoint.load(p))
                .hasMessage(p + ": checkpoint state: 'layers.0.weight' has shape [5, 4], expected [1048576, 4]");
    }

    @Test
    void aConfigFarLargerThanItsTensorsStopsAtTheFirstTensorPastTheFile() throws Exception {
        // these models are built from the config before the shape check: fix-sublstm at hidden 20,000
        // against a small file ran ~14 s into an out-of-memory error. Each size here builds in under
        // 100 MB, so without the cap the load would reach the shape check instead, another message.
        Map<String, String[]> bigger = Map.of(   // model: pairs of a field as written and a larger value
                "lstm", new String[] {"\"hidden_size\":4", "\"hidden_size\":1100"},
                "sublstm", new String[] {"\"hidden_size\":4", "\"hidden_size\":1100"},
                "fix-sublstm", new String[] {"\"hidden_size\":4", "\"hidden_size\":1300"},
                "elm", new String[] {"\"num_memory\":3", "\"num_memory\":2100", "\"mlp_hidden\":6", "\"mlp_hidden\":2100"},
                "circuitnet", new String[] {"\"neurons\":4", "\"neurons\":1500"});
        for (var e : bigger.entrySet()) {
            String model = e.getKey();
            NeuralModel m = small(model);
            String json = m.config().toJson();
            for (int i = 0; i < e.getValue().length; i += 2) {
                assertThat(json).as(model).contains(e.getValue()[i]);
                json = json.replace(e.getValue()[i], e.getValue()[i + 1]);
            }
            Path p = dir.resolve(model + "-huge.safetensors");
            Checkpoint.save(p, m.module(), Map.of(ModelCheckpoint.MODEL_KEY, model, ModelCheckpoint.CONFIG_KEY, json), null);
            long elements = m.module().stateDict().values().stream().mapToLong(t -> t.shape().size()).sum();
            int tensors = m.module().stateDict().size();
            assertThatThrownBy(() -> ModelCheckpoint.load(p)).as(model)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith(p + ": the model described needs more than " + (elements + (1 << 22))
                            + " elements of state (the file's " + tensors + " model tensors hold " + elements
                            + ", and the state check takes over within 4194304 more): ")
                    // a registration names the entry; CircuitNet reserves its unit tensors before making them
                    .hasMessageMatching(model.equals("circuitnet")
                            ? "(?s).*CircuitNet's cmu.linear and cmu.product \\[[0-9, ]+\\] \\([0-9]+ elements\\) brings it past that, after [0-9]+ elements"
                            : "(?s).*'[a-z_0-9]+' \\[[0-9, ]+\\] brings it past that, after [0-9]+ elements");
        }
    }

    @Test
    void float64ValuesLoadIntoAFloat32Model() throws Exception {
        // the g2gnet and mlp factories build from the stored tensors: the loader hands them float32
        for (String model : new String[] {"mlp", "g2gnet", "elm"}) {
            NeuralModel m = small(model);
            Path p = dir.resolve(model + "64.safetensors");
            dev.ganglion.engine.io.SafetensorsWriter w = new dev.ganglion.engine.io.SafetensorsWriter()
                    .metadata(ModelCheckpoint.MODEL_KEY, model).metadata(ModelCheckpoint.CONFIG_KEY, m.config().toJson());
            Map<String, dev.ganglion.engine.io.IntType> ints = m.module().stateIntTypes();
            m.module().stateDict().forEach((k, t) -> {
                if (ints.containsKey(k)) {
                    double[] d = t.toDoubleArray();
                    w.putInts(k, java.util.Arrays.stream(d).mapToInt(v -> (int) v).toArray(), t.shape(), ints.get(k));
                } else {
                    w.put(k, t.to(dev.ganglion.engine.DType.F64));
                }
            });
            w.write(p);
            NeuralModel back = ModelCheckpoint.load(p);
            assertThat(back.module().parameters()).as(model)
                    .allSatisfy(v -> assertThat(v.dtype()).isEqualTo(dev.ganglion.engine.DType.F32));
            Tensor x = SmallModels.input(m, 1);
            assertThat(back.forward(Var.constant(x)).value().toFloatArray()).as(model)
                    .containsExactly(m.forward(Var.constant(x)).value().toFloatArray());
        }
    }

    @Test
    void aRecordedConfigWithoutARequiredFieldIsRefused() throws Exception {
        NeuralModel m = small("g2gnet");
        Map<String, Object> cfg = new LinkedHashMap<>(m.config().values());
        cfg.remove("output_size");
        Path p = dir.resolve("g.safetensors");
        Checkpoint.save(p, m.module(), Map.of(ModelCheckpoint.MODEL_KEY, "g2gnet",
                ModelCheckpoint.CONFIG_KEY, ConfigJson.write(cfg)), null);
        assertThatThrownBy(() -> ModelCheckpoint.load(p)).hasMessage(p + ": g2gnet config: required key(s) missing: output_size");
    }
}
