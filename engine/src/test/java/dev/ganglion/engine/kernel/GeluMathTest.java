package dev.ganglion.engine.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * The GELU definitions ({@link UnaryOp#GELU}, {@link UnaryOp#GELU_TANH} and their gradients
 * {@link BinaryOp#GELU_GRAD}, {@link BinaryOp#GELU_TANH_GRAD}) in double: each gradient is the
 * derivative of its value over the tails too (where the autodiff gradient checks, on [−3, 3], do
 * not reach), and the non-finite conventions are PyTorch's. Values against PyTorch are in
 * autodiff's TorchValuesTest.
 */
class GeluMathTest {
    @Test
    void gradientsAreTheDerivativesOfTheValuesFarIntoTheTails() {
        checkSlope(UnaryOp.GELU, BinaryOp.GELU_GRAD, -30, 30);
        checkSlope(UnaryOp.GELU_TANH, BinaryOp.GELU_TANH_GRAD, -17, 30);
    }

    /** Central differences with a step 10⁻⁵/max(1, |x|) (the tails bend on a scale 1/|x|), to 10⁻⁶ relative, every 0.1. */
    private static void checkSlope(UnaryOp f, BinaryOp slope, double lo, double hi) {
        for (double x = lo; x <= hi; x += 0.1) {
            double h = 1e-5 / Math.max(1, Math.abs(x));
            double numeric = (f.apply(x + h) - f.apply(x - h)) / (2 * h);
            double analytic = slope.apply(1, x);
            assertThat(analytic).as("%s at %s", slope, x).isCloseTo(numeric, within(1e-6 * Math.abs(numeric) + 1e-300));
            assertThat(slope.apply(-2.5, x)).isEqualTo(-2.5 * analytic);
        }
    }

    @Test
    void nonFiniteInputsFollowPyTorch() {
        for (UnaryOp f : new UnaryOp[] {UnaryOp.GELU, UnaryOp.GELU_TANH}) {
            assertThat(f.apply(Double.POSITIVE_INFINITY)).isEqualTo(Double.POSITIVE_INFINITY);
            assertThat(f.apply(Double.NEGATIVE_INFINITY)).isNaN();            // −∞·0, as PyTorch
            assertThat(f.apply(Double.NaN)).isNaN();
            assertThat(Double.doubleToRawLongBits(f.apply(-0.0))).isEqualTo(Double.doubleToRawLongBits(-0.0));
            assertThat(f.apply(-1e30)).isZero();
            assertThat(f.apply(1e30)).isEqualTo(1e30);
            assertThat(f.apply(1e200)).isEqualTo(1e200);                    // x³ overflows: σ(∞) = 1
        }
        for (BinaryOp slope : new BinaryOp[] {BinaryOp.GELU_GRAD, BinaryOp.GELU_TANH_GRAD}) {
            assertThat(slope.apply(1, Double.POSITIVE_INFINITY)).isNaN();      // 1 + ∞·0, as PyTorch
            assertThat(slope.apply(1, Double.NEGATIVE_INFINITY)).isNaN();
            assertThat(slope.apply(1, Double.NaN)).isNaN();
            assertThat(slope.apply(0, Double.NaN)).isNaN();
            assertThat(slope.apply(Double.NaN, 1)).isNaN();
            assertThat(slope.apply(1, 0)).isEqualTo(0.5);
            assertThat(slope.apply(1, 1e30)).isEqualTo(1.0);
            assertThat(slope.apply(1, -1e30)).isZero();
        }
        // PyTorch's float64 rule: the tanh form's x² overflows beyond 1.3·10¹⁵⁴, 0·∞ = NaN
        assertThat(BinaryOp.GELU_TANH_GRAD.apply(1, 1e103)).isEqualTo(1.0);
        assertThat(BinaryOp.GELU_TANH_GRAD.apply(1, 1e200)).isNaN();
        assertThat(BinaryOp.GELU_GRAD.apply(1, 1e200)).isEqualTo(1.0);
    }
}
