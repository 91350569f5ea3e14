package dev.ganglion.autodiff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ganglion.engine.DType;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import org.junit.jupiter.api.Test;

/** {@link Var#to}: a differentiable dtype conversion, and the mixed-dtype graphs it makes possible. */
class CastTest {
    private static Tensor f64(double... v) {
        return Tensor.wrap(v, Shape.of(v.length));
    }

    @Test
    void theSameDtypeIsTheSameVar() {
        Var x = Var.parameter(f64(1, 2));
        assertThat(x.to(DType.F64)).isSameAs(x);
    }

    @Test
    void narrowingRoundsAndTheGradientComesBackInTheSourceDtype() {
        Var x = Var.parameter(f64(0.1, -3, 1e-50));
        Var y = x.to(DType.F32);
        assertThat(y.dtype()).isEqualTo(DType.F32);
        assertThat(y.value().toDoubleArray()).containsExactly(0.1f, -3f, 0f);
        y.backward(Tensor.wrap(new float[] {0.5f, 2f, -1f}, Shape.of(3)));
        assertThat(x.grad().dtype()).isEqualTo(DType.F64);
        assertThat(x.grad().toDoubleArray()).containsExactly(0.5, 2, -1);
    }

    /**
     * A float64 intermediate used both in float64 and, converted, in a float32 part: the walk adds
     * the two gradients at {@code h}, which it can only do when the cast hands back float64.
     */
    @Test
    void aMixedDtypeGraphDifferentiates() {
        Var p = Var.parameter(f64(0.5, -1, 2));
        Var w = Var.parameter(Tensor.wrap(new float[] {3, 4, 5}, Shape.of(3)));
        Var h = p.exp();
        Var loss = h.sum().add(h.to(DType.F32).mul(w).sum().to(DType.F64));
        loss.backward();
        double[] expected = new double[3];
        double[] pv = {0.5, -1, 2};
        double[] wv = {3, 4, 5};
        for (int i = 0; i < 3; i++) {
            expected[i] = Math.exp(pv[i]) * (1 + wv[i]);   // ∂/∂p (eᵖ + w·eᵖ)
        }
        assertThat(p.grad().dtype()).isEqualTo(DType.F64);
        assertThat(p.grad().toDoubleArray()).containsExactly(expected);
        assertThat(w.grad().dtype()).isEqualTo(DType.F32);
        assertThat(w.grad().toDoubleArray()).containsExactly((float) Math.exp(0.5), (float) Math.exp(-1),
                (float) Math.exp(2));
    }

    @Test
    void gradCheckOfARoundTripThroughFloat32() {
        // values near 0, where float32 rounding of x ± ε is far below the tolerance (see PointwiseEntries)
        Tensor x = f64(0.003, -0.001, 0.0025, 0);
        GradCheck.check(v -> v[0].to(DType.F32).tanh().to(DType.F64).mul(v[0]), x).assertPassed();
    }

    @Test
    void aDtypeMismatchPointsAtVarTo() {
        Var a = Var.parameter(Tensor.zeros(2, 3));
        Var b = Var.parameter(Tensor.zeros(Shape.of(2, 3), DType.F64));
        assertThatThrownBy(() -> a.mul(b)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mul: dtype mismatch, F32[2, 3] vs F64[2, 3]")
                .hasMessageContaining("Var.to(DType)");
    }
}
