package dev.ganglion.autodiff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ganglion.engine.DType;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.ops.Elementwise;
import org.junit.jupiter.api.Test;

class GradCheckTest {
    @Test
    void passesACorrectCompositeAndLeavesInputsUntouched() {
        Tensor x = Tensor.of(new float[] {0.3f, -0.8f, 1.2f, 0.1f, -0.4f, 0.9f}, 2, 3);
        Tensor w = Tensor.of(new float[] {0.5f, -0.2f, 0.7f}, 3);
        GradCheck.Report r = GradCheck.check(v -> v[0].mul(v[1]).tanh().sum(true, 1), x, w);
        assertThat(r.passed()).as(r.toString()).isTrue();
        assertThat(r.elementsChecked()).isEqualTo(9);
        assertThat(r.toString()).contains("passed");
        assertThat(x.dtype()).isEqualTo(DType.F32);
        assertThat(x.version()).isZero();
    }

    @Test
    void reportsTheWorstElementOfAWrongGradient() {
        // d/dx of relu is taken at x = 0.5 and x = 2: a wrong rule (gradient 2x instead of 1) fails most at x = 2
        CustomFunction wrong = CustomFunction.of("wrong", (ctx, in) -> {
            ctx.save(in[0]);
            return in[0].copy();
        }, (ctx, g) -> new Tensor[] {dev.ganglion.engine.ops.Elementwise.mul(g, dev.ganglion.engine.ops.Elementwise.scale(ctx.saved(0), 2))});
        GradCheck.Report r = GradCheck.check(v -> wrong.apply(v[0]), Tensor.of(new double[] {0.5, 2}, 2));
        assertThat(r.passed()).isFalse();
        assertThat(r.worstIndex()).containsExactly(1);
        assertThat(Math.abs(r.numeric())).isCloseTo(Math.abs(r.analytic()) / 4, org.assertj.core.api.Assertions.within(1e-6));
    }

    @Test
    void nonFiniteGradientsFailUnlessBothSidesAreTheSameInfinity() {
        // |a − n| / rtol·|n| is ∞/∞ = NaN for an infinite numeric value, and NaN was never the worst
        Tensor zero = Tensor.of(new double[] {0}, 1);
        CustomFunction blowUp = CustomFunction.of("blowUp", (ctx, in) -> Elementwise.scale(Elementwise.scale(in[0], 1e200), 1e200),
                (ctx, g) -> new Tensor[] {Elementwise.scale(g, 0)});   // the true derivative is ∞
        GradCheck.Report zeroForInfinity = GradCheck.check(v -> blowUp.apply(v[0]), zero);
        assertThat(zeroForInfinity.passed()).as(zeroForInfinity.toString()).isFalse();
        assertThat(zeroForInfinity.worstInput()).isZero();
        CustomFunction nanGrad = CustomFunction.of("nanGrad", (ctx, in) -> in[0].copy(),
                (ctx, g) -> new Tensor[] {Elementwise.scale(g, Double.NaN)});
        assertThat(GradCheck.check(v -> nanGrad.apply(v[0]), zero).passed()).isFalse();
        // log at −1 is NaN on both sides: no derivative there to agree with
        assertThat(GradCheck.check(v -> v[0].log(), Tensor.of(new double[] {-1}, 1)).passed()).isFalse();
        // the same infinity on both sides agrees: a backward that scales as the forward does
        CustomFunction blowUpRight = CustomFunction.of("blowUpRight", (ctx, in) -> Elementwise.scale(Elementwise.scale(in[0], 1e200), 1e200),
                (ctx, g) -> new Tensor[] {Elementwise.scale(Elementwise.scale(g, 1e200), 1e200)});
        GradCheck.Report same = GradCheck.check(v -> blowUpRight.apply(v[0]), zero);
        assertThat(same.passed()).as(same.toString()).isTrue();
        assertThat(Double.isInfinite(same.numeric())).isTrue();
    }

    @Test
    void tolerancesAndStepAreConfigurableAndValidated() {
        GradCheck loose = GradCheck.of(v -> v[0].exp().sum()).eps(1e-3).tolerance(1e-2, 1e-2).seed(7);
        assertThat(loose.check(Tensor.ones(3)).passed()).isTrue();
        assertThatThrownBy(() -> GradCheck.of(v -> v[0]).eps(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GradCheck.of(v -> v[0]).tolerance(-1, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void emptyInputsPassTrivially() {
        GradCheck.Report r = GradCheck.check(v -> v[0].sum(), Tensor.zeros(0, 3));
        assertThat(r.passed()).isTrue();
        assertThat(r.elementsChecked()).isZero();
    }
}
