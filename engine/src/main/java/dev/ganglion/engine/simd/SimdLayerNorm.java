package dev.ganglion.engine.simd;

import dev.ganglion.engine.kernel.LayerNormKernel;
import dev.ganglion.engine.kernel.ScalarLayerNorm;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * SIMD twin of {@link ScalarLayerNorm} for float32 rows, in double lanes throughout: half a vector
 * of floats is widened to a full vector of doubles ({@link #D}, as many lanes as {@link #H}), so the
 * statistics are accumulated in double as the reference's are, in the same passes (the sum, the
 * residuals {@code x − μ} that correct μ, the squared deviations), and {@code (x − μ)·ρ·γ + β} is
 * evaluated in double in the reference's order and rounded to float once.
 *
 * <p>Agreement with the reference: only the order of the double sums differs (two accumulators of
 * D's lanes, then the lanes added in index order, then the tail; the squares use a fused
 * multiply-add). Each sum is within {@code n·2⁻⁵³·Σ|terms|} of the reference's, so μ differs by at
 * most about {@code n·2⁻⁵²·max|x|} and ρ by a relative {@code n·2⁻⁵¹}; y differs by at most one
 * float ulp of y (where the two round on either side of a float) plus that tiny double difference.
 * The lane sums are reduced in a fixed order (not {@code reduceLanes}, whose order the interpreter and
 * C2 do not share), so a row's results are the same in every JIT tier and on every thread.
 *
 * <p>The residual pass rarely changes μ for float32 rows: the double sum of n floats that span a few
 * binades (a large common offset) is exact for n well below 2²⁹, so μ is already the correctly rounded
 * mean; it is kept, as in the reference, for rows whose values span many binades (it costs about a
 * tenth of the time at 1024 a row).
 *
 * <p>The backward follows {@link ScalarLayerNorm#backwardRow} in double lanes: {@code x̂ = (x − μ)·ρ}
 * and {@code ĝ = g·γ} element by element as the reference computes them, so the partial ∂L/∂γ and
 * ∂L/∂β ({@code dw += g·x̂}, {@code db += g}, rows added in order) are bit-identical to the
 * reference's. Only mean(ĝ) and mean(ĝ·x̂) are summed in another order (lanes, then the lanes in
 * index order, then the tail; a fused multiply-add for ĝ·x̂): each is within
 * {@code n·2⁻⁵²·mean|terms|} of the reference's, so ∂L/∂x differs by at most one float ulp plus
 * {@code ρ·n·2⁻⁵²·(mean|ĝ| + |x̂ᵢ|·mean|ĝ·x̂|)}. x̂ and ĝ are recomputed for ∂L/∂x rather than kept,
 * so the kernel needs no row buffers.
 */
public final class SimdLayerNorm implements LayerNormKernel {
    /** Doubles of the active width. */
    private static final VectorSpecies<Double> D = VectorSpecies.of(double.class, Simd.F32.vectorShape());
    /** Floats of half the active width: as many lanes as {@link #D}, widened one to one. */
    private static final VectorSpecies<Float> H =
            VectorSpecies.of(float.class, VectorShape.forBitSize(Simd.F32.vectorBitSize() / 2));
    private static final int L = D.length();

    /**
     * Creates the kernel (it holds no state); public and without arguments for
     * {@link dev.ganglion.engine.Vectorization#load}, which instantiates it reflectively.
     */
    public SimdLayerNorm() {}

    @Override
    public void forward(int from, int to, int n, float[] x, int xOff, float[] w, float[] b, double eps, float[] y,
            int yOff, double[] mean, double[] rstd) {
        for (int r = from; r < to; r++) {
            int xo = xOff + r * n;
            double mu = shiftedSum(x, xo, n, 0) / n;
            mu += shiftedSum(x, xo, n, mu) / n;   // the residuals recover the rounding of the sum
            double rho = 1 / Math.sqrt(squares(x, xo, n, mu) / n + eps);
            affine(x, xo, n, mu, rho, w, b, y, yOff + r * n);
            mean[r] = mu;
            rstd[r] = rho;
        }
    }

    @Override
    public void backward(int from, int to, int n, float[] g, int gOff, float[] x, int xOff, double[] mean,
            double[] rstd, float[] w, float[] dx, int dxOff, double[] dw, double[] db) {
        double[] means = new double[2];
        for (int r = from; r < to; r++) {
            int xo = xOff + r * n;
            int go = gOff + r * n;
            accumulate(g, go, x, xo, n, mean[r], rstd[r], w, dw, db, dx == null ? null : means);
            if (dx != null) {
                inputGrad(g, go, x, xo, n, mean[r], rstd[r], w, means[0], means[1], dx, dxOff + r * n);
            }
        }
    }

    /**
     * One row's {@code dw += g·x̂} and {@code db += g} (each where not null) and, into {@code means}
     * when not null, mean(ĝ) and mean(ĝ·x̂).
     */
    private static void accumulate(float[] g, int go, float[] x, int xo, int n, double mu, double rho, float[] w,
            double[] dw, double[] db, double[] means) {
        DoubleVector sg = DoubleVector.zero(D);
        DoubleVector sgx = sg;
        int i = 0;
        for (int bound = D.loopBound(n); i < bound; i += L) {
            DoubleVector xh = wide(x, xo + i).sub(mu).mul(rho);
            DoubleVector gv = wide(g, go + i);
            if (dw != null) {
                DoubleVector.fromArray(D, dw, i).add(gv.mul(xh)).intoArray(dw, i);
            }
            if (db != null) {
                DoubleVector.fromArray(D, db, i).add(gv).intoArray(db, i);
            }
            if (means != null) {
                DoubleVector gh = w == null ? gv : gv.mul(wide(w, i));
                sg = sg.add(gh);
                sgx = gh.fma(xh, sgx);
            }
        }
        double meanG = lanes(sg);
        double meanGX = lanes(sgx);
        for (; i < n; i++) {
            double xh = (x[xo + i] - mu) * rho;
            double gi = g[go + i];
            if (dw != null) {
                dw[i] += gi * xh;
            }
            if (db != null) {
                db[i] += gi;
            }
            double gh = gi * (w == null ? 1 : w[i]);
            meanG += gh;
            meanGX += gh * xh;
        }
        if (means != null) {
            means[0] = meanG / n;
            means[1] = meanGX / n;
        }
    }

    /** One row's {@code ∂L/∂x = ρ·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂))} in double, rounded to float. */
    private static void inputGrad(float[] g, int go, float[] x, int xo, int n, double mu, double rho, float[] w,
            double meanG, double meanGX, float[] dx, int dxo) {
        int i = 0;
        for (int bound = D.loopBound(n); i < bound; i += L) {
            DoubleVector xh = wide(x, xo + i).sub(mu).mul(rho);
            DoubleVector gh = wide(g, go + i);
            if (w != null) {
                gh = gh.mul(wide(w, i));
            }
            DoubleVector d = gh.sub(meanG).sub(xh.mul(meanGX)).mul(rho);
            narrow(d, dx, dxo + i);
        }
        for (; i < n; i++) {
            double xh = (x[xo + i] - mu) * rho;
            double gh = (double) g[go + i] * (w == null ? 1 : w[i]);
            dx[dxo + i] = (float) (rho * (gh - meanG - xh * meanGX));
        }
    }

    /** {@code a[i … i+L)} widened to doubles. */
    private static DoubleVector wide(float[] a, int i) {
        return (DoubleVector) FloatVector.fromArray(H, a, i).convertShape(VectorOperators.F2D, D, 0);
    }

    /** {@code v}'s lanes rounded to float into {@code a[i …]}: the inverse of {@link #wide}. */
    private static void narrow(DoubleVector v, float[] a, int i) {
        ((FloatVector) v.convertShape(VectorOperators.D2F, H, 0)).intoArray(a, i);
    }

    /** {@code Σ (xᵢ − shift)} in double. */
    private static double shiftedSum(float[] x, int xo, int n, double shift) {
        DoubleVector a0 = DoubleVector.zero(D);
        DoubleVector a1 = a0;
        int i = 0;
        for (int bound = n - 2 * L; i <= bound; i += 2 * L) {
            a0 = a0.add(wide(x, xo + i).sub(shift));
            a1 = a1.add(wide(x, xo + i + L).sub(shift));
        }
        for (; i <= n - L; i += L) {
            a0 = a0.add(wide(x, xo + i).sub(shift));
        }
        double s = lanes(a0.add(a1));
        for (; i < n; i++) {
            s += x[xo + i] - shift;
        }
        return s;
    }

    /** {@code Σ (xᵢ − μ)²} in double. */
    private static double squares(float[] x, int xo, int n, double mu) {
        DoubleVector a0 = DoubleVector.zero(D);
        DoubleVector a1 = a0;
        int i = 0;
        for (int bound = n - 2 * L; i <= bound; i += 2 * L) {
            DoubleVector d0 = wide(x, xo + i).sub(mu);
            DoubleVector d1 = wide(x, xo + i + L).sub(mu);
            a0 = d0.fma(d0, a0);
            a1 = d1.fma(d1, a1);
        }
        for (; i <= n - L; i += L) {
            DoubleVector d = wide(x, xo + i).sub(mu);
            a0 = d.fma(d, a0);
        }
        double s = lanes(a0.add(a1));
        for (; i < n; i++) {
            double d = x[xo + i] - mu;
            s += d * d;
        }
        return s;
    }

    /** {@code y = (x − μ)·ρ·γ + β} in double, rounded to float. */
    private static void affine(float[] x, int xo, int n, double mu, double rho, float[] w, float[] b, float[] y,
            int yo) {
        int i = 0;
        for (int bound = D.loopBound(n); i < bound; i += L) {
            DoubleVector t = wide(x, xo + i).sub(mu).mul(rho);
            if (w != null) {
                t = t.mul(wide(w, i));
            }
            if (b != null) {
                t = t.add(wide(b, i));
            }
            narrow(t, y, yo + i);
        }
        for (; i < n; i++) {
            y[yo + i] = (float) ((x[xo + i] - mu) * rho * (w == null ? 1 : w[i]) + (b == null ? 0 : b[i]));
        }
    }

    /** The lanes of v added in index order: the same in every JIT tier. */
    private static double lanes(DoubleVector v) {
        double s = 0;
        for (double e : v.toArray()) {
            s += e;
        }
        return s;
    }
}
