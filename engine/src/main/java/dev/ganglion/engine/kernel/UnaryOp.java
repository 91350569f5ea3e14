package dev.ganglion.engine.kernel;

/**
 * The elementwise unary ops, {@code y = f(x; p, q)}. The {@link #apply} method, in double, is the
 * definition every kernel (float scalar, SIMD, float64) is tested against.
 *
 * <p>Five ops take scalar parameters: {@link #CLAMP} ({@code p = lo, q = hi}), {@link #POW}
 * ({@code p} = exponent), {@link #SCALE} ({@code p} = factor), {@link #ADD_SCALAR} ({@code p} =
 * addend), {@link #SOFTPLUS} ({@code p = β, q} = threshold); the others ignore {@code p} and
 * {@code q}. NaN inputs propagate for every op.
 */
public enum UnaryOp {
    /** {@code y = −x}. */
    NEG,
    /** {@code y = eˣ}. */
    EXP,
    /** {@code y = ln x} (−∞ at 0, NaN below). */
    LOG,
    /** {@code y = √x} (NaN below 0). */
    SQRT,
    /** {@code y = tanh x}. */
    TANH,
    /**
     * {@code y = σ(x) = 1 / (1 + e⁻ˣ)}.
     * NOTE: computed from {@code e^−|x|} so that it never overflows: σ(±∞) = 1 or 0, never NaN.
     */
    SIGMOID,
    /**
     * {@code y = max(x, 0)}.
     * NOTE: relu(−0) = +0 and relu(NaN) = NaN; autodiff uses relu'(0) = 0.
     */
    RELU,
    /**
     * {@code y = x·σ(x)} (SiLU, swish).
     * NOTE: silu(−∞) = −∞·0 = NaN, as in PyTorch; finite inputs never give NaN.
     */
    SILU,
    /** {@code y = sin x}. */
    SIN,
    /** {@code y = cos x}. */
    COS,
    /** {@code y = |x|}. */
    ABS,
    /** {@code y = x²}. */
    SQUARE,
    /** {@code y = 1/x}. */
    RECIPROCAL,
    /**
     * {@code y = min(max(x, lo), hi)} with {@code p = lo, q = hi}.
     * NOTE: when lo > hi every element becomes hi (PyTorch's rule).
     */
    CLAMP,
    /** {@code y = xᵖ} ({@link BinaryOp#pow(double, double)}: NaN for negative x and non-integer p). */
    POW,
    /** {@code y = p·x}. */
    SCALE,
    /** {@code y = x + p}. */
    ADD_SCALAR,
    /**
     * {@code y = ln(1 + x)} ({@link Math#log1p}: accurate near 0, where {@code log(1 + x)} loses the
     * digits of x; −∞ at −1, NaN below).
     */
    LOG1P,
    /** {@code y = eˣ − 1} ({@link Math#expm1}: accurate near 0, where {@code exp(x) − 1} cancels). */
    EXPM1,
    /** {@code y = erf x = (2/√π)·∫₀ˣ e^{−t²} dt} ({@link Erf#erf}: within one ulp; erf(±∞) = ±1). */
    ERF,
    /**
     * {@code y = x·Φ(x) = ½·x·(1 + erf(x/√2))} (GELU; PyTorch's {@code gelu(x, approximate='none')}).
     * NOTE: Φ is {@code ½·erfc(−x/√2)}, so the left tail keeps its digits where PyTorch's
     * {@code ½·(1 + erf)} cancels: gelu(−10) = −7.6·10⁻²³, PyTorch's −0 (PyTorch is 4·10⁻¹¹ off
     * relative at −5, 2·10⁻⁶ at −7, and 0 below about −8.4). gelu(−∞) = −∞·0 = NaN, as PyTorch.
     */
    GELU,
    /**
     * {@code y = ½·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))} (PyTorch's {@code gelu(x,
     * approximate='tanh')}), computed as {@code x·σ(2u)}, the same value without the cancellation of
     * {@code 1 + tanh} for x ≪ 0 (PyTorch's is 0 below about −7.2). gelu(−∞) = NaN, as PyTorch.
     */
    GELU_TANH,
    /**
     * {@code y = ln(1 + e^{βx})/β}, and {@code y = x} where {@code βx > threshold}, with {@code p = β,
     * q = threshold}: PyTorch's {@code softplus(x, beta, threshold)}, the same formula
     * ({@link Math#log1p} of {@link Math#exp}). Its arguments are checked by
     * {@link dev.ganglion.engine.ops.Elementwise#softplus}.
     */
    SOFTPLUS;

    /** The reference value {@code f(x; p, q)} in double precision. */
    public double apply(double x, double p, double q) {
        return switch (this) {
            case NEG -> -x;
            case EXP -> Math.exp(x);
            case LOG -> Math.log(x);
            case SQRT -> Math.sqrt(x);
            case TANH -> Math.tanh(x);
            case SIGMOID -> sigmoid(x);
            case RELU -> Math.max(x, 0.0);
            case SILU -> x * sigmoid(x);
            case SIN -> Math.sin(x);
            case COS -> Math.cos(x);
            case ABS -> Math.abs(x);
            case SQUARE -> x * x;
            case RECIPROCAL -> 1.0 / x;
            case CLAMP -> Math.min(Math.max(x, p), q);
            case POW -> BinaryOp.pow(x, p);
            case SCALE -> p * x;
            case ADD_SCALAR -> x + p;
            case LOG1P -> Math.log1p(x);
            case EXPM1 -> Math.expm1(x);
            case ERF -> Erf.erf(x);
            case GELU -> GeluMath.exact(x);
            case GELU_TANH -> GeluMath.tanh(x);
            case SOFTPLUS -> x * p > q ? x : Math.log1p(Math.exp(x * p)) / p;
        };
    }

    /** {@code apply(x, 0, 0)}, for the ops without parameters. */
    public double apply(double x) {
        return apply(x, 0, 0);
    }

    /** The lower-case name used in error messages ({@code "addScalar"}, {@code "exp"}, …). */
    public String opName() {
        return this == ADD_SCALAR ? "addScalar" : name().toLowerCase();
    }

    /** Stable logistic function: only ever exponentiates a non-positive number. */
    static double sigmoid(double x) {
        double e = Math.exp(-Math.abs(x));
        return x >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
    }
}
