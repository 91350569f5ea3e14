package dev.ganglion.engine.kernel;

/**
 * GELU, {@code x·Φ(x)} (Φ the standard normal CDF), exactly and in PyTorch's tanh approximation, with
 * their derivatives: the definitions behind {@link UnaryOp#GELU}, {@link UnaryOp#GELU_TANH},
 * {@link BinaryOp#GELU_GRAD} and {@link BinaryOp#GELU_TANH_GRAD}.
 */
final class GeluMath {
    private static final double SQRT_HALF = Math.sqrt(0.5);
    /** {@code 1/√(2π)}, as PyTorch rounds it: {@code (2/√π)·√½·½}. */
    private static final double INV_SQRT_2PI = 2 / Math.sqrt(Math.PI) * SQRT_HALF * 0.5;
    /** {@code √(2/π)}, as PyTorch rounds it: {@code √2·(2/√π)·½}. */
    private static final double K = Math.sqrt(2) * (2 / Math.sqrt(Math.PI)) * 0.5;
    private static final double KAPPA = 0.044715;

    private GeluMath() {}

    /**
     * {@code Φ(x) = ½·erfc(−x/√2)}: for x &lt; 0 the small erfc itself, not {@code ½·(1 + erf(x/√2))},
     * which cancels (to 0 below about −8.4).
     */
    private static double cdf(double x) {
        return 0.5 * Erf.erfc(-x * SQRT_HALF);
    }

    /** {@code y = x·Φ(x)}. */
    static double exact(double x) {
        return x * cdf(x);
    }

    /** {@code dy/dx = Φ(x) + x·φ(x)}, {@code φ(x) = e^{−x²/2}/√(2π)}; NaN at ±∞ (∞·0), as PyTorch. */
    static double exactSlope(double x) {
        return cdf(x) + x * (INV_SQRT_2PI * Erf.expOfMinusSquare(x, 0.5));
    }

    /** {@code 2u = 2·√(2/π)·(x + 0.044715·x³)}, the cube as PyTorch forms it. */
    private static double twiceInner(double x) {
        return 2 * (K * (x + KAPPA * (x * x * x)));
    }

    /**
     * {@code y = ½·x·(1 + tanh u) = x·σ(2u)}: the same value, without the cancellation of
     * {@code 1 + tanh u} for x ≪ 0.
     */
    static double tanh(double x) {
        return x * UnaryOp.sigmoid(twiceInner(x));
    }

    /**
     * {@code dy/dx = σ(2u) + 2x·σ(2u)·σ(−2u)·√(2/π)·(1 + 3·0.044715·x²)} ({@code ½(1 − tanh²u) =
     * 2σ(2u)σ(−2u)}, with no {@code 1 − tanh²} to cancel); NaN at ±∞, and where x² overflows, as
     * PyTorch.
     */
    static double tanhSlope(double x) {
        double u2 = twiceInner(x);
        double s = UnaryOp.sigmoid(u2);
        return s + 2 * x * s * UnaryOp.sigmoid(-u2) * K * (1 + 3 * KAPPA * (x * x));
    }
}
