package dev.ganglion.autodiff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.ops.Elementwise;
import org.junit.jupiter.api.Test;

class DerivativesTest {
    private static final Tensor X = Tensor.of(new double[] {0.3, -1.2, 0.8, 2.0}, 4);

    @Test
    void theJacobianOfSoftmaxIsDiagSMinusSSt() {
        Tensor s = Tensor.of(softmax(X.toDoubleArray()), 4);
        Tensor j = Derivatives.jacobian(x -> x[0].softmax(0), X);
        assertThat(j.shape().dims()).containsExactly(4, 4);
        for (int r = 0; r < 4; r++) {
            for (int c = 0; c < 4; c++) {
                double expected = (r == c ? s.get(r) : 0) - s.get(r) * s.get(c);
                assertThat(j.get(r, c)).as("∂s%d/∂x%d", r, c).isCloseTo(expected, within(1e-15));
            }
        }
        assertThat(X.version()).isZero();
    }

    @Test
    void theJacobianOfAMatrixFunctionHasBothShapes() {
        // y = A·X for X [3, 2]: ∂y[i, k]/∂X[j, l] = A[i, j]·[k = l]
        Tensor a = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor x = Tensor.of(new double[] {1, 0, -1, 2, 0.5, 3}, 3, 2);
        Tensor j = Derivatives.jacobian(v -> Var.constant(a).matmul(v[0]), x);
        assertThat(j.shape().dims()).containsExactly(2, 2, 3, 2);
        for (int i = 0; i < 2; i++) {
            for (int k = 0; k < 2; k++) {
                for (int r = 0; r < 3; r++) {
                    for (int l = 0; l < 2; l++) {
                        assertThat(j.get(i, k, r, l)).isEqualTo(k == l ? a.get(i, r) : 0);
                    }
                }
            }
        }
    }

    @Test
    void hessianAndJvpMatchTorch() {
        // torch.autograd.functional (src/test/python/grad_graph_values.py)
        double[] hessian = {1.2814425921732595, -0.02318208700927684, -0.19146927077557302, -0.0015292269456725245,
                -0.02318208700927684, 2.4755126601453883, -0.6502040749571253, -0.00519305049621239,
                -0.19146927077557305, -0.6502040749571253, 3.0407244212501015, -0.04289128891685284,
                -0.0015292269456725245, -0.00519305049621239, -0.04289128891685284, 0.662978513703578};
        double[] jvp = {0.05128701675516502, 0.0008071722748968169, 0.2316121889473131, 0.015798271791995742};
        Tensor x = ramp(5, 3, 2);
        Tensor c = Tensor.of(new double[] {1, 2, 3, 4}, 4);
        Tensor h = Derivatives.hessian(v -> ReductionOps.logsumexp(v[0].mul(Var.constant(c)), 0, false)
                .add(v[0].sin().mul(v[0]).sum()), x);
        assertThat(h.contiguous().toDoubleArray()).containsExactly(hessian, within(1e-14));
        Tensor jv = Derivatives.jvp(v -> v[0].softmax(0).mul(v[0]).mul(v[0]), new Tensor[] {x},
                new Tensor[] {ramp(7, 1, 1)});
        assertThat(jv.toDoubleArray()).containsExactly(jvp, within(1e-15));
    }

