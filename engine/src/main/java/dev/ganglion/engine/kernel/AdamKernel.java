package dev.ganglion.engine.kernel;

/**
 * One Adam step over a float32 parameter's elements {@code [from, to)}, in the operation order of
 * PyTorch's single-tensor kernel (so that results agree with it to the bit), with the state flushed
 * as it is stored:
 * <pre>
 *   p' = decoupled ? p·d : p                    (AdamW: d = 1 − lr·λ)
 *   g' = coupled ? fma(p', d, g) : g            (Adam's L2 decay: d = λ)
 *   m  = fma(g', 1 − β₁, m·β₁)
 *   v  = v·β₂ + ((1 − β₂)·g')·g'
 *   p  = p' + (s·m) / (√v / c + ε)              (s = −lr/(1 − β₁ᵗ), c = √(1 − β₂ᵗ))
 * </pre>
 * and m and v stored through {@link UnaryKernel#flushBelow} with the bounds {@code floorM} and
 * {@code floorV} (the update itself uses them unflushed). The constants come rounded to float
 * once, by the caller, from their values in double.
 *
 * <p>Why a kernel: the update is bound by its square root and two divisions per element (about two
 * cycles an element on 512-bit vectors; C2 vectorises the plain loop by itself), and the separate
 * flush passes over m and v after it cost about a tenth of the step; folded into the vector loop,
 * the compares ride along with the divisions.
 */
public interface AdamKernel {
    /** Where weight decay enters the step. */
    enum Decay {
        /** No weight decay ({@code decayFactor} is not read). */
        NONE,
        /** Adam's L2 decay, into the gradient: {@code g' = fma(p, λ, g)}. */
        COUPLED,
        /** AdamW's, on the parameter: {@code p' = p·(1 − lr·λ)}. */
        DECOUPLED
    }

    /**
     * The step of the class comment for elements {@code [from, to)} of p, g, m and v (all indexed
     * alike). {@code floorM} and {@code floorV} are finite floats ≥ 2⁻¹²⁶.
     */
    void update(float[] p, float[] g, float[] m, float[] v, int from, int to,
                float beta1, float oneMinusBeta1, float beta2, float oneMinusBeta2, float stepSize,
                float biasCorrection2, float eps, Decay decay, float decayFactor, float floorM, float floorV);

    /** The implementation picked at start-up (SIMD when enabled, else {@link ScalarAdam}). */
    static AdamKernel active() {
        return ActiveKernels.Adam.KERNEL;
    }
}
