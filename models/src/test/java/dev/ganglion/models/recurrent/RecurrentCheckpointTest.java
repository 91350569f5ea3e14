package dev.ganglion.models.recurrent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ganglion.autodiff.Var;
import dev.ganglion.autodiff.checkpoint.Checkpoint;
import dev.ganglion.engine.Rng;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.io.SafetensorsFile;
import dev.ganglion.engine.io.SafetensorsReader;
import dev.ganglion.models.ModelCheckpoint;
import dev.ganglion.models.ModelConfig;
import dev.ganglion.models.ModelRegistry;
import dev.ganglion.models.NeuralModel;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Save → load from the file alone → same outputs; metadata; integer route; config and input errors. */
class RecurrentCheckpointTest {
    private final ModelRegistry reg = ModelRegistry.standard();

    @TempDir
    Path dir;

    @Test
    void fixSubLstmRoundTrip() throws Exception {
        NeuralModel m = reg.create(reg.config("fix-sublstm", Map.of("input_size", 3, "hidden_size", 4,
                "num_layers", 2, "output_size", 2)), 3);
        NeuralModel back = roundTrip(m, 3);
        assertThat(back).isInstanceOf(SubLstm.class);
        assertThat(back.module().stateDict().keySet()).containsExactly("rnn.weight_ih_l0", "rnn.weight_hh_l0",
                "rnn.bias_ih_l0", "rnn.bias_hh_l0", "rnn.forget_logit_l0", "rnn.weight_ih_l1", "rnn.weight_hh_l1",
                "rnn.bias_ih_l1", "rnn.bias_hh_l1", "rnn.forget_logit_l1", "head.weight", "head.bias");
        Map<String, String> meta = Checkpoint.metadata(dir.resolve("m.safetensors"));
        assertThat(meta).containsEntry("ganglion.model", "fix-sublstm")
                .containsEntry("ganglion.config", "{\"input_size\":3,\"hidden_size\":4,\"num_layers\":2,"
                        + "\"variant\":\"fix-sublstm\",\"output_size\":2}");
    }

    @Test
    void routedElmRoundTripKeepsRouteAsI32AndFrozenTau() throws Exception {
        ModelConfig c = reg.config("elm", Map.of("input_size", 4, "output_size", 3, "num_memory", 5,
                "num_branches", 3, "synapses_per_branch", 2));
        ElmNeuron elm = new ElmNeuron(c, Tensor.of(new float[] {2, 0, -1, 3, 3, 1}, 6), new Rng(4));
        elm.namedParameters().get("synapse.weight_raw").value().copyFrom(new Rng(9).uniform(Shape.of(6), -0.5, 1));
        NeuralModel back = roundTrip(elm, 4);
        try (SafetensorsFile f = SafetensorsReader.open(dir.resolve("m.safetensors"))) {
            assertThat(f.dtype("synapse.route")).isEqualTo("I32");
            assertThat(f.ints("synapse.route")).containsExactly(2, 0, -1, 3, 3, 1);
            assertThat(f.contains("memory.tau_logit")).isTrue();
            assertThat(f.metadata().get("ganglion.config")).isEqualTo("{\"input_size\":4,\"output_size\":3,"
                    + "\"num_memory\":5,\"mlp_hidden\":10,\"mlp_layers\":1,\"mlp_activation\":\"relu\",\"lambda\":5.0,"
                    + "\"tau_syn\":5.0,\"tau_min\":1.0,\"tau_max\":1000.0,\"learn_tau\":false,\"dt\":1.0,"
                    + "\"num_branches\":3,\"synapses_per_branch\":2}");
        }
        assertThat(((ElmNeuron) back).route()).containsExactly(2, 0, -1, 3, 3, 1);
        assertThat(back.module().namedParameters().get("memory.tau_logit").requiresGrad()).isFalse();
    }

    private NeuralModel roundTrip(NeuralModel m, int dIn) throws Exception {
        Path p = dir.resolve("m.safetensors");
        ModelCheckpoint.save(p, m);
        NeuralModel back = ModelCheckpoint.load(p);
        assertThat(back.name()).isEqualTo(m.name());
        assertThat(back.config()).isEqualTo(m.config());
        Tensor x = new Rng(1).uniform(Shape.of(2, 5, dIn), -1, 1);
        assertThat(back.forward(Var.constant(x)).value().contiguous().toFloatArray())
                .containsExactly(m.forward(Var.constant(x)).value().contiguous().toFloatArray());
        return back;
    }

