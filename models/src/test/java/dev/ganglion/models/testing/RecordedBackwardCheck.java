package dev.ganglion.models.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.ganglion.autodiff.Autodiff;
import dev.ganglion.autodiff.GradCheck;
import dev.ganglion.autodiff.NoGrad;
import dev.ganglion.autodiff.Var;
import dev.ganglion.engine.DType;
import dev.ganglion.engine.Tensor;
import dev.ganglion.models.NeuralModel;

/**
 * Checks a custom function's recorded backward ({@code CustomFunction.backwardGraph}) in float64
 * through a scalar loss {@code L(inputs)}: the first derivatives {@link Autodiff#gradGraph} records
 * equal the fused backward's ({@link Autodiff#grad}) to 1e-12; so do those of the gradient
 * penalty {@code P = Σ_i ‖∂L/∂input_i‖²} (the recorded backwards of the ops recorded for ∂L, such as a
 * function's own recorded backward, against their fused ones); and P passes {@link GradCheck}, so
 * the recorded ops are differentiated correctly once more.
 */
public final class RecordedBackwardCheck {
    private RecordedBackwardCheck() {}

    /** Asserts all three, naming {@code what} in a failure; the inputs are taken in float64. */
    public static void check(String what, GradCheck.VarFunction loss, Tensor... inputs) {
        Var[] p = new Var[inputs.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = Var.parameter(inputs[i].to(DType.F64));
        }
        assertRecordedEqualsFused(what + ": ∂L", loss, p);
        // one order up: the backwards of the ops recorded above, recorded again and fused
        assertRecordedEqualsFused(what + ": ∂(penalty)", v -> penalty(loss, v), p);
        GradCheck.Report report = GradCheck.check(v -> {
            try (var on = NoGrad.suspend()) {
                return penalty(loss, v);
            }
        }, inputs);
        assertThat(report.passed()).as(what + ": GradCheck of the gradient penalty\n" + report).isTrue();
    }

    /**
     * {@link #check} of a whole model at x ({@link ModelAsFunction}: x and every trainable parameter
     * in float64) for the loss {@code Σ tanh(output)}.
     */
    public static void checkModel(String what, NeuralModel model, Tensor x) {
        ModelAsFunction f = ModelAsFunction.of(model, x);
        check(what, v -> f.function().apply(v).tanh().sum(), f.inputs());
    }

    private static void assertRecordedEqualsFused(String what, GradCheck.VarFunction f, Var[] p) {
        Var[] recorded = Autodiff.gradGraph(f.apply(p), p);
        Tensor[] fused = Autodiff.grad(f.apply(p), p);
        for (int i = 0; i < p.length; i++) {
            assertThat(recorded[i].value().toDoubleArray()).as(what + "/∂input " + i + ", recorded")
                    .containsExactly(fused[i].toDoubleArray(), within(1e-12));
        }
    }

    /** {@code Σ_i ‖∂L/∂v_i‖²}, the gradients recorded. */
    private static Var penalty(GradCheck.VarFunction loss, Var[] v) {
        Var[] g = Autodiff.gradGraph(loss.apply(v), v);
        Var penalty = g[0].square().sum();
        for (int i = 1; i < g.length; i++) {
            penalty = penalty.add(g[i].square().sum());
        }
        return penalty;
    }
}
