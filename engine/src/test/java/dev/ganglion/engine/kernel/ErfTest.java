package dev.ganglion.engine.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ganglion.engine.DType;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.ops.Elementwise;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link Erf} against 602 points written by {@code src/test/python/erf_values.py} into
 * {@code src/test/resources/torch/erf.txt}: 0 and −0, subnormals, ±10⁻³⁰⁰, 10⁻⁸, 0.1 … 6, 27, ±∞,
 * NaN, the edges of the branches and their neighbours, 401 points over [−7, 7] and 100 over
 * [−30, 30]. Each line holds torch.erf and torch.erfc in float64 (PyTorch 1.13), the exact values
 * (mpmath, 50 digits) and the correctly rounded float32 erf of the point rounded to float32.
 */
class ErfTest {
    private static final MathContext MC = MathContext.DECIMAL64;

    private record Point(double x, double torchErf, double torchErfc, String erf, String erfc, float erf32) {}

    private static List<Point> points() {
        try {
            Path file = Path.of(ErfTest.class.getClassLoader().getResource("torch/erf.txt").toURI());
            return Files.readAllLines(file).stream().filter(l -> !l.startsWith("#")).map(l -> {
                String[] f = l.split(" ");
                return new Point(Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]), f[3], f[4],
                        (float) Double.parseDouble(f[5]));
            }).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * {@code |value − exact|} in units of the last place of the exact value's binade (for a subnormal
     * exact value, of 2⁻¹⁰⁷⁴); 0 when both are the same non-finite value.
     */
    private static double ulps(double value, String exact) {
        if (!Double.isFinite(value) || exact.equals("NaN") || exact.contains("Infinity")) {
            return Double.compare(value, Double.parseDouble(exact)) == 0 ? 0 : Double.POSITIVE_INFINITY;
        }
        BigDecimal e = new BigDecimal(exact);
        double nearest = Math.abs(e.doubleValue());
        double ulp = nearest == 0 ? Double.MIN_VALUE : Math.ulp(nearest);
        if (new BigDecimal(nearest).compareTo(e.abs()) > 0 && Math.getExponent(Math.nextDown(nearest)) < Math.getExponent(nearest)) {
            ulp = Math.ulp(Math.nextDown(nearest));   // the exact value lies in the binade below its rounding
        }
        return new BigDecimal(value).subtract(e).abs().divide(new BigDecimal(ulp), MC).doubleValue();
    }

    @Test
    void erfIsWithinThreeQuartersOfAnUlpAndEqualsTorch() {
        for (Point p : points()) {
            double erf = Erf.erf(p.x());
            assertThat(ulps(erf, p.erf())).as("erf(%s) = %s, exactly %s", p.x(), erf, p.erf()).isLessThanOrEqualTo(0.75);
            // the same bits, the sign of zero included: torch's float64 erf is 1-ulp accurate, and
            // at these points both round the same way
            assertThat(Double.doubleToRawLongBits(erf)).as("erf(%s) = %s, torch %s", p.x(), erf, p.torchErf())
                    .isEqualTo(Double.doubleToRawLongBits(p.torchErf()));
        }
    }

    @Test
    void erfcIsWithinFourUlpsOfItsOwnValueAndTwoOfTorchs() {
        for (Point p : points()) {
            double erfc = Erf.erfc(p.x());
            double torch = p.torchErfc();
            assertThat(ulps(erfc, p.erfc())).as("erfc(%s) = %s, exactly %s", p.x(), erfc, p.erfc()).isLessThanOrEqualTo(4);
            boolean same = Double.compare(erfc, torch) == 0 || Math.abs(erfc - torch) <= 2 * Math.ulp(torch);
            assertThat(same).as("erfc(%s) = %s, torch %s", p.x(), erfc, torch).isTrue();
        }
    }

    @Test
    void float32ResultsAreWithinThreeUlpOfTheCorrectlyRoundedFloat() {
        List<Point> points = points();
        float[] x = new float[points.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) points.get(i).x();
        }
        float[] erf = Elementwise.erf(Tensor.of(x, x.length)).toFloatArray();
        double[] erf64 = Elementwise.erf(Tensor.wrap(toDouble(x), Shape.of(x.length))).toDoubleArray();
        for (int i = 0; i < x.length; i++) {
            float want = points.get(i).erf32();
            if (Float.isNaN(want) || want == 0 || Float.isInfinite(x[i])) {
                // floatToIntBits: all NaNs are one NaN (the vector loop's sign and payload are not specified)
                assertThat(Float.floatToIntBits(erf[i])).as("float32 erf(%s) = %s", x[i], erf[i])
                        .isEqualTo(Float.floatToIntBits(want));
            } else {
                // SimdErf when the Vector API is there: within 2.79 ulp of the double, so 3 of the float
                assertThat((double) Math.abs(erf[i] - want)).as("float32 erf(%s) = %s, rounded %s", x[i], erf[i], want)
                        .isLessThanOrEqualTo(3 * Math.ulp(want));
            }
            assertThat(Double.doubleToRawLongBits(erf64[i])).as("float64 tensor erf(%s)", x[i])
                    .isEqualTo(Double.doubleToRawLongBits(Erf.erf(x[i])));
        }
        assertThat(Elementwise.erf(Tensor.of(x, x.length)).dtype()).isEqualTo(DType.F32);
    }

    @Test
    void edgesOfTheRealLine() {
        assertThat(Double.doubleToRawLongBits(Erf.erf(-0.0))).isEqualTo(Double.doubleToRawLongBits(-0.0));
        assertThat(Erf.erf(Double.MIN_VALUE)).isEqualTo(Double.MIN_VALUE);        // (2/√π)·2⁻¹⁰⁷⁴ rounds to 2⁻¹⁰⁷⁴
        assertThat(Erf.erf(-4 * Double.MIN_VALUE)).isEqualTo(-5 * Double.MIN_VALUE); // 4.51… rounds to 5
        assertThat(Erf.erf(Double.POSITIVE_INFINITY)).isEqualTo(1.0);
        assertThat(Erf.erf(Double.NEGATIVE_INFINITY)).isEqualTo(-1.0);
        assertThat(Erf.erf(Double.NaN)).isNaN();
        assertThat(Erf.erfc(Double.NaN)).isNaN();
        assertThat(Erf.erfc(Double.POSITIVE_INFINITY)).isEqualTo(0.0);
        assertThat(Erf.erfc(Double.NEGATIVE_INFINITY)).isEqualTo(2.0);
        // erf reaches 1 where erfc falls to 2⁻⁵⁴ (at 5.9215871957945…): just below, it is 1 − 2⁻⁵³
        assertThat(Erf.erf(5.92)).isEqualTo(Math.nextDown(1.0));
        assertThat(Erf.erf(5.9216)).isEqualTo(1.0);
        assertThat(Erf.erfc(27.2)).isGreaterThan(0.0);
        assertThat(Erf.erfc(27.3)).isEqualTo(0.0);
        // monotone across every branch edge
        for (double edge : new double[] {0x1p-32, 0.4375, 0.5625, 3.0625, 6.0625}) {
            double below = Math.nextDown(edge);
            assertThat(Erf.erf(below)).as("erf at %s", edge).isLessThanOrEqualTo(Erf.erf(edge));
            assertThat(Erf.erfc(below)).as("erfc at %s", edge).isGreaterThanOrEqualTo(Erf.erfc(edge));
        }
    }

    private static double[] toDouble(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            d[i] = x[i];
        }
        return d;
    }
}
