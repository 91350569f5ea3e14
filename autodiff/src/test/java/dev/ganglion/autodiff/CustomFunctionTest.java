package dev.ganglion.autodiff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ganglion.engine.DType;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.ops.Elementwise;
import org.junit.jupiter.api.Test;

/**
 * How a user defines a differentiable op: forward and backward on tensors, applied to {@link Var}s,
 * checked with {@link GradCheck}.
 */
class CustomFunctionTest {
    /** {@code y = softplus(x) = log(1 + eˣ)}, {@code dy/dx = σ(x)}: the user's op and its derivative. */
    static final CustomFunction SOFTPLUS = CustomFunction.of("softplus",
            (ctx, in) -> {
                ctx.save(in[0]);
                return Elementwise.log(Elementwise.addScalar(Elementwise.exp(in[0]), 1));
            },
            (ctx, g) -> new Tensor[] {Elementwise.mul(g, Elementwise.sigmoid(ctx.saved(0)))});

    @Test
    void aUserDefinedOpPassesGradCheck() {
        Tensor x = Tensor.of(new float[] {-2, -0.5f, 0.3f, 1.7f, 3}, 5);
        GradCheck.Report report = GradCheck.check(v -> SOFTPLUS.apply(v[0]).square(), x).assertPassed();
        assertThat(report.elementsChecked()).isEqualTo(5);
        Var y = SOFTPLUS.apply(Var.parameter(x));
        assertThat(y.op()).isEqualTo(Op.CUSTOM);
    }

    @Test
    void aWrongBackwardIsCaughtByGradCheck() {
        CustomFunction wrong = CustomFunction.of("wrong softplus",
                (ctx, in) -> Elementwise.log(Elementwise.addScalar(Elementwise.exp(in[0]), 1)),
                (ctx, g) -> new Tensor[] {g});
        GradCheck.Report report = GradCheck.check(v -> wrong.apply(v[0]), Tensor.of(new float[] {-2, 0, 2}, 3));
        assertThat(report.passed()).isFalse();
        assertThat(report.worstInput()).isZero();
        assertThat(report.worstIndex()).containsExactly(0); // σ(−2) ≈ 0.12 is furthest from 1
        assertThatThrownBy(report::assertPassed).isInstanceOf(AssertionError.class)
                .hasMessageContaining("FAILED").hasMessageContaining("input 0[0]");
    }

    @Test
    void stateAndInputRequirementsReachTheBackward() {
        CustomFunction scaled = CustomFunction.of("scaled", (ctx, in) -> {
            ctx.setState(2.5);
            return Elementwise.mul(in[0], in[1]);
        }, (ctx, g) -> {
            double s = (Double) ctx.state();
            assertThat(ctx.needsInputGrad(0)).isTrue();
            assertThat(ctx.needsInputGrad(1)).isFalse();
            return new Tensor[] {Elementwise.scale(g, s), null};
        });
        Var x = Var.parameter(Tensor.ones(2));
        scaled.apply(x, Var.constant(Tensor.ones(2))).sum().backward();
        assertThat(x.grad().toFloatArray()).containsExactly(2.5f, 2.5f);
    }

    @Test
    void savedTensorsOfCustomOpsAreVersionChecked() {
        CustomFunction keep = CustomFunction.of("keeper", (ctx, in) -> {
            ctx.save(in[0]);
            return in[0].copy();
        }, (ctx, g) -> new Tensor[] {Elementwise.mul(g, ctx.saved(0))});
        Var x = Var.parameter(Tensor.ones(2));
        Var y = keep.apply(x).sum();
        x.value().fill(3);
        assertThatThrownBy(y::backward).isInstanceOf(IllegalStateException.class).hasMessageContaining("CUSTOM");
    }

    @Test
    void aBackwardReturningAnotherDtypeIsNamed() {
        CustomFunction widening = CustomFunction.of("widening", (ctx, in) -> in[0].copy(),
                (ctx, g) -> new Tensor[] {g.to(DType.F64)});
        Var x = Var.parameter(Tensor.ones(2));
        Var y = widening.apply(x).exp().sum();
        assertThatThrownBy(y::backward).isInstanceOf(IllegalStateException.class)
                .hasMessage("autodiff: the custom function widening's backward produced a F64 gradient for input 0, a F32 [2]");
    }

    @Test
    void misuseIsReported() {
        CustomFunction none = CustomFunction.of("none", (ctx, in) -> null, (ctx, g) -> new Tensor[] {g});
        assertThatThrownBy(() -> none.apply(Var.parameter(Tensor.ones(1)))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("none");
        CustomFunction two = new CustomFunction() {
            @Override
            public Tensor[] forward(CustomContext ctx, Tensor... in) {
                return new Tensor[] {in[0], in[0]};
            }

            @Override
            public Tensor[] backward(CustomContext ctx, Tensor... g) {
                return new Tensor[] {g[0]};
            }
        };
        assertThatThrownBy(() -> two.apply(Var.parameter(Tensor.ones(1)))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("applyAll")
                .hasMessageStartingWith(CustomFunctionTest.class.getName() + "$"); // an anonymous class is named
    }

    @Test
    @SuppressWarnings("try") // the scope variable is unused by design
    void untrackedApplicationsRecordNothing() {
        Var y = SOFTPLUS.apply(Var.constant(Tensor.ones(2)));
        assertThat(y.requiresGrad()).isFalse();
        try (var g = NoGrad.enter()) {
            assertThat(SOFTPLUS.apply(Var.parameter(Tensor.ones(2))).op()).isNull();
        }
    }
}
