package dev.ganglion.autodiff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ganglion.engine.DType;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * log1p, expm1, erf, softplus, leakyRelu, elu, var, std, flatten, stack and chunk against values and
 * gradients printed by PyTorch 1.13 in float64 ({@code src/test/python/pasted_op_values.py}), at the
 * edges: 0 and ±0, ±10⁻¹⁰ (where log(1 + x) and exp(x) − 1 lose every digit), −1 for log1p,
 * overflowing exponentials, softplus's threshold 20 and a value far below 0, rows of equal values
 * (std's gradient there is 0 in PyTorch), and a large common offset for var.
 */
class TorchValuesTest {
    private static final double INF = Double.POSITIVE_INFINITY;
    /** The seed gradient of the unary cases: PyTorch's {@code linspace(0.5, 1.5, n)}. */
    private static Tensor seed(int n) {
        double[] g = new double[n];
        for (int i = 0; i < n; i++) {
            g[i] = n == 1 ? 0.5 : 0.5 + (double) i / (n - 1);
        }
        return Tensor.wrap(g, Shape.of(n));
    }

    private static void unary(UnaryOperator<Var> f, double[] x, double[] y, double[] dx) {
        Var v = Var.parameter(Tensor.wrap(x, Shape.of(x.length)));
        Var out = f.apply(v);
        out.backward(seed(x.length));
        assertClose(out.value().toDoubleArray(), y, "value");
        assertClose(v.grad().toDoubleArray(), dx, "gradient");
    }

    /** Relative 1e-14 (a few ulp), exact for ±∞ and 0; −0 and 0 are not told apart. */
    private static void assertClose(double[] actual, double[] expected, String what) {
        assertThat(actual).as(what).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            double a = actual[i];
            double e = expected[i];
            boolean ok = a == e || Math.abs(a - e) <= 1e-14 * Math.abs(e) || (Double.isNaN(a) && Double.isNaN(e));
            assertThat(ok).as("%s[%d] is %s, PyTorch %s", what, i, a, e).isTrue();
        }
    }

    @Test
    void log1p() {
        unary(Var::log1p, new double[] {0.0, 1e-10, -1e-10, -0.5, 3.0, 100000.0, -1.0},
                new double[] {0.0, 9.999999999500001e-11, -1.00000000005e-10, -0.6931471805599453, 1.3862943611198906,
                    11.51293546492023, -INF},
                new double[] {0.5, 0.6666666666, 0.8333333334166666, 2.0, 0.2916666666666667, 1.333320000133332e-05, INF});
    }

    /**
     * // NOTE: at x = −50 PyTorch's gradient is 0: its expm1 backward is {@code g·(y + 1)}, and y + 1
     * rounds e⁻⁵⁰ away. Ganglion's is {@code g·eˣ}, so expected is 1.5·e⁻⁵⁰.
     */
    @Test
    void expm1() {
        unary(Var::expm1, new double[] {0.0, 1e-10, -1e-10, 1e-05, -2.0, 50.0, -50.0},
                new double[] {0.0, 1.00000000005e-10, -9.999999999500001e-11, 1.0000050000166668e-05, -0.8646647167633873,
                    5.184705528587072e+21, -1.0},
                new double[] {0.5, 0.6666666667333333, 0.8333333332499999, 1.00001000005, 0.15789116377604817,
                    6.912940704782762e+21, 2.8931247719458766e-22});
    }

    @Test
    void softplus() {
        unary(PointwiseOps::softplus, new double[] {-100.0, -30.0, -1.0, 0.0, 1e-08, 19.9, 20.0, 20.5, 100.0},
                new double[] {3.720075976020836e-44, 9.357622968839737e-14, 0.31326168751822286, 0.6931471805599453,
                    0.6931471855599453, 19.900000002277924, 20.000000002061153, 20.5, 100.0},
                new double[] {1.860037988010418e-44, 5.848514355524563e-14, 0.20170606602749636, 0.4375, 0.5000000025,
                    1.1249999974373321, 1.2499999974235578, 1.375, 1.5});
    }

    @Test
    void leakyReluTakesTheSlopeAtZero() {
        unary(x -> PointwiseOps.leakyRelu(x, 0.1), new double[] {-3.0, -0.0, 0.0, 1e-30, 2.5},
                new double[] {-0.30000000000000004, -0.0, 0.0, 1e-30, 2.5},
                new double[] {0.05, 0.07500000000000001, 0.1, 1.25, 1.5});
    }

    /**
     * // NOTE: at x = −10⁻⁸ PyTorch 1.13 prints −1.4999999908837935e-08: its CPU kernel computes
     * {@code exp(x) − 1}, which cancels there. Expected is 1.5·expm1(−10⁻⁸) = −1.4999999925000002e-08.
     */
    @Test
    void elu() {
        unary(x -> PointwiseOps.elu(x, 1.5), new double[] {-1000.0, -5.0, -1e-08, 0.0, 1e-08, 3.0, 1000.0},
                new double[] {-1.5, -1.4898930795013718, -1.4999999925000002e-08, 0.0, 1e-08, 3.0, 1000.0},
                new double[] {0.0, 0.006737946999085467, 1.2499999875, 1.5, 1.1666666666666667, 1.3333333333333333, 1.5});
    }

    /** At −27 the gradient {@code (2/√π)·e^{−729}} is subnormal (and rounds as PyTorch's); at 30 it underflows. */
    @Test
    void erf() {
        unary(Var::erf, new double[] {0.0, 1e-10, -0.5, 1.0, 2.5, -4.0, 6.0, -27.0, 30.0},
                new double[] {0.0, 1.1283791670955126e-10, -0.5204998778130465, 0.8427007929497149, 0.999593047982555,
                    -0.9999999845827421, 1.0, -1.0, 1.0},
                new double[] {0.5641895835477563, 0.7052369794346953, 0.6590869342015836, 0.36321906024302036,
                    0.00217828423035271, 1.428551400584988e-07, 3.271626549061581e-16, 3.891172e-317, 0.0});
    }

    @Test
    void eluKeepsItsGradientFarBelowZeroInFloat32() {
        // torch.nn.functional.elu(x, 1.5) in float32, x = [−20, −17], seed 1: the gradient 1.5·eˣ; through
        // expm1's y + 1 it had been 0 at −20 and 44 % off at −17
        Var x = Var.parameter(Tensor.of(new float[] {-20, -17}, 2));
        PointwiseOps.elu(x, 1.5).sum().backward();
        double[] torch = {3.0917304272293222e-09, 6.209906899812268e-08};
        for (int i = 0; i < 2; i++) {
            assertThat(x.grad().get(i)).isCloseTo(torch[i], org.assertj.core.api.Assertions.within(1e-6 * torch[i]));
        }
    }

    /** {@code [[1, 2, 4], [3, 3, 3]]}: the second row's deviation is 0. */
    private static Var rows() {
        return Var.parameter(Tensor.wrap(new double[] {1, 2, 4, 3, 3, 3}, Shape.of(2, 3)));
    }

    private static void reduction(UnaryOperator<Var> f, double[] y, double[] dx) {
        Var x = rows();
        Var out = f.apply(x);
        out.backward(Tensor.wrap(new double[] {1, -2}, Shape.of(2)).reshape(out.shape().dims()));
        assertClose(out.value().toDoubleArray(), y, "value");
        assertClose(x.grad().toDoubleArray(), dx, "gradient");
    }

    @Test
    void varAndStdAlongAnAxis() {
        double[] zeroRow = {0, 0, 0};
        reduction(x -> x.var(0, false, 1), new double[] {1.5555555555555554, 0.0},
                concat(new double[] {-0.888888888888889, -0.22222222222222232, 1.111111111111111}, zeroRow));
        reduction(x -> x.var(1, true, 1), new double[] {2.333333333333333, 0.0},
                concat(new double[] {-1.3333333333333335, -0.3333333333333335, 1.6666666666666665}, zeroRow));
        reduction(x -> x.std(0, true, -1), new double[] {1.247219128924647, 0.0},
                concat(new double[] {-0.35634832254989923, -0.08908708063747484, 0.44543540318737396}, zeroRow));
        reduction(x -> x.std(1, false, 1), new double[] {1.5275252316519465, 0.0},
                concat(new double[] {-0.43643578047198484, -0.10910894511799625, 0.5455447255899809}, zeroRow));
    }

    @Test
    void varOfEverythingAndStdOverRows() {
        Var x = rows();
        Var v = ReductionOps.var(x, 1, false);
        v.backward();
        assertClose(v.value().toDoubleArray(), new double[] {1.0666666666666669}, "var");
        assertClose(x.grad().toDoubleArray(), new double[] {-0.6666666666666666, -0.2666666666666666, 0.5333333333333334,
            0.1333333333333334, 0.1333333333333334, 0.1333333333333334}, "var gradient");
        Var y = rows();
        Var s = y.std(1, false, 0);
        s.backward(Tensor.full(Shape.of(3), 1, DType.F64));
        assertClose(s.value().toDoubleArray(), new double[] {1.4142135623730951, 0.7071067811865476, 0.7071067811865476}, "std");
        assertClose(y.grad().toDoubleArray(), new double[] {-0.7071067811865475, -0.7071067811865475, 0.7071067811865475,
            0.7071067811865475, 0.7071067811865475, -0.7071067811865475}, "std gradient");
    }

    @Test
    void varAndStdWithNoMoreElementsThanTheCorrectionAreInfiniteOrNaNAsPyTorchs() {
        // torch.var(x, dim=0, correction=5) of [1, 2, 4] is inf (std too), of [3, 3] with correction 2 nan,
        // and var/std of an empty axis nan; a divisor n − correction < 0 had given −2.33 and NaN
        Var x = Var.constant(Tensor.wrap(new double[] {1, 2, 4}, Shape.of(3)));
        assertThat(x.var(5, false, 0).value().toDoubleArray()).containsExactly(Double.POSITIVE_INFINITY);
        assertThat(x.std(5, false, 0).value().toDoubleArray()).containsExactly(Double.POSITIVE_INFINITY);
        Var equal = Var.constant(Tensor.wrap(new double[] {3, 3}, Shape.of(2)));
        assertThat(equal.var(2, false, 0).value().toDoubleArray()).containsExactly(Double.NaN);
        Var empty = Var.constant(Tensor.zeros(Shape.of(0), DType.F64));
        assertThat(empty.var(1, false, 0).value().toDoubleArray()).containsExactly(Double.NaN);
        assertThat(empty.std(1, false, 0).value().toDoubleArray()).containsExactly(Double.NaN);
    }

    @Test
    void varKeepsItsDigitsUnderALargeOffset() {
        Var x = Var.constant(Tensor.wrap(new double[] {1e8 + 1, 1e8 + 2, 1e8 + 4}, Shape.of(3)));
        assertClose(x.var(1, false).value().toDoubleArray(), new double[] {2.333333333333333}, "var");
    }

    @Test
    void flattenStackAndChunkShapesFollowPyTorch() {
        assertThat(Var.constant(Tensor.scalar(3, DType.F64)).flatten(0, -1).shape()).isEqualTo(Shape.of(1));
        assertThatThrownBy(() -> Var.constant(Tensor.scalar(3, DType.F64)).flatten(3, 7))
                .hasMessage("flatten: axis 3 is out of range for a scalar (0 or -1)");
        assertThat(Var.constant(Tensor.zeros(2, 3, 4, 5)).flatten(1, 2).shape()).isEqualTo(Shape.of(2, 12, 5));
        assertThat(Var.constant(Tensor.zeros(2, 3, 4, 5)).flatten(0, -1).shape()).isEqualTo(Shape.of(120));
        Var a = Var.constant(Tensor.zeros(2, 3));
        assertThat(IndexOps.stack(0, a, a).shape()).isEqualTo(Shape.of(2, 2, 3));
        assertThat(IndexOps.stack(2, a, a, a).shape()).isEqualTo(Shape.of(2, 3, 3));
        assertThat(IndexOps.stack(-2, a, a, a, a).shape()).isEqualTo(Shape.of(2, 4, 3));
        assertThatThrownBy(() -> IndexOps.stack(0, a, Var.constant(Tensor.zeros(Shape.of(2, 3), DType.F64))))
                .hasMessage("stack: part 1 is F64, part 0 F32; all parts need one dtype");
        assertThat(sizes(IndexOps.chunk(Var.constant(Tensor.zeros(5, 3)), 3, 0), 0)).containsExactly(2, 2, 1);
        assertThat(sizes(IndexOps.chunk(Var.constant(Tensor.zeros(6, 3)), 4, 0), 0)).containsExactly(2, 2, 2);
        assertThat(sizes(IndexOps.chunk(Var.constant(Tensor.zeros(0, 3)), 2, 0), 0)).containsExactly(0, 0);
        assertThat(sizes(IndexOps.chunk(Var.constant(Tensor.zeros(2, 3)), 5, -1), -1)).containsExactly(1, 1, 1);
    }

    private static int[] sizes(Var[] chunks, int axis) {
        int[] n = new int[chunks.length];
        for (int i = 0; i < n.length; i++) {
            n[i] = chunks[i].dim(axis);
        }
        return n;
    }

    private static double[] concat(double[] a, double[] b) {
        double[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
