package dev.ganglion.autodiff.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.ganglion.autodiff.Var;
import dev.ganglion.engine.Rng;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import org.junit.jupiter.api.Test;

/** Dense layers: init, forward against loops, gradients, modes, errors. */
class LayersTest {
    static Tensor randn(long seed, int... dims) {
        return new Rng(seed).normal(Shape.of(dims), 0, 1);
    }

    /** {@code y[r, o] = Σᵢ x[r, i]·w[o, i] + b[o]} in double. */
    static double[] affine(Tensor x, Tensor w, Tensor b) {
        int rows = x.dim(0);
        int in = x.dim(1);
        int out = w.dim(0);
        double[] y = new double[rows * out];
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < out; o++) {
                double s = b == null ? 0 : b.get(o);
                for (int i = 0; i < in; i++) {
                    s += x.get(r, i) * w.get(o, i);
                }
                y[r * out + o] = s;
            }
        }
        return y;
    }

    static void assertClose(Tensor actual, double[] expected, double tol) {
        double[] a = actual.toDoubleArray();
        assertThat(a.length).isEqualTo(expected.length);
        for (int i = 0; i < a.length; i++) {
            assertThat(a[i]).as("element " + i).isCloseTo(expected[i], within(tol * (1 + Math.abs(expected[i]))));
        }
    }

    @Test
    void linearUsesPyTorchsDefaultInitBounds() {
        Linear l = new Linear(16, 300, new Rng(5));
        double bound = 1 / Math.sqrt(16);
        float[] w = l.weight().value().toFloatArray();
        float max = 0;
        for (float v : w) {
            assertThat(Math.abs(v)).isLessThan((float) bound);
            max = Math.max(max, Math.abs(v));
        }
        assertThat(max).isGreaterThan((float) (0.95 * bound)); // uses the whole range
        for (float v : l.bias().value().toFloatArray()) {
            assertThat(Math.abs(v)).isLessThan((float) bound);
        }
        assertThat(l.weight().shape()).isEqualTo(Shape.of(300, 16));
    }

    @Test
    void linearForwardAndGradients() {
        Linear l = new Linear(5, 3, new Rng(1));
        Tensor x = randn(2, 4, 5);
        Var xv = Var.parameter(x);
        Var y = l.forward(xv);
        assertClose(y.value(), affine(x, l.weight().value(), l.bias().value()), 1e-5);
        y.sum().backward();
        // d(Σy)/db = rows, d/dW[o, i] = Σ_r x[r, i], d/dx[r, i] = Σ_o W[o, i]
        assertThat(l.bias().grad().toFloatArray()).containsOnly(4f);
        for (int i = 0; i < 5; i++) {
            double colSum = 0;
            double wSum = 0;
            for (int r = 0; r < 4; r++) {
                colSum += x.get(r, i);
            }
            for (int o = 0; o < 3; o++) {
                wSum += l.weight().value().get(o, i);
                assertThat(l.weight().grad().get(o, i)).isCloseTo(colSum, within(1e-5));
            }
            assertThat(xv.grad().get(0, i)).isCloseTo(wSum, within(1e-5));
        }
    }

    @Test
    void linearRejectsAWrongInputWidth() {
        Linear l = new Linear(5, 3, new Rng(1));
        assertThatThrownBy(() -> l.forward(Var.constant(Tensor.zeros(2, 4))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Linear(5 → 3)").hasMessageContaining("[2, 4]");
    }

    @Test
    void embeddingLooksUpAndAccumulatesRepeatedRows() {
        Embedding e = new Embedding(6, 3, new Rng(2));
        Var y = e.forward(new int[] {4, 1, 4});
        assertThat(y.shape()).isEqualTo(Shape.of(3, 3));
        for (int j = 0; j < 3; j++) {
            assertThat(y.value().get(0, j)).isEqualTo(e.weight().value().get(4, j));
            assertThat(y.value().get(1, j)).isEqualTo(e.weight().value().get(1, j));
        }
        y.sum().backward();
        assertThat(e.weight().grad().get(4, 0)).isEqualTo(2);
        assertThat(e.weight().grad().get(1, 2)).isEqualTo(1);
        assertThat(e.weight().grad().get(0, 0)).isEqualTo(0);
        Var z = e.forward(Var.constant(Tensor.of(new float[] {0, 5, 2, 2}, 2, 2)));
        assertThat(z.shape()).isEqualTo(Shape.of(2, 2, 3));
        assertThatThrownBy(() -> e.forward(new int[] {6})).hasMessageContaining("id 6").hasMessageContaining("[0, 6)");
        assertThatThrownBy(() -> e.forward(Var.constant(Tensor.of(new float[] {1.5f}, 1)))).hasMessageContaining("not an integer");
    }

    @Test
    void dropoutIsInvertedSeededAndIdentityInEval() {
        Tensor ones = Tensor.ones(100, 100);
        Dropout d = new Dropout(0.3, new Rng(9));
        float[] y = d.forward(Var.constant(ones)).value().toFloatArray();
        int kept = 0;
        for (float v : y) {
            assertThat(v == 0f || v == (float) (1 / 0.7)).isTrue();
            kept += v == 0f ? 0 : 1;
        }
        assertThat(kept / 10000.0).isCloseTo(0.7, within(0.02));
        assertThat(new Dropout(0.3, new Rng(9)).forward(Var.constant(ones)).value().toFloatArray()).containsExactly(y);
        d.eval();
        Var x = Var.constant(ones);
        assertThat(d.forward(x)).isSameAs(x);
        assertThat(new Dropout(0, new Rng(1)).forward(x)).isSameAs(x);
        assertThat(new Dropout(1, new Rng(1)).forward(x).value().toFloatArray()).containsOnly(0f);
        assertThatThrownBy(() -> new Dropout(1.5, new Rng(1))).hasMessageContaining("p must be in [0, 1]");
    }

    @Test
    void dropoutGradientFollowsTheMask() {
        Dropout d = new Dropout(0.5, new Rng(4));
        Var x = Var.parameter(Tensor.ones(50));
        Var y = d.forward(x);
        y.sum().backward();
        assertThat(x.grad().toFloatArray()).containsExactly(y.value().toFloatArray());
    }

    @Test
    void activationsByName() {
        Var x = Var.constant(Tensor.of(new float[] {-1, 0, 2}, 3));
        assertThat(Activation.of("relu").forward(x).value().toFloatArray()).containsExactly(0, 0, 2);
        assertThat(Activation.of("tanh").forward(x).value().get(2)).isCloseTo(Math.tanh(2), within(1e-6));
        assertThat(Activation.of("sigmoid").forward(x).value().get(1)).isEqualTo(0.5);
        assertThat(Activation.of("silu").forward(x).value().get(2)).isCloseTo(2 / (1 + Math.exp(-2)), within(1e-6));
        assertThat(Activation.of("identity").forward(x)).isSameAs(x);
        assertThat(Activation.of("gelu").forward(x).value().get(2)).isCloseTo(1.9544997361036416, within(1e-6));
        assertThat(Activation.of("gelu_tanh").forward(x).value().get(2)).isCloseTo(1.954597694087775, within(1e-6));
        assertThat(Activation.gelu().kind()).isEqualTo(Activation.Kind.GELU);
        assertThatThrownBy(() -> Activation.of("swish")).hasMessage(
                "Activation: unknown 'swish'; expected one of relu, tanh, sigmoid, silu, gelu, gelu_tanh, identity");
    }

    @Test
    void moduleListNamesByPosition() {
        Rng rng = new Rng(3);
        ModuleList<Linear> cells = new ModuleList<Linear>().add(new Linear(2, 3, rng)).add(new Linear(3, 3, false, rng));
        assertThat(cells.namedParameters().keySet()).containsExactly("0.weight", "0.bias", "1.weight");
        assertThat(cells.get(1).bias()).isNull();
        assertThat(cells).hasSize(2);
        assertThatThrownBy(() -> cells.get(2)).hasMessageContaining("module 2 of 2");
    }

    @Test
    void sequentialChainsAndNamesByPosition() {
        Rng rng = new Rng(3);
        Sequential s = new Sequential(new Linear(3, 4, rng), Activation.tanh()).add(new Linear(4, 2, rng));
        assertThat(s.size()).isEqualTo(3);
        assertThat(s.namedParameters().keySet()).containsExactly("0.weight", "0.bias", "2.weight", "2.bias");
        Var x = Var.constant(randn(1, 2, 3));
        Var expected = s.get(2).forward(s.get(1).forward(s.get(0).forward(x)));
        assertThat(s.forward(x).value().toFloatArray()).containsExactly(expected.value().toFloatArray());
        assertThatThrownBy(() -> s.get(3)).isInstanceOf(IndexOutOfBoundsException.class);
    }
}
