package dev.ganglion.engine.simd;

import dev.ganglion.engine.kernel.LayerNormKernel;
import dev.ganglion.engine.kernel.ScalarLayerNorm;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * SIMD twin of {@link ScalarLayerNorm} for float32 rows, in double lanes throughout: the floats of
 * a row are widened to doubles ({@link #widen}, a plain loop C2 vectorizes, once a row where it fits
 * a {@link #BLOCK}) and read as vectors of {@link #D}; results are stored as doubles and narrowed the
 * same way. No float vector is converted: the kernel needs no second float species ({@link Simd#F32}
 * says why there is only one), nor masked loads, which with their conversions boxed every vector of
 * layer norm in the full engine suite at 512 bits (17 MB a 1,024² call). So the
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
 * {@code ρ·n·2⁻⁵²·(mean|ĝ| + |x̂ᵢ|·mean|ĝ·x̂|)}. x̂ and ĝ are recomputed for ∂L/∂x rather than kept:
 * the kernel needs no buffers beyond this thread's blocks of widened inputs.
 */
public final class SimdLayerNorm implements LayerNormKernel {
    /** Doubles of the active width. */
    private static final VectorSpecies<Double> D = VectorSpecies.of(double.class, Simd.F32.vectorShape());
    private static final int L = D.length();
    /**
     * Elements widened at a time: a multiple of 2·{@link #L} at every width, so the vector steps of
     * a row are the same whatever the block. A row whose vector part fits in one block is widened
     * once, before its passes, and the weight and bias once a call ({@code widened}); a longer row
     * is widened again by each pass, a block at a time. Four blocks of doubles ({@link #SCRATCH}) are
     * 128 KiB.
     */
    static final int BLOCK = 4096;
    /** This thread's four blocks of doubles: x, g or the bias, the weight, and results to narrow. */
    private static final ThreadLocal<double[]> SCRATCH = ThreadLocal.withInitial(() -> new double[4 * BLOCK]);
    private static final int XS = 0;
    private static final int GS = BLOCK;
    private static final int WS = 2 * BLOCK;
    private static final int OUT = 3 * BLOCK;

    /**
     * Creates the kernel (it holds no state); public and without arguments for
     * {@link dev.ganglion.engine.Vectorization#load}, which instantiates it reflectively.
     */
    public SimdLayerNorm() {}

    @Override
    public void forward(int from, int to, int n, float[] x, int xOff, float[] w, float[] b, double eps, float[] y,
            int yOff, double[] mean, double[] rstd) {
        double[] buf = SCRATCH.get();
        int bound = D.loopBound(n);
        boolean widened = bound <= BLOCK;
        if (widened) {
            widen(w, 0, buf, WS, bound);
            widen(b, 0, buf, GS, bound);
        }
        for (int r = from; r < to; r++) {
            int xo = xOff + r * n;
            if (widened) {
                widen(x, xo, buf, XS, bound);
            }
            double mu = shiftedSum(x, xo, n, 0, buf, widened) / n;
            mu += shiftedSum(x, xo, n, mu, buf, widened) / n;   // the residuals recover the rounding of the sum
            double rho = 1 / Math.sqrt(squares(x, xo, n, mu, buf, widened) / n + eps);
            affine(x, xo, n, mu, rho, w, b, y, yOff + r * n, buf, widened);
            mean[r] = mu;
            rstd[r] = rho;
        }
    }

    @Override
    public void backward(int from, int to, int n, float[] g, int gOff, float[] x, int xOff, double[] mean,
            double[] rstd, float[] w, float[] dx, int dxOff, double[] dw, double[] db) {
        double[] buf = SCRATCH.get();
        double[] means = new double[2];
        int bound = D.loopBound(n);
        boolean widened = bound <= BLOCK;
        if (widened) {
            widen(w, 0, buf, WS, bound);
        }
        for (int r = from; r < to; r++) {
            int xo = xOff + r * n;
            int go = gOff + r * n;
            if (widened) {
                widen(x, xo, buf, XS, bound);
                widen(g, go, buf, GS, bound);
            }
            accumulate(g, go, x, xo, n, mean[r], rstd[r], w, dw, db, dx == null ? null : means, buf, widened);
            if (dx != null) {
                inputGrad(g, go, x, xo, n, mean[r], rstd[r], w, means[0], means[1], dx, dxOff + r * n, buf,
                        widened);
            }
        }
    }

    /**
     * One row's {@code dw += g·x̂} and {@code db += g} (each where not null) and, into {@code means}
     * when not null, mean(ĝ) and mean(ĝ·x̂).
     */
    private static void accumulate(float[] g, int go, float[] x, int xo, int n, double mu, double rho, float[] w,
            double[] dw, double[] db, double[] means, double[] buf, boolean widened) {
        DoubleVector sg = DoubleVector.zero(D);
        DoubleVector sgx = sg;
        int bound = D.loopBound(n);
        for (int k = 0; k < bound; k += BLOCK) {
            int m = Math.min(BLOCK, bound - k);
            if (!widened) {
                widen(x, xo + k, buf, XS, m);
                widen(g, go + k, buf, GS, m);
                if (means != null) {
                    widen(w, k, buf, WS, m);
                }
            }
            for (int j = 0; j < m; j += L) {
                int i = k + j;
                DoubleVector xh = DoubleVector.fromArray(D, buf, XS + j).sub(mu).mul(rho);
                DoubleVector gv = DoubleVector.fromArray(D, buf, GS + j);
                if (dw != null) {
                    DoubleVector.fromArray(D, dw, i).add(gv.mul(xh)).intoArray(dw, i);
                }
                if (db != null) {
                    DoubleVector.fromArray(D, db, i).add(gv).intoArray(db, i);
                }
                if (means != null) {
                    DoubleVector gh = w == null ? gv : gv.mul(DoubleVector.fromArray(D, buf, WS + j));
                    sg = sg.add(gh);
                    sgx = gh.fma(xh, sgx);
                }
            }
        }
        double meanG = lanes(sg);
        double meanGX = lanes(sgx);
        for (int i = bound; i < n; i++) {
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
            double meanG, double meanGX, float[] dx, int dxo, double[] buf, boolean widened) {
        int bound = D.loopBound(n);
        for (int k = 0; k < bound; k += BLOCK) {
            int m = Math.min(BLOCK, bound - k);
            if (!widened) {
                widen(x, xo + k, buf, XS, m);
                widen(g, go + k, buf, GS, m);
                widen(w, k, buf, WS, m);
            }
            for (int j = 0; j < m; j += L) {
                DoubleVector xh = DoubleVector.fromArray(D, buf, XS + j).sub(mu).mul(rho);
                DoubleVector gh = DoubleVector.fromArray(D, buf, GS + j);
                if (w != null) {
                    gh = gh.mul(DoubleVector.fromArray(D, buf, WS + j));
                }
                gh.sub(meanG).sub(xh.mul(meanGX)).mul(rho).intoArray(buf, OUT + j);
            }
            narrow(buf, OUT, dx, dxo + k, m);
        }
        for (int i = bound; i < n; i++) {
            double xh = (x[xo + i] - mu) * rho;
            double gh = (double) g[go + i] * (w == null ? 1 : w[i]);
            dx[dxo + i] = (float) (rho * (gh - meanG - xh * meanGX));
        }
    }

    /**
     * {@code d[at … at+m) = a[i … i+m)} widened to double (nothing for a null a, an absent weight or
     * bias): a plain loop, which C2 vectorizes.
     */
    private static void widen(float[] a, int i, double[] d, int at, int m) {
        if (a == null) {
            return;
        }
        for (int j = 0; j < m; j++) {
            d[at + j] = a[i + j];
        }
    }

    /** {@code a[i … i+m) = d[at … at+m)} rounded to float: the inverse of {@link #widen}. */
    private static void narrow(double[] d, int at, float[] a, int i, int m) {
        for (int j = 0; j < m; j++) {
            a[i + j] = (float) d[at + j];
        }
    }

    /**
     * {@code Σ (xᵢ − shift)} in double: pairs of vectors into two accumulators, then one vector into
     * the first, then their lanes, then the tail.
     */
    private static double shiftedSum(float[] x, int xo, int n, double shift, double[] buf, boolean widened) {
        DoubleVector a0 = DoubleVector.zero(D);
        DoubleVector a1 = a0;
        int bound = D.loopBound(n);
        for (int k = 0; k < bound; k += BLOCK) {
            int m = Math.min(BLOCK, bound - k);
            if (!widened) {
                widen(x, xo + k, buf, XS, m);
            }
            int j = 0;
            for (; j <= m - 2 * L; j += 2 * L) {
                a0 = a0.add(DoubleVector.fromArray(D, buf, XS + j).sub(shift));
                a1 = a1.add(DoubleVector.fromArray(D, buf, XS + j + L).sub(shift));
            }
            if (j < m) {   // one vector left, in the last block only (a block is a multiple of 2·L)
                a0 = a0.add(DoubleVector.fromArray(D, buf, XS + j).sub(shift));
            }
        }
        double s = lanes(a0.add(a1));
        for (int i = bound; i < n; i++) {
            s += x[xo + i] - shift;
        }
        return s;
    }

    /** {@code Σ (xᵢ − μ)²} in double, in {@link #shiftedSum}'s order. */
    private static double squares(float[] x, int xo, int n, double mu, double[] buf, boolean widened) {
        DoubleVector a0 = DoubleVector.zero(D);
        DoubleVector a1 = a0;
        int bound = D.loopBound(n);
        for (int k = 0; k < bound; k += BLOCK) {
            int m = Math.min(BLOCK, bound - k);
            if (!widened) {
                widen(x, xo + k, buf, XS, m);
            }
            int j = 0;
            for (; j <= m - 2 * L; j += 2 * L) {
                DoubleVector d0 = DoubleVector.fromArray(D, buf, XS + j).sub(mu);
                DoubleVector d1 = DoubleVector.fromArray(D, buf, XS + j + L).sub(mu);
                a0 = d0.fma(d0, a0);
                a1 = d1.fma(d1, a1);
            }
            if (j < m) {
                DoubleVector d = DoubleVector.fromArray(D, buf, XS + j).sub(mu);
                a0 = d.fma(d, a0);
            }
        }
        double s = lanes(a0.add(a1));
        for (int i = bound; i < n; i++) {
            double d = x[xo + i] - mu;
            s += d * d;
        }
        return s;
    }

    /** {@code y = (x − μ)·ρ·γ + β} in double, rounded to float. */
    private static void affine(float[] x, int xo, int n, double mu, double rho, float[] w, float[] b, float[] y,
            int yo, double[] buf, boolean widened) {
        int bound = D.loopBound(n);
        for (int k = 0; k < bound; k += BLOCK) {
            int m = Math.min(BLOCK, bound - k);
            if (!widened) {
                widen(x, xo + k, buf, XS, m);
                widen(w, k, buf, WS, m);
                widen(b, k, buf, GS, m);
            }
            for (int j = 0; j < m; j += L) {
                DoubleVector t = DoubleVector.fromArray(D, buf, XS + j).sub(mu).mul(rho);
                if (w != null) {
                    t = t.mul(DoubleVector.fromArray(D, buf, WS + j));
                }
                if (b != null) {
                    t = t.add(DoubleVector.fromArray(D, buf, GS + j));
                }
                t.intoArray(buf, OUT + j);
            }
            narrow(buf, OUT, y, yo + k, m);
        }
        for (int i = bound; i < n; i++) {
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
