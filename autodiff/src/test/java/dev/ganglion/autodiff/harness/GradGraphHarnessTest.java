package dev.ganglion.autodiff.harness;

import static dev.ganglion.autodiff.harness.OpHarnessTest.assertClose;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.ganglion.autodiff.Autodiff;
import dev.ganglion.autodiff.GradCheck;
import dev.ganglion.autodiff.NoGrad;
import dev.ganglion.autodiff.Op;
import dev.ganglion.autodiff.Var;
import dev.ganglion.engine.Tensor;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every harness sample through {@link Autodiff#gradGraph}: the recorded gradients equal the tensor
 * walk's, and differentiating them again matches central differences of the first derivative (the
 * second-order check PyTorch calls {@code gradgradcheck}), so every rule of the table is checked as
 * a function of its inputs, its saved outputs and its incoming gradient. The ops whose backward is
 * written on tensors must say so.
 */
class GradGraphHarnessTest {
    static Stream<Sample> recordable() {
        return OpRegistry.samples().stream().filter(s -> !refused(s));
    }

    static Stream<Sample> notRecordable() {
        return OpRegistry.samples().stream().filter(GradGraphHarnessTest::refused);
    }

    /** The custom function without a {@code backwardGraph}: the cube. */
    private static boolean refused(Sample s) {
        return s.op() == Op.CUSTOM && s.name().equals("cube");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("recordable")
    void recordedGradientsEqualTheTensorWalks(Sample s) {
        Tensor[] expected = OpHarnessTest.gradients(s, s.inputs());
        Var[] vars = OpHarnessTest.vars(s.inputs());
        Var out = s.function().apply(vars);
        Var[] actual = Autodiff.gradGraphSeeded(out, Var.constant(OpHarnessTest.projection(out, 5)), vars);
        for (int i = 0; i < expected.length; i++) {
            assertClose(actual[i].value(), expected[i], 1e-12, s + " recorded gradient " + i);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("recordable")
    void secondDerivativesMatchCentralDifferences(Sample s) {
        GradCheck.check(v -> projectedGradient(s, v), s.inputs()).assertPassed();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("notRecordable")
    void opsWithoutARecordedBackwardSaySo(Sample s) {
        Throwable t = catchThrowable(() -> projectedGradient(s, OpHarnessTest.vars(s.inputs())));
        assertThat(t).as(s.toString()).isInstanceOf(UnsupportedOperationException.class);
        assertThat(t.getMessage()).as(s.toString()).contains("gradGraph", "Autodiff.grad");
    }

    /**
     * {@code Σₖ ⟨sₖ, ∂⟨r, f(v)⟩/∂vₖ⟩} for fixed random r and sₖ: a scalar whose gradient is the
     * second derivative of f contracted with r and s. Recorded even under GradCheck's NoGrad.
     */
    private static Var projectedGradient(Sample s, Var[] v) {
        try (var on = NoGrad.suspend()) {
            Var out = s.function().apply(v);
            Var[] g = Autodiff.gradGraphSeeded(out, Var.constant(OpHarnessTest.projection(out, 5)), v);
            Var total = null;
            for (int k = 0; k < g.length; k++) {
                Var term = g[k].mul(Var.constant(OpHarnessTest.projection(g[k], 11 + k))).sum();
                total = total == null ? term : total.add(term);
            }
            return total;
        }
    }
}
