package dev.ganglion.autodiff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ganglion.engine.DType;
import dev.ganglion.engine.Tensor;
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