    @Test
    void configErrorsNameTheProblem() {
        assertThatThrownBy(() -> reg.config("sublstm", Map.of("input_size", 3, "hidden", 4, "output_size", 2)))
                .hasMessageContaining("unknown key 'hidden'")
                .hasMessageContaining("valid keys: input_size, hidden_size, num_layers, variant, output_size");
        assertThatThrownBy(() -> reg.create(reg.config("sublstm", Map.of("input_size", 3, "hidden_size", 4,
                "output_size", 2, "variant", "lstm")), 0)).hasMessageContaining("variant 'lstm' contradicts");
        assertThatThrownBy(() -> reg.create(reg.config("lstm", Map.of("input_size", 3, "hidden_size", 0,
                "output_size", 2)), 0)).hasMessageContaining("must be ≥ 1");
        assertThatThrownBy(() -> reg.config("gru", Map.of())).hasMessageContaining("unknown model 'gru'; known models: lstm, sublstm, fix-sublstm, elm");
        ModelConfig elm = reg.config("elm", Map.of("input_size", 4, "output_size", 2, "num_branches", 3));
        assertThatThrownBy(() -> reg.create(elm, 0)).hasMessageContaining("num_branches·synapses_per_branch = 3 ≠ input_size 4");
        assertThatThrownBy(() -> new ElmNeuron(elm, Tensor.of(new float[] {0, 4, 1}, 3), new Rng(0)))
                .hasMessage("elm: synapse.route element 1 of 3 is 4; an entry is an integer in [−1, 4): the input the "
                        + "synapse reads, or −1 for none");
        assertThatThrownBy(() -> new ElmNeuron(elm, Tensor.of(new float[] {0, -1, 1.5f}, 3), new Rng(0)))
                .hasMessageContaining("synapse.route element 2 of 3 is 1.5;");
        assertThatThrownBy(() -> new ElmNeuron(elm, Tensor.of(new float[] {0, 1}, 2), new Rng(0)))
                .hasMessage("elm: synapse.route has shape [2]; num_branches·synapses_per_branch = 3 synapses need [3]");
        // one bad entry of a long route: the message names it, not the route (it had listed every value, 1 MB)
        float[] route = new float[200_000];
        route[123_456] = 9;
        ModelConfig wide = reg.config("elm", Map.of("input_size", 4, "output_size", 1, "num_memory", 2,
                "num_branches", route.length));
        assertThatThrownBy(() -> new ElmNeuron(wide, Tensor.of(route, route.length), new Rng(0)))
                .hasMessageContaining("element 123456 of 200000 is 9;").satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(200));
        assertThatThrownBy(() -> reg.config("elm", Map.of("input_size", 4, "output_size", 2, "mlp_activation", "gelu")))
                .hasMessageContaining("'mlp_activation' = 'gelu' is not one of relu, silu");
    }

    @Test
    void inputAndStateErrorsNameTheShapes() {
        SubLstm net = (SubLstm) reg.create(reg.config("sublstm", Map.of("input_size", 3, "hidden_size", 4,
                "output_size", 2)), 0);
        assertThatThrownBy(() -> net.forward(Var.constant(Tensor.zeros(2, 5, 4))))
                .hasMessageContaining("sublstm: expected x [B, T ≥ 1, 3], got shape [2, 5, 4]");
        // zero steps: the rule said T ≥ 1 only for the ELM
        for (String variant : new String[] {"lstm", "fix-sublstm"}) {
            NeuralModel rnn = reg.create(reg.config(variant, Map.of("input_size", 4, "hidden_size", 3, "output_size", 2)), 0);
            assertThatThrownBy(() -> rnn.forward(Var.constant(Tensor.zeros(2, 0, 4))))
                    .hasMessage(variant + ": expected x [B, T ≥ 1, 4], got shape [2, 0, 4]");
        }
        NeuralModel elm0 = reg.create(reg.config("elm", Map.of("input_size", 4, "output_size", 2, "num_memory", 3)), 0);
        assertThatThrownBy(() -> elm0.forward(Var.constant(Tensor.zeros(2, 0, 4))))
                .hasMessage("elm: expected x [B, T ≥ 1, 4], got shape [2, 0, 4]");
        assertThatThrownBy(() -> net.step(Var.constant(Tensor.zeros(2, 3)), net.initialState(3, dev.ganglion.engine.DType.F32)))
                .hasMessageContaining("state tensors must be [2, 4]");
        ElmNeuron elm = (ElmNeuron) reg.create(reg.config("elm", Map.of("input_size", 4, "output_size", 2,
                "num_memory", 3)), 0);
        assertThatThrownBy(() -> elm.forward(Var.constant(Tensor.zeros(2, 4))))
                .hasMessageContaining("expected x [B, T, d_in], got shape [2, 4]");
        assertThatThrownBy(() -> elm.step(Var.constant(Tensor.zeros(2, 4)), elm.initialState(1, dev.ganglion.engine.DType.F32)))
                .hasMessageContaining("elm: state must be");
        assertThatThrownBy(() -> new SubLstmLayerFunction(Variant.LSTM).applyAll(Var.constant(Tensor.zeros(2, 3, 8)),
                Var.constant(Tensor.zeros(3, 3)), Var.constant(Tensor.zeros(3, 3)), Var.constant(Tensor.zeros(8, 3)),
                Var.constant(Tensor.zeros(8))))
                .hasMessageContaining("SubLstmLayer(lstm): expected gx [T≥1, B, 4·H]");
    }

    @Test
    void loadNeedsEveryStateEntryWithItsShape() throws Exception {
        Path p = dir.resolve("partial.safetensors");
        new dev.ganglion.engine.io.SafetensorsWriter().put("head.weight", Tensor.zeros(2, 4))
                .metadata("ganglion.model", "lstm")
                .metadata("ganglion.config", "{\"input_size\":3,\"hidden_size\":4,\"num_layers\":1,\"variant\":\"lstm\","
                        + "\"output_size\":2}").write(p);
        assertThatThrownBy(() -> ModelCheckpoint.load(p)).hasMessageContaining("partial.safetensors")
                .hasMessageContaining("rnn.weight_ih_l0");
        new dev.ganglion.engine.io.SafetensorsWriter().put("head.weight", Tensor.zeros(2, 4))
                .metadata("ganglion.model", "lstm")
                .metadata("ganglion.config", "{\"input_size\":3,\"hidden_sise\":4,\"output_size\":2}").write(p);
        assertThatThrownBy(() -> ModelCheckpoint.load(p)).hasMessageContaining("unknown key 'hidden_sise'");
    }

    @Test
    void loadErrorsNameTheFileOnceAndNoJavaMethod() throws Exception {
        // the reader's own errors name the file; the loader had prefixed "ModelCheckpoint.load(P): " to them
        String header = "{\"__metadata__\":{\"ganglion.model\":\"lstm\",\"ganglion.config\":\"{}\"},"
                + "\"head.bias\":{\"dtype\":\"Q99\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        byte[] json = header.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Path p = dir.resolve("q99.safetensors");
        java.nio.file.Files.write(p, java.nio.ByteBuffer.allocate(8 + json.length + 8).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .putLong(json.length).put(json).array());
        assertThatThrownBy(() -> ModelCheckpoint.load(p)).hasMessageStartingWith(p + ": unsupported dtype Q99 for tensor 'head.bias'")
                .satisfies(e -> assertThat(e.getMessage().split(java.util.regex.Pattern.quote(p.toString()), -1)).hasSize(2));
        // the model's own problems get the file as their one prefix
        new dev.ganglion.engine.io.SafetensorsWriter().put("head.weight", Tensor.zeros(2, 4))
                .metadata("ganglion.model", "lstm").metadata("ganglion.config", "{\"input_size\":3}").write(p);
        assertThatThrownBy(() -> ModelCheckpoint.load(p)).hasMessageStartingWith(p + ": lstm config: ")
                .hasMessageNotContaining("ModelCheckpoint");
        new dev.ganglion.engine.io.SafetensorsWriter().put("w", Tensor.zeros(2)).write(p);
        assertThatThrownBy(() -> ModelCheckpoint.load(p)).hasMessage(p + ": metadata lacks ganglion.model; not a model checkpoint");
    }

    @Test
    void loadRejectsAFileWithoutModelMetadata() throws Exception {
        Path p = dir.resolve("plain.safetensors");
        new dev.ganglion.engine.io.SafetensorsWriter().put("w", Tensor.zeros(2)).write(p);
        assertThatThrownBy(() -> ModelCheckpoint.load(p)).hasMessageContaining("metadata lacks ganglion.model");
    }
}
