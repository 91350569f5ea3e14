package dev.ganglion.autodiff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.ganglion.engine.Tensor;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class FunctionalGradTest {
    @Test
    void returnsGradientsWithoutTouchingGrad() {
        Var x = Var.parameter(Tensor.of(new double[] {1, 2}, 2));
        Var w = Var.parameter(Tensor.of(new double[] {3, 4}, 2));
        Tensor[] g = Autodiff.grad(x.mul(w).sum(), x, w);
        assertThat(g[0].toDoubleArray()).containsExactly(3, 4);
        assertThat(g[1].toDoubleArray()).containsExactly(1, 2);
        assertThat(x.grad()).isNull();
        assertThat(w.grad()).isNull();
    }

    @Test
    void anInputGivenTwiceGetsItsGradientTwiceAndAConstantIsRefused() {
        Var x = Var.parameter(Tensor.of(new double[] {1, 2, 3}, 3));
        Tensor[] g = Autodiff.grad(x.square().sum(), x, x);
        assertThat(g[0].toDoubleArray()).containsExactly(2, 4, 6);
        assertThat(g[1].toDoubleArray()).containsExactly(2, 4, 6);
        assertThat(g[1]).isNotSameAs(g[0]);
        Var c = Var.constant(Tensor.of(new double[] {5, 6, 7}, 3));
        assertThatThrownBy(() -> Autodiff.grad(x.mul(c).sum(), x, c)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("grad: input 1 of shape [3] does not require grad (a constant, or computed under NoGrad): "
                        + "no gradient flows to it");
    }

    @Test
    void powIsFlatInItsBaseWhereTheExponentIsZero() {
        // y = aᵇ: ∂y/∂a = b·aᵇ⁻¹ is 0·0⁻¹ at a = b = 0, where y = 1 for every a; PyTorch gives 0 there
        Var a = Var.parameter(Tensor.of(new double[] {0, 2, 0}, 3));
        Var b = Var.parameter(Tensor.of(new double[] {0, 0, 2}, 3));
        Tensor[] g = Autodiff.grad(PointwiseOps.pow(a, b).sum(), a, b);
        assertThat(g[0].toDoubleArray()).containsExactly(0, 0, 0);
        assertThat(g[1].toDoubleArray()).containsExactly(0, Math.log(2), 0);
    }

    @Test
    void powsExponentGradientAtAZeroBaseIsZeroForExponentsAtLeastZeroAndMinusInfinityBelow() {
        // ∂(aᵇ)/∂b = aᵇ·ln a: at a = 0 that is 0·(−∞) for b > 0 (y stays 0: 0, as PyTorch) and
        // ∞·(−∞) = −∞ for b < 0 (PyTorch's value too, so a sum over such entries is not finite)
        // and NaN for a NaN exponent, whose b ≥ 0 is false (PyTorch's mask)
        Var a = Var.parameter(Tensor.of(new double[] {0, 0, 0, 0.5, 0}, 5));
        Var b = Var.parameter(Tensor.of(new double[] {0, 2, -1, -1, Double.NaN}, 5));
        Tensor[] g = Autodiff.grad(PointwiseOps.pow(a, b).sum(), a, b);
        assertThat(g[1].toDoubleArray()).containsExactly(0, 0, Double.NEGATIVE_INFINITY, 2 * Math.log(0.5), Double.NaN);
    }

    @Test
    void intermediateResultsCanBeDifferentiatedAgainst() {
        Var x = Var.parameter(Tensor.of(new double[] {0.5}, 1));
        Var h = x.exp();
        Var y = h.square().add(h).sum(); // dy/dh = 2h + 1
        Tensor[] g = Autodiff.grad(y, h, x);
        double e = Math.exp(0.5);
        assertThat(g[0].get(0)).isCloseTo(2 * e + 1, within(1e-12));
        assertThat(g[1].get(0)).isCloseTo((2 * e + 1) * e, within(1e-12));
    }

    @Test
    void onlyThePartOfTheGraphBehindTheInputsIsWalked() {
        AtomicInteger calls = new AtomicInteger();
        CustomFunction counted = CustomFunction.of("counted", (ctx, in) -> in[0].copy(), (ctx, g) -> {
            calls.incrementAndGet();
            return new Tensor[] {g};
        });
        Var x = Var.parameter(Tensor.ones(2));
        Var h = counted.apply(x);
        Var y = h.mul(h).sum();
        Tensor[] g = Autodiff.grad(y, h);
        assertThat(g[0].toFloatArray()).containsExactly(2, 2);
        assertThat(calls).hasValue(0);
    }

    @Test
    void aSpentPartOfTheGraphIsPassedWhenNothingAskedForLiesBehindIt() {
        // backward released EXP's node; a later functional walk asking only for z (or for a result
        // above EXP) had refused it, as PyTorch does not
        Var x = Var.parameter(Tensor.of(new double[] {1, 2, 3}, 3));
        Var z = Var.parameter(Tensor.of(new double[] {1, 2, 3}, 3));
        Var h = x.exp();
        h.sum().backward();
        Tensor[] g = Autodiff.grad(h.mul(z).sum(), z);
        assertThat(g[0].toDoubleArray()).containsExactly(Math.exp(1), Math.exp(2), Math.exp(3));
        Var k = h.scale(2);
        assertThat(Autodiff.grad(k.square().sum(), k)[0].toDoubleArray())
                .containsExactly(4 * Math.exp(1), 4 * Math.exp(2), 4 * Math.exp(3));
        // asking for x needs the spent node: refused, naming it
        assertThatThrownBy(() -> Autodiff.grad(h.mul(z).sum(), x)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("EXP a second time");
        // …behind another spent node too (the edges survive the release)
        Var deep = x.scale(3).tanh();
        deep.sum().backward();
        assertThatThrownBy(() -> Autodiff.grad(deep.mul(z).sum(), x)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("a second time");
        assertThat(Autodiff.grad(deep.mul(z).sum(), z)[0].toDoubleArray()).hasSize(3);
    }

    @Test
    void aLeafThatStartsRequiringGradAfterTheForwardGetsNoGradientFromIt() {
        // y recorded no node for exp(x) (x was a constant then), so a gradient now would be only
        // the mul's part of dy/dx; PyTorch gives none either
        Var x = Var.constant(Tensor.of(new double[] {1}, 1));
        Var w = Var.parameter(Tensor.of(new double[] {2}, 1));
        Var y = x.mul(w).add(x.exp().mul(w)).sum();
        x.setRequiresGrad(true);
        y.backward();
        assertThat(x.grad()).isNull();
        assertThat(w.grad().toDoubleArray()).containsExactly(1 + Math.exp(1));
        // a forward after the change records it: the whole derivative
        Var y2 = x.mul(w).add(x.exp().mul(w)).sum();
        assertThat(Autodiff.grad(y2, x)[0].get(0)).isCloseTo(2 + 2 * Math.exp(1), within(1e-12));
    }

    @Test
    void inputsTheOutputDoesNotDependOnGetZeros() {
        Var x = Var.parameter(Tensor.ones(2));
        Var unrelated = Var.parameter(Tensor.ones(3));
        Tensor[] g = Autodiff.grad(x.sum(), unrelated, x);
        assertThat(g[0].toFloatArray()).containsExactly(0, 0, 0);
        assertThat(g[1].toFloatArray()).containsExactly(1, 1);
        Tensor[] none = Autodiff.grad(Var.constant(Tensor.scalar(2f)), unrelated);
        assertThat(none[0].toFloatArray()).containsExactly(0, 0, 0);
    }

    @Test
    void theOutputItselfAndLeafOutputsAreAllowed() {
        Var x = Var.parameter(Tensor.ones(1));
        assertThat(Autodiff.grad(x, x)[0].toFloatArray()).containsExactly(1);
        Var y = x.exp();
        assertThat(Autodiff.grad(y, y)[0].toFloatArray()).containsExactly(1);
    }

    @Test
    void nonScalarOutputsNeedASeed() {
        Var x = Var.parameter(Tensor.ones(2));
        assertThatThrownBy(() -> Autodiff.grad(x.exp(), x)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("seed");
        Tensor[] g = Autodiff.grad(x.scale(3), Tensor.of(new float[] {1, 2}, 2), false, x);
        assertThat(g[0].toFloatArray()).containsExactly(3, 6);
    }
}
