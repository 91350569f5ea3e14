package dev.ganglion.engine.kernel;

/**
 * The elementwise binary ops, {@code y = f(a, b)}. The {@link #apply} method, in double, is the
 * definition every kernel (float scalar, SIMD, float64) is tested against.
 *
 * <p>Comparisons give 1 where the relation holds and 0 elsewhere; every comparison with NaN is
 * false (0), including {@code eq(NaN, NaN)}.
 */
public enum BinaryOp {
    /** {@code y = a + b}. */
    ADD,
    /** {@code y = a − b}. */
    SUB,
    /** {@code y = a·b}. */
    MUL,
    /** {@code y = a / b} (IEEE: ±∞ or NaN on division by zero). */
    DIV,
    /**
     * {@code y = max(a, b)}.
     * NOTE: NaN in either input gives NaN (PyTorch's rule, {@link Math#max} semantics), and
     * max(−0, +0) = +0. On ties (a = b) autodiff splits the gradient equally between a and b.
     */
    MAXIMUM,
    /** {@code y = min(a, b)}; NaN and ties as for {@link #MAXIMUM}. */
    MINIMUM,
    /** {@code y = aᵇ} ({@link #pow(double, double)}: C99's and PyTorch's special cases). */
    POW,
    /** {@code y = [a > b]}. */
    GT,
    /** {@code y = [a ≥ b]}. */
    GE,
    /** {@code y = [a < b]}. */
    LT,
    /** {@code y = [a ≤ b]}. */
    LE,
    /** {@code y = [a = b]}. */
    EQ,
    /**
     * {@code y = b ≤ 0 ? 0 : a}: relu's backward, with a the gradient of its output and b its output
     * (or input: the same sign). One pass and no mask tensor, against a comparison and a product.
     * NOTE: 0 wherever b ≤ 0, even where a is ±∞ or NaN (where the product would have given NaN), and a
     * where b is NaN: PyTorch's threshold_backward, {@code where(b ≤ 0, 0, a)}.
     */
    RELU_GRAD,
    /**
     * {@code y = a·(Φ(b) + b·φ(b))}: {@link UnaryOp#GELU}'s backward in one pass, with a the gradient of
     * its output and b its input. NaN where b is ±∞ or NaN, as PyTorch's.
     */
    GELU_GRAD,
    /**
     * {@code y = a·gelu'(b)} for {@link UnaryOp#GELU_TANH}, a and b as for {@link #GELU_GRAD}: the exact
     * derivative of the tanh form. NaN where b is ±∞ or NaN, or where b² overflows, as PyTorch's.
     */
    GELU_TANH_GRAD;

    /**
     * {@code aᵇ} as C99 and IEEE 754 define it and PyTorch computes it: {@link Math#pow}, except that
     * {@code 1ᵇ = 1} for every b (NaN included) and {@code (−1)^±∞ = 1}, where Java gives NaN.
     */
    public static double pow(double a, double b) {
        return a == 1 || (a == -1 && Double.isInfinite(b)) ? 1 : Math.pow(a, b);
    }

    /** The reference value {@code f(a, b)} in double precision. */
    public double apply(double a, double b) {
        return switch (this) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case MAXIMUM -> Math.max(a, b);
            case MINIMUM -> Math.min(a, b);
            case POW -> pow(a, b);
            case GT -> a > b ? 1 : 0;
            case GE -> a >= b ? 1 : 0;
            case LT -> a < b ? 1 : 0;
            case LE -> a <= b ? 1 : 0;
            case EQ -> a == b ? 1 : 0;
            case RELU_GRAD -> b <= 0 ? 0 : a;
            case GELU_GRAD -> a * GeluMath.exactSlope(b);
            case GELU_TANH_GRAD -> a * GeluMath.tanhSlope(b);
        };
    }

    /** True for the comparisons, whose results are 0/1 and have no gradient. */
    public boolean isComparison() {
        return switch (this) {
            case GT, GE, LT, LE, EQ -> true;
            case ADD, SUB, MUL, DIV, MAXIMUM, MINIMUM, POW, RELU_GRAD, GELU_GRAD, GELU_TANH_GRAD -> false;
        };
    }

    /** The lower-case name used in error messages. */
    public String opName() {
        return name().toLowerCase();
    }
}
