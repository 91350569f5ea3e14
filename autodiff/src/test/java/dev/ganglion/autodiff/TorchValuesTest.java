package dev.ganglion.autodiff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ganglion.engine.DType;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * log1p, expm1, erf, gelu (both forms), softplus (with β and threshold), leakyRelu, elu, var, std,
 * flatten, stack and chunk against values and gradients printed by PyTorch 1.13 in float64 ({@code
 * src/test/python/pasted_op_values.py}; gelu in float32 too, and its tails against mpmath), at the
 * edges: 0 and ±0, ±10⁻¹⁰ (where log(1 + x) and exp(x) − 1 lose every digit), −1 for log1p,
 * overflowing exponentials, softplus's threshold and a value far below 0, NaN and ±∞ for the
 * activations, rows of equal values (std's gradient there is 0 in PyTorch), and a large common
 * offset for var.
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
        double[][] result = run(f, Tensor.wrap(x, Shape.of(x.length)), seed(x.length));
        assertClose(result[0], y, "value");
        assertClose(result[1], dx, "gradient");
    }

    /** {@code f(x)} and x's gradient under {@code seed}, as doubles. */
    private static double[][] run(UnaryOperator<Var> f, Tensor x, Tensor seed) {
        Var v = Var.parameter(x);
        Var out = f.apply(v);
        out.backward(seed);
        return new double[][] {out.value().toDoubleArray(), v.grad().toDoubleArray()};
    }

    /** Relative 1e-14 (a few ulp), exact for ±∞ and 0; −0 and 0 are not told apart. */
    private static void assertClose(double[] actual, double[] expected, String what) {
        assertWithin(actual, expected, 1e-14, 0, what);
    }

    /** {@code |a − e| ≤ rel·|e| + abs} elementwise, the same ±∞ exactly, NaN against NaN. */
    private static void assertWithin(double[] actual, double[] expected, double rel, double abs, String what) {
        assertThat(actual).as(what).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            double a = actual[i];
            double e = expected[i];
            boolean ok = a == e || Math.abs(a - e) <= rel * Math.abs(e) + abs || (Double.isNaN(a) && Double.isNaN(e));
            assertThat(ok).as("%s[%d] is %s, expected %s", what, i, a, e).isTrue();
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

    /**
     * β and the threshold: the linear part where {@code βx > threshold} (at 2.5 with β = 2 and
     * threshold 5 just not yet), a negative threshold, and a large β.
     */
    @Test
    void softplusWithBetaAndThreshold() {
        unary(x -> PointwiseOps.softplus(x, 2, 5), new double[] {-30.0, -1.0, 0.0, 1e-08, 2.4, 2.5, 2.6, 10.0},
                new double[] {4.37825538134826e-27, 0.06346400552148625, 0.34657359027997264, 0.34657359527997267,
                    2.404098033669134, 2.503357674244559, 2.6, 10.0},
                new double[] {4.37825538134826e-27, 0.07663044987136128, 0.39285714285714285, 0.46428571892857146,
                    1.0626829594787572, 1.2061586810205112, 1.3571428571428572, 1.5});
        unary(x -> PointwiseOps.softplus(x, 0.5, -1), new double[] {-5.0, -2.5, -2.0, -1.9, 0.0, 3.0},
                new double[] {0.15777946858509925, 0.5038581626907458, 0.6265233750364457, -1.9, 0.0, 3.0},
                new double[] {0.03792909001062178, 0.15589009717771618, 0.24204727923299563, 1.1, 1.3, 1.5});
        unary(x -> PointwiseOps.softplus(x, 50, 20), new double[] {-1.0, 0.0, 0.39, 0.41, 1.0},
                new double[] {3.8574996959278354e-24, 0.013862943611198907, 0.3900000000679653, 0.41, 1.0},
                new double[] {9.643749239819589e-23, 0.375, 0.9999999966017322, 1.25, 1.5});
    }

    /**
     * At NaN, +∞ and −∞ (seed 1) the values and gradients PyTorch 1.13 gives: softplus's gradient at
     * NaN is NaN (σ(NaN)); elu's is g and leakyRelu's the slope (PyTorch tests {@code x ≤ 0} and
     * {@code x > 0}, both false for NaN); relu passes g; silu, both gelus and erf give NaN.
     */
    @Test
    void nonFiniteInputsGiveTheGradientsPyTorchGives() {
        nonFinite(PointwiseOps::softplus, new double[] {NAN, INF, 0}, new double[] {NAN, 1, 0});
        nonFinite(x -> PointwiseOps.softplus(x, 2, 5), new double[] {NAN, INF, 0}, new double[] {NAN, 1, 0});
        nonFinite(x -> PointwiseOps.elu(x, 1.5), new double[] {NAN, INF, -1.5}, new double[] {1, 1, 0});
        nonFinite(x -> PointwiseOps.leakyRelu(x, 0.1), new double[] {NAN, INF, -INF}, new double[] {0.1, 1, 0.1});
        nonFinite(PointwiseOps::relu, new double[] {NAN, INF, 0}, new double[] {1, 1, 0});
        nonFinite(PointwiseOps::silu, new double[] {NAN, INF, NAN}, new double[] {NAN, NAN, NAN});
        nonFinite(PointwiseOps::gelu, new double[] {NAN, INF, NAN}, new double[] {NAN, NAN, NAN});
        nonFinite(x -> PointwiseOps.gelu(x, Gelu.TANH), new double[] {NAN, INF, NAN}, new double[] {NAN, NAN, NAN});
        nonFinite(PointwiseOps::erf, new double[] {NAN, 1, -1}, new double[] {NAN, 0, 0});
    }

    /** At NaN, ∞ and −∞ in each dtype (a float32 slope of 0.1 is 0.1 rounded to float). */
    private static void nonFinite(UnaryOperator<Var> f, double[] y, double[] dx) {
        for (DType dtype : DType.values()) {
            double[][] result = run(f, Tensor.wrap(new double[] {NAN, INF, -INF}, Shape.of(3)).to(dtype),
                    Tensor.ones(3).to(dtype));
            assertClose(result[0], y, "value " + dtype);
            assertWithin(result[1], dx, 1e-7, 0, "gradient " + dtype);
        }
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

    private static final double NAN = Double.NaN;
    /** Both forms' points: PyTorch is accurate down to −2 (below, its 1 + erf and 1 + tanh cancel). */
    private static final double[] GELU_X = {-2.0, -1.0, -0.5, -1e-08, 0.0, 1e-08, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 1e+30,
        INF, -INF, NAN};

    /** gelu'(±∞) = Φ + x·φ = NaN (∞·0), and gelu(−∞) = −∞·0 = NaN, as PyTorch. */
    @Test
    void gelu() {
        unary(PointwiseOps::gelu, GELU_X,
                new double[] {-0.04550026389635842, -0.15865525393145702, -0.15426876936299344, -4.999999960105772e-09, 0.0,
                    5.000000039894228e-09, 0.34573123063700656, 0.841344746068543, 1.9544997361036416, 2.99595030590511,
                    4.999998566742141, 10.0, 1e+30, INF, NAN, NAN},
                new double[] {-0.04261590053909846, -0.04721209999968893, 0.08391975438443017, 0.34999999441480806,
                    0.3833333333333333, 0.4166666733157046, 0.7807456121905465, 1.0472049549014302, 1.1214061944474703,
                    1.1131402119246023, 1.1666750047703356, 1.2333333333333334, 1.3, NAN, NAN, NAN});
    }

    @Test
    void geluTanh() {
        unary(x -> PointwiseOps.gelu(x, Gelu.TANH), GELU_X,
                new double[] {-0.04540230591222494, -0.1588080093917233, -0.15428599017485606, -4.999999960105772e-09, 0.0,
                    5.000000039894228e-09, 0.34571400982514394, 0.8411919906082768, 1.954597694087775, 2.996362607918227,
                    4.999999770820381, 10.0, 1e+30, INF, NAN, NAN},
                new double[] {-0.04304962831180915, -0.04701298084594346, 0.0839990610947265, 0.34999999441480806,
                    0.3833333333333333, 0.4166666733157046, 0.7806329131811781, 1.0468652810509231, 1.122302565177739,
                    1.1127425832940665, 1.1666684707556527, 1.2333333333333334, 1.3, NAN, NAN, NAN});
    }

    /**
     * // NOTE: the left tails, against exact values (mpmath, 40 digits), not PyTorch's: there its
     * {@code 1 + erf(x/√2)} and {@code 1 + tanh u} cancel. PyTorch 1.13 (float64) gives gelu(−5) =
     * −1.4332578593401202e-06 (4·10⁻¹¹ off), gelu(−10) = −0 and a gradient at −10 of
     * −7.694598626706419e-22 (1 % off: x·φ(x) without Φ); the tanh form −2.2917961972623857e-07 at
     * −5 and −0 below. Ganglion's relative error here is that of x/√2 and u rounded to double, about
     * x²·2⁻⁵³ (below 2·10⁻¹³ down to −40).
     */
    @Test
    void geluTailsKeepTheirDigits() {
        tail(PointwiseOps::gelu, new double[] {-3.0, -5.0, -10.0, -20.0, -30.0},
                new double[] {-0.0040496940948902836, -1.4332578593959696e-6, -7.6198530241605261e-23, -5.5072482372124674e-88,
                    -1.4720141781444561e-196},
                new double[] {-0.0059728236020919635, -5.360209501344221e-6, -7.6184000964648141e-22, -1.376795060391683e-86,
                    -6.6240475360627416e-195});
        tail(x -> PointwiseOps.gelu(x, Gelu.TANH), new double[] {-3.0, -5.0, -10.0, -20.0},
                new double[] {-0.0036373920817730192, -2.291796196629507e-7, -1.2040923482098102e-37, -3.3754509563110619e-261},
                new double[] {-0.0057920833154848635, -1.2886349896104959e-6, -3.2172444078297143e-36, -4.4136493087418778e-259});
    }

    /** Values and gradients (seeded as {@link #unary}) within 2·10⁻¹³ relative of exact ones. */
    private static void tail(UnaryOperator<Var> f, double[] x, double[] y, double[] dx) {
        double[][] result = run(f, Tensor.wrap(x, Shape.of(x.length)), seed(x.length));
        assertWithin(result[0], y, 2e-13, 0, "value");
        assertWithin(result[1], dx, 2e-13, 0, "gradient");
    }

    /**
     * float32, against PyTorch's float32 run: within 10⁻⁶ relative + 2·10⁻⁷ (PyTorch's float32 erf is
     * a polynomial approximation good to about 10⁻⁷; Ganglion's float32 is its float64 rounded once).
     * // NOTE: at x = 10³⁰ PyTorch's float32 gradient of the tanh form is NaN (x² overflows float); here
     * it is computed in double, and is 1.3 (1 times the seed), as in float64.
     */
    @Test
    void geluFloat32AgreesWithPyTorchs() {
        float[] x = new float[GELU_X.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) GELU_X[i];
        }
        float32(PointwiseOps::gelu, x,
                new double[] {-0.045500099658966064, -0.1586552858352661, -0.1542687863111496, -4.999999969612645e-09, 0.0,
                    4.999999969612645e-09, 0.3457311987876892, 0.8413447141647339, 1.9544999599456787, 2.995950222015381,
                    4.999998569488525, 10.0, 1.0000000150474662e+30, INF, NAN, NAN},
                new double[] {-0.04261593520641327, -0.04721207916736603, 0.08391977846622467, 0.3500000238418579,
                    0.38333332538604736, 0.4166666865348816, 0.7807455658912659, 1.047204852104187, 1.1214063167572021,
                    1.1131402254104614, 1.1666749715805054, 1.2333333492279053, 1.2999999523162842, NAN, NAN, NAN});
        float32(v -> PointwiseOps.gelu(v, Gelu.TANH), x,
                new double[] {-0.04540228843688965, -0.15880799293518066, -0.1542859971523285, -4.999999969612645e-09, 0.0,
                    4.999999969612645e-09, 0.3457140028476715, 0.8411920070648193, 1.9545977115631104, 2.9963626861572266,
                    4.999999523162842, 10.0, 1.0000000150474662e+30, INF, NAN, NAN},
                new double[] {-0.043049611151218414, -0.04701298475265503, 0.08399906754493713, 0.3500000238418579,
                    0.38333332538604736, 0.4166666865348816, 0.7806329131126404, 1.0468653440475464, 1.122302532196045,
                    1.1127427816390991, 1.1666690111160278, 1.2333333492279053, 1.2999999523162842 /* PyTorch: NaN */, NAN,
                    NAN, NAN});
    }

    private static void float32(UnaryOperator<Var> f, float[] x, double[] y, double[] dx) {
        double[][] result = run(f, Tensor.of(x, x.length), seed(x.length).to(DType.F32));
        assertWithin(result[0], y, 1e-6, 2e-7, "float32 value");
        assertWithin(result[1], dx, 1e-6, 2e-7, "float32 gradient");
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
