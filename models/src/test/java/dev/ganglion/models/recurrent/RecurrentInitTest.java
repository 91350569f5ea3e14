package dev.ganglion.models.recurrent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ganglion.engine.Tensor;
import dev.ganglion.models.ModelRegistry;
import dev.ganglion.models.NeuralModel;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The initialisations of models.md: bounds, constants, and θ against the PyTorch reference's values. */
class RecurrentInitTest {
    private final ModelRegistry reg = ModelRegistry.standard();

    @Test
    void subLstmWeightsWithinOneOverSqrtHAndForgetLogitsInOneToThree() {
        NeuralModel m = reg.create(reg.config("fix-sublstm", Map.of("input_size", 7, "hidden_size", 16,
                "num_layers", 2, "output_size", 3)), 42);
        Map<String, Tensor> s = m.module().stateDict();
        for (String n : s.keySet()) {
            float[] v = s.get(n).toFloatArray();
            boolean phi = n.startsWith("rnn.forget_logit");
            for (float x : v) {
                if (phi) {
                    assertThat(x).as(n).isBetween(1f, 3f);
                } else {
                    assertThat(Math.abs(x)).as(n).isLessThanOrEqualTo(0.25f); // 1/√16; the head's fan-in is 16 too
                }
            }
        }
        assertThat(s.get("rnn.weight_ih_l0").shape().dims()).containsExactly(48, 7);
        assertThat(s.get("rnn.weight_ih_l1").shape().dims()).containsExactly(48, 16);
        assertThat(m.trainableParameters()).hasSize(12);
    }

    @Test
    void elmSynapsesStartAtHalfAndTauLogitsMatchTheReference() {
        ElmNeuron elm = (ElmNeuron) reg.create(reg.config("elm", Map.of("input_size", 3, "output_size", 2,
                "num_memory", 5)), 1);
        Map<String, Tensor> s = elm.stateDict();
        assertThat(s.get("synapse.weight_raw").toFloatArray()).containsOnly(0.5f);
        // ganglion_ref.elm.tau_logit_init(5, 1.0, 1000.0), printed by PyTorch 1.13
        assertThat(s.get("memory.tau_logit").toFloatArray()).containsExactly(-20.722265f, -5.3709817f, -3.4538772f,
                -1.5367723f, 20.722265f);
        assertThat(ElmNeuron.tauLogitInit(1, 1.0, 1000.0).toFloatArray()).containsExactly(-20.722265f);
        assertThat(s.get("mlp.0.weight").shape().dims()).containsExactly(10, 8);
        assertThat(s.get("mlp.1.weight").shape().dims()).containsExactly(5, 10);
        assertThat(elm.config().getInt("mlp_hidden")).isEqualTo(10);
        assertThat(elm.config().getInt("num_branches")).isEqualTo(3);
    }
}
