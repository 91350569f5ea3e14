package dev.ganglion.models.recurrent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ganglion.autodiff.GradCheck;
import dev.ganglion.autodiff.Var;
import dev.ganglion.engine.DType;
import dev.ganglion.engine.Rng;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.models.ModelConfig;
import dev.ganglion.models.testing.RecordedBackwardCheck;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Float64 GradCheck of the trace scan and of whole tiny ELMs (routing, branches, silu, learn_tau). */
class ElmGradTest {
    @Test
    void leakyScanPassesGradCheck() {
        Rng r = new Rng(3);
        LeakyScanFunction scan = new LeakyScanFunction(0.8);
        GradCheck.Report rep = GradCheck.check(v -> scan.apply(v[0], v[1]),
                r.uniform(Shape.of(2, 4, 3), -1, 1, DType.F64), r.uniform(Shape.of(2, 3), -1, 1, DType.F64));
        assertThat(rep.passed()).as(rep.toString()).isTrue();
    }

    @Test
    void leakyScanRecordsItsBackward() {
        Rng r = new Rng(4);
        LeakyScanFunction scan = new LeakyScanFunction(0.7);
        Tensor weights = r.uniform(Shape.of(2, 5, 3), -1, 1, DType.F64);
        // tanh makes the output gradient depend on u and s0, so the penalty has a gradient to check
        RecordedBackwardCheck.check("leaky scan", v -> scan.apply(v[0], v[1]).tanh().mul(Var.constant(weights)).sum(),
                r.uniform(Shape.of(2, 5, 3), -1, 1, DType.F64), r.uniform(Shape.of(2, 3), -1, 1, DType.F64));
    }

    @Test
    void routedReluElmPassesGradCheck() {
        ModelConfig c = ModelConfig.of(ElmNeuron.SCHEMA, Map.of("input_size", 3, "output_size", 2, "num_memory", 3,
                "mlp_hidden", 4, "num_branches", 2, "synapses_per_branch", 2, "tau_max", 20.0));
        ElmNeuron elm = new ElmNeuron(c, Tensor.of(new float[] {2, -1, 0, 1}, 4), new Rng(5));
        randomiseSynapses(elm, 6);
        GradCheck.Report rep = ModelGradChecks.check(elm, 2, 4, 7);
        assertThat(rep.passed()).as(rep.toString()).isTrue();
        assertThat(elm.trainableParameters()).doesNotContain(elm.namedParameters().get("memory.tau_logit"));
    }

    @Test
    void siluTwoLayerLearnTauElmPassesGradCheck() {
        ModelConfig c = ModelConfig.of(ElmNeuron.SCHEMA, Map.ofEntries(Map.entry("input_size", 4),
                Map.entry("output_size", 2), Map.entry("num_memory", 3), Map.entry("mlp_hidden", 3),
                Map.entry("mlp_layers", 2), Map.entry("mlp_activation", "silu"), Map.entry("learn_tau", true),
                Map.entry("dt", 0.5), Map.entry("num_branches", 2), Map.entry("synapses_per_branch", 2),
                Map.entry("tau_max", 50.0)));
        ElmNeuron elm = new ElmNeuron(c, null, new Rng(8));
        randomiseSynapses(elm, 9);
        GradCheck.Report rep = ModelGradChecks.check(elm, 2, 3, 10);
        assertThat(rep.passed()).as(rep.toString()).isTrue();
        ModelGradChecks.checkRecorded(elm, 2, 3, 11);
        assertThat(elm.trainableParameters()).contains(elm.namedParameters().get("memory.tau_logit"));
    }

    /** ŵ away from relu's kink at 0 (the init 0.5 everywhere would make every synapse alike). */
    private static void randomiseSynapses(ElmNeuron elm, long seed) {
        Tensor w = elm.namedParameters().get("synapse.weight_raw").value();
        w.copyFrom(new Rng(seed).uniform(w.shape(), 0.2, 1.0));
    }
}