    @Test
    void productsAgreeWithTheFullMatricesAndWithDifferences() {
        // f(x, y) = Σ tanh(x)·y², two inputs
        Tensor y = Tensor.of(new double[] {0.5, -0.25, 1.5, 1}, 4);
        Tensor vx = Tensor.of(new double[] {1, -2, 0.5, 0.25}, 4);
        Tensor vy = Tensor.of(new double[] {-1, 0.5, 2, -0.5}, 4);
        GradCheck.VarFunction f = v -> v[0].tanh().mul(v[1].square()).sum();
        Tensor[] hv = Derivatives.hvp(f, new Tensor[] {X, y}, new Tensor[] {vx, vy});
        double eps = 1e-6;
        Var xp = Var.parameter(step(X, vx, eps));
        Var yp = Var.parameter(step(y, vy, eps));
        Var xm = Var.parameter(step(X, vx, -eps));
        Var ym = Var.parameter(step(y, vy, -eps));
        Tensor[] gp = Autodiff.grad(f.apply(new Var[] {xp, yp}), xp, yp);
        Tensor[] gm = Autodiff.grad(f.apply(new Var[] {xm, ym}), xm, ym);
        for (int k = 0; k < 2; k++) {
            for (int i = 0; i < 4; i++) {
                double fd = (gp[k].get(i) - gm[k].get(i)) / (2 * eps);
                assertThat(hv[k].get(i)).as("(Hv)[%d][%d]", k, i).isCloseTo(fd, within(1e-7));
            }
        }
        // J·v of a vector function against its Jacobian
        GradCheck.VarFunction g = v -> v[0].exp().mul(v[0].softmax(0));
        Tensor j = Derivatives.jacobian(g, X);
        Tensor jv = Derivatives.jvp(g, new Tensor[] {X}, new Tensor[] {vx});
        for (int r = 0; r < 4; r++) {
            double expected = 0;
            for (int c = 0; c < 4; c++) {
                expected += j.get(r, c) * vx.get(c);
            }
            assertThat(jv.get(r)).isCloseTo(expected, within(1e-14));
        }
    }

    @Test
    void linearAndConstantFunctionsGiveZeros() {
        Tensor[] hv = Derivatives.hvp(v -> v[0].scale(3).sum(), new Tensor[] {X}, new Tensor[] {X});
        assertThat(hv[0].toDoubleArray()).containsOnly(0);
        Tensor j = Derivatives.jacobian(v -> Var.constant(Tensor.of(new double[] {1, 2}, 2)), X);
        assertThat(j.shape().dims()).containsExactly(2, 4);
        assertThat(j.toDoubleArray()).containsOnly(0);
        assertThat(Derivatives.jvp(v -> v[0].scale(2), new Tensor[] {X}, new Tensor[] {X}).toDoubleArray())
                .containsExactly(0.6, -2.4, 1.6, 4.0);
    }

    @Test
    void badCallsAreNamed() {
        assertThatThrownBy(() -> Derivatives.hessian(v -> v[0].square(), X)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("hessian: the function's output of shape [4] is not a single element");
        assertThatThrownBy(() -> Derivatives.hvp(v -> v[0].sum(), new Tensor[] {X}, new Tensor[] {Tensor.zeros(3)}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hvp: tangent 0 of shape [3]");
        assertThatThrownBy(() -> Derivatives.jvp(v -> v[0], new Tensor[] {X}, new Tensor[0]))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("jvp: 0 tangents for 1 inputs");
        try (var off = NoGrad.enter()) {
            assertThatThrownBy(() -> Derivatives.jacobian(v -> v[0], X)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("jacobian").hasMessageContaining("NoGrad");
        }
    }

    private static Tensor step(Tensor x, Tensor v, double eps) {
        return Elementwise.add(x, Elementwise.scale(v, eps));
    }

    /** The script's {@code ramp(4, a, b)·scale}: {@code (((a·k + b) mod 17)/17 − 0.5)·scale}. */
    private static Tensor ramp(int a, int b, double scale) {
        double[] v = new double[4];
        for (int k = 0; k < 4; k++) {
            v[k] = (((a * k + b) % 17) / 17.0 - 0.5) * scale;
        }
        return Tensor.of(v, 4);
    }

    private static double[] softmax(double[] x) {
        double sum = 0;
        double[] e = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            e[i] = Math.exp(x[i]);
            sum += e[i];
        }
        for (int i = 0; i < x.length; i++) {
            e[i] /= sum;
        }
        return e;
    }
}
