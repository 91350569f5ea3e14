package dev.ganglion.engine.kernel;

/**
 * Scalar reference {@link AdamKernel}: the update one element at a time, in the order of the
 * interface comment, then the flush of the stored m and v. Two loops, not one: C2 vectorises the
 * update loop by itself, and a flush inside it stops that (measured 2.1 against 1.1 ns an element).
 */
public final class ScalarAdam implements AdamKernel {
    /** The kernel (it holds no state). */
    public ScalarAdam() {}

    @Override
    public void update(float[] p, float[] g, float[] m, float[] v, int from, int to,
                       float beta1, float oneMinusBeta1, float beta2, float oneMinusBeta2, float stepSize,
                       float biasCorrection2, float eps, Decay decay, float decayFactor, float floorM, float floorV) {
        run(p, g, m, v, from, to, beta1, oneMinusBeta1, beta2, oneMinusBeta2, stepSize, biasCorrection2, eps, decay,
                decayFactor, ScalarUnary.flushBound(floorM), ScalarUnary.flushBound(floorV));
    }

    /** {@link #update} with the flush bounds as bits ({@link ScalarUnary#flushBound}); also the SIMD kernel's tail. */
    public static void run(float[] p, float[] g, float[] m, float[] v, int from, int to,
                           float beta1, float oneMinusBeta1, float beta2, float oneMinusBeta2, float stepSize,
                           float biasCorrection2, float eps, Decay decay, float decayFactor, int floorMBits,
                           int floorVBits) {
        boolean decoupled = decay == Decay.DECOUPLED;
        boolean coupled = decay == Decay.COUPLED;
        for (int i = from; i < to; i++) {
            float pi = decoupled ? p[i] * decayFactor : p[i];
            float gi = coupled ? Math.fma(pi, decayFactor, g[i]) : g[i];
            // the operation order of PyTorch's kernels: add with alpha is a fused multiply-add,
            // addcmul is (value·t1)·t2, addcdiv is (value·t1)/t2
            float mi = Math.fma(gi, oneMinusBeta1, m[i] * beta1);
            float vi = v[i] * beta2 + oneMinusBeta2 * gi * gi;
            m[i] = mi;
            v[i] = vi;
            float denom = (float) Math.sqrt(vi) / biasCorrection2 + eps;
            p[i] = pi + stepSize * mi / denom;
        }
        for (int i = from; i < to; i++) {
            m[i] = ScalarUnary.flushBelow(m[i], floorMBits);
            v[i] = ScalarUnary.flushBelow(v[i], floorVBits);
        }
    }
}
