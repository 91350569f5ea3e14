package dev.ganglion.autodiff.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.ganglion.autodiff.GradCheck;
import dev.ganglion.autodiff.Var;
import dev.ganglion.engine.DType;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import org.junit.jupiter.api.Test;

/** Losses: values, reductions, stability, gradients, errors. */
class LossesTest {
    static Var v(double... x) {
        return Var.parameter(Tensor.of(x, x.length));
    }

    @Test
    void mseWithEachReduction() {
        Var p = v(1, 2, 4);
        Var t = Var.constant(Tensor.of(new double[] {0, 2, 1}, 3));
        assertThat(Losses.mse(p, t).item()).isCloseTo(10 / 3.0, within(1e-12));
        assertThat(Losses.mse(p, t, Reduction.SUM).item()).isEqualTo(10);
        assertThat(Losses.mse(p, t, Reduction.NONE).value().toDoubleArray()).containsExactly(1, 0, 9);
        Losses.mse(p, t).backward();
        assertThat(p.grad().toDoubleArray()).containsExactly(2 / 3.0, 0, 2.0);
    }

    @Test
    void bceWithLogitsIsStableAndMatchesTheDefinition() {
        double[] x = {-1000, -3, 0, 0.5, 40, 1000};
        double[] y = {0, 1, 0.3, 1, 0, 1};
        Var l = Losses.bceWithLogits(v(x), Var.constant(Tensor.of(y, y.length)), Reduction.NONE);
        double[] got = l.value().toDoubleArray();
        for (int i = 0; i < x.length; i++) {
            double s = 1 / (1 + Math.exp(-x[i]));
            double naive = -(y[i] * Math.log(s) + (1 - y[i]) * Math.log(1 - s));
            assertThat(Double.isFinite(got[i])).isTrue();
            if (Double.isFinite(naive)) {
                assertThat(got[i]).as("x = " + x[i]).isCloseTo(naive, within(1e-9 * (1 + naive)));
            }
        }
        assertThat(got[0]).isEqualTo(0); // x = −1000, y = 0
        assertThat(got[5]).isEqualTo(0); // x = 1000, y = 1
        assertThat(got[4]).isCloseTo(40, within(1e-12));
    }

    @Test
    void bceOfInfiniteLogitsIsInfiniteNotNaN() {
        // PyTorch gives +∞ for x = +∞, y < 1; its NaN at x = −∞, y > 0 is ∞ − ∞ in its form, not the limit
        Var l = Losses.bceWithLogits(v(Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY),
                Var.constant(Tensor.of(new double[] {0.5, 0.875, 0}, 3)), Reduction.NONE);
        assertThat(l.value().toDoubleArray()).containsExactly(Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY,
                Double.POSITIVE_INFINITY);
    }

    @Test
    void bceGradientIsSigmoidMinusTargetIncludingAtZero() {
        Var x = v(0, 2, -700);
        Var t = Var.parameter(Tensor.of(new double[] {1, 0.25, 1}, 3));
        Losses.bceWithLogits(x, t, Reduction.SUM).backward();
        assertThat(x.grad().get(0)).isEqualTo(-0.5);
        assertThat(x.grad().get(1)).isCloseTo(1 / (1 + Math.exp(-2)) - 0.25, within(1e-15));
        assertThat(x.grad().get(2)).isEqualTo(-1);
        assertThat(t.grad().toDoubleArray()).containsExactly(-0.0, -2, 700);
        GradCheck.check(a -> Losses.bceWithLogits(a[0], a[1]), Tensor.of(new double[] {-2, 0.3, 1.7, 5}, 2, 2),
                Tensor.of(new double[] {0, 0.5, 1, 0.9}, 2, 2)).assertPassed();
    }

    @Test
    void crossEntropyReductionsAgree() {
        Tensor logits = LayersTest.randn(1, 4, 5).to(DType.F64);
        int[] t = {0, 4, 2, 2};
        double mean = Losses.crossEntropyWithLogits(Var.constant(logits), t).item();
        assertThat(Losses.crossEntropyWithLogits(Var.constant(logits), t, Reduction.SUM).item()).isCloseTo(4 * mean, within(1e-12));
        Var z = Var.parameter(logits);
        Var none = Losses.crossEntropyWithLogits(z, t, Reduction.NONE);
        assertThat(none.shape().dims()).containsExactly(4);
        for (double d : none.value().toDoubleArray()) {
            assertThat(d).isPositive();
        }
        assertThat(none.mean().item()).isCloseTo(mean, within(1e-12));
        GradCheck.check(a -> Losses.crossEntropyWithLogits(a[0], t, Reduction.NONE).sum(), logits).assertPassed();
        assertThatThrownBy(() -> Losses.crossEntropyWithLogits(z, new int[] {0, 5, 1, 1}, Reduction.NONE))
                .hasMessage("crossEntropyWithLogits: target 5 of row 1 is outside [0, 5) for logits of shape [4, 5]");
        assertThatThrownBy(() -> Losses.crossEntropyWithLogits(z, new int[] {0}, Reduction.NONE))
                .hasMessageContaining("expected logits [N, C] and N targets");
        for (Reduction r : Reduction.values()) {
            assertThatThrownBy(() -> Losses.crossEntropyWithLogits(z, null, r))
                    .isInstanceOf(NullPointerException.class).hasMessage("crossEntropyWithLogits: targets is null");
        }
    }

    @Test
    void crossEntropyOfAnEmptyBatchSumsToZeroAndAveragesToNaN() {
        Var z = Var.parameter(Tensor.zeros(Shape.of(0, 5), DType.F64));
        Var sum = Losses.crossEntropyWithLogits(z, new int[0], Reduction.SUM);
        assertThat(sum.item()).isEqualTo(0);
        sum.backward();
        assertThat(z.grad().shape()).isEqualTo(z.shape());
        assertThat(Losses.crossEntropyWithLogits(z, new int[0]).item()).isNaN();
        assertThat(Losses.crossEntropyWithLogits(z, new int[0], Reduction.NONE).shape()).isEqualTo(Shape.of(0));
    }

    @Test
    void shapeAndDtypeMismatchesAreErrors() {
        assertThatThrownBy(() -> Losses.mse(v(1, 2), v(1, 2, 3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mse: prediction of shape [2]");
        assertThatThrownBy(() -> Losses.bceWithLogits(v(1, 2), Var.constant(Tensor.zeros(2))))
                .hasMessageContaining("bceWithLogits: prediction is F64 and target F32");
    }
}
