package dev.ganglion.autodiff;

import static dev.ganglion.autodiff.Graph.NOTHING;
import static dev.ganglion.autodiff.Graph.in;
import static dev.ganglion.autodiff.Graph.record;
import static dev.ganglion.autodiff.Graph.require;
import static dev.ganglion.autodiff.Graph.save;

import dev.ganglion.engine.DType;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.kernel.BinaryOp;
import dev.ganglion.engine.ops.Elementwise;
import java.util.Objects;

/**
 * Differentiable elementwise ops on {@link Var}s: {@code y_i = f(x_i)} and broadcasting
 * {@code y = f(a, b)} (NumPy rules; gradients are summed back to each input's shape by the
 * backward walk). Values are computed by the engine's {@code Elementwise}; comparisons return
 * constants (0/1) and record nothing.
 */
public final class PointwiseOps {
    private PointwiseOps() {}

    // ---------------------------------------------------------------- unary

    /** {@code y = −x}. */
    public static Var neg(Var x) {
        return record(Op.NEG, Elementwise.neg(x.value()), in(x), NOTHING);
    }

    /** {@code y = eˣ}. */
    public static Var exp(Var x) {
        Tensor y = Elementwise.exp(x.value());
        return record(Op.EXP, y, in(x), save(y));
    }

    /** {@code y = ln x}. */
    public static Var log(Var x) {
        return record(Op.LOG, Elementwise.log(x.value()), in(x), save(x.value()));
    }

    /** {@code y = √x}. */
    public static Var sqrt(Var x) {
        Tensor y = Elementwise.sqrt(x.value());
        return record(Op.SQRT, y, in(x), save(y));
    }

    /** {@code y = tanh x}. */
    public static Var tanh(Var x) {
        Tensor y = Elementwise.tanh(x.value());
        return record(Op.TANH, y, in(x), save(y));
    }

    /** {@code y = σ(x) = 1/(1+e⁻ˣ)}. */
    public static Var sigmoid(Var x) {
        Tensor y = Elementwise.sigmoid(x.value());
        return record(Op.SIGMOID, y, in(x), save(y));
    }

    /** {@code y = max(x, 0)}; the gradient at 0 is 0. */
    public static Var relu(Var x) {
        Tensor y = Elementwise.relu(x.value());
        return record(Op.RELU, y, in(x), save(y));
    }

    /**
     * {@link #relu}'s backward as recorded ops: g where {@code y > 0}, else 0 (a NaN y passes g), y
     * the ReLU's output; for the recorded backward of an op whose ReLU runs inside it.
     */
    public static Var reluGrad(Var g, Tensor y) {
        return where(Elementwise.le(y, Tensor.scalar(0, y.dtype())), Var.constant(Tensor.scalar(0, g.dtype())), g);
    }

    /** {@code y = x·σ(x)}. */
    public static Var silu(Var x) {
        return record(Op.SILU, Elementwise.silu(x.value()), in(x), save(x.value()));
    }

    /** {@code y = sin x}. */
    public static Var sin(Var x) {
        return record(Op.SIN, Elementwise.sin(x.value()), in(x), save(x.value()));
    }

    /** {@code y = cos x}. */
    public static Var cos(Var x) {
        return record(Op.COS, Elementwise.cos(x.value()), in(x), save(x.value()));
    }

    /** {@code y = |x|}; the gradient at 0 is 0. */
    public static Var abs(Var x) {
        return record(Op.ABS, Elementwise.abs(x.value()), in(x), save(x.value()));
    }

    /** {@code y = x²}. */
    public static Var square(Var x) {
        return record(Op.SQUARE, Elementwise.square(x.value()), in(x), save(x.value()));
    }

    /** {@code y = 1/x}. */
    public static Var reciprocal(Var x) {
        Tensor y = Elementwise.reciprocal(x.value());
        return record(Op.RECIPROCAL, y, in(x), save(y));
    }

    /** {@code y = ln(1 + x)}, accurate near 0 (where {@code log(1 + x)} loses x's digits); {@code dx = g/(1 + x)}. */
    public static Var log1p(Var x) {
        return record(Op.LOG1P, Elementwise.log1p(x.value()), in(x), save(x.value()));
    }

    /**
     * {@code y = eˣ − 1}, accurate near 0 (where {@code exp(x) − 1} cancels); {@code dx = g·eˣ},
     * computed from x: {@code y + 1} rounds away eˣ for x below about −17 (float32), where ELU's
     * gradient lives.
     */
    public static Var expm1(Var x) {
        return record(Op.EXPM1, Elementwise.expm1(x.value()), in(x), save(x.value()));
    }

    /**
     * {@code y = erf x = (2/√π)·∫₀ˣ e^{−t²} dt}, within one ulp in float64 (the engine's
     * {@link dev.ganglion.engine.kernel.Erf}); {@code dx = g·(2/√π)·e^{−x²}}.
     */
    public static Var erf(Var x) {
        return record(Op.ERF, Elementwise.erf(x.value()), in(x), save(x.value()));
    }

    /**
     * {@code y = gelu(x) = x·Φ(x) = ½·x·(1 + erf(x/√2))}, Φ the standard normal CDF (PyTorch's
     * {@code gelu(x)}); {@code dx = g·(Φ(x) + x·φ(x))}, {@code φ(x) = e^{−x²/2}/√(2π)}, in one pass. NaN
     * at ±∞ for the gradient (and −∞ for the value), as PyTorch.
     * NOTE: the left tail keeps its digits (Φ from erfc, not {@code 1 + erf}), where PyTorch's cancels:
     * gelu(−10) = −7.6·10⁻²³ here, −0 in PyTorch, and its gradient there is 1 % off in PyTorch.
     */
    public static Var gelu(Var x) {
        return gelu(x, Gelu.NONE);
    }

    /**
     * {@link #gelu(Var)} exactly ({@link Gelu#NONE}) or in the tanh approximation ({@link Gelu#TANH}),
     * PyTorch's {@code gelu(x, approximate=…)}: {@code y = ½·x·(1 + tanh u)},
     * {@code u = √(2/π)·(x + 0.044715·x³)}, with its exact derivative
     * {@code ½·(1 + tanh u) + ½·x·(1 − tanh²u)·√(2/π)·(1 + 3·0.044715·x²)}. Both are one fused node,
     * one pass forward and one backward, in float32 and float64.
     * NOTE: the tanh form too is computed without cancelling ({@code x·σ(2u)}), so its left tail is
     * not 0 below −7.2 as PyTorch's; and its float32 gradient is computed in double, so it is 1,
     * not PyTorch's NaN, where x² overflows float (|x| ≥ 1.9·10¹⁹).
     *
     * @throws NullPointerException when {@code approximate} is null
     */
    public static Var gelu(Var x, Gelu approximate) {
        Objects.requireNonNull(approximate, "gelu: approximate is null");
        return switch (approximate) {
            case NONE -> record(Op.GELU, Elementwise.gelu(x.value()), in(x), save(x.value()));
            case TANH -> record(Op.GELU_TANH, Elementwise.geluTanh(x.value()), in(x), save(x.value()));
        };
    }

    /**
     * {@code y = ln(1 + eˣ)}, and {@code y = x} where x &gt; 20: {@link #softplus(Var, double, double)}
     * with PyTorch's defaults β = 1, threshold = 20.
     */
    public static Var softplus(Var x) {
        return softplus(x, 1, 20);
    }

    /**
     * {@code y = ln(1 + e^{βx})/β}, and {@code y = x} where {@code βx > threshold} (PyTorch's
     * {@code softplus(x, beta, threshold)}); {@code dx = g·σ(βx)}, g above the threshold, NaN at a
     * NaN x (as PyTorch). One node: the engine's {@code UnaryOp.SOFTPLUS} forward, its gradient from
     * x. For float32, β and the threshold are rounded to float first, as PyTorch does.
     * NOTE: σ never overflows, where PyTorch's {@code e^{βx}/(e^{βx} + 1)} gives a NaN gradient for
     * βx above 709.8 when the threshold is higher still.
     *
     * @throws IllegalArgumentException when β is not a positive finite number (in x's dtype) or the
     *     threshold is NaN
     */
    public static Var softplus(Var x, double beta, double threshold) {
        Tensor y = Elementwise.softplus(x.value(), beta, threshold);
        return record(Op.SOFTPLUS, y, in(x), save(x.value()), null, 0, new double[] {beta, threshold});
    }

    /** {@code y = min(max(x, lo), hi)}; the gradient passes where {@code lo ≤ x ≤ hi} (bounds included). */
    public static Var clamp(Var x, double lo, double hi) {
        Tensor y = Elementwise.clamp(x.value(), lo, hi);
        return record(Op.CLAMP, y, in(x), save(x.value()), null, 0, new double[] {lo, hi});
    }

    /**
     * {@code y = xᵖ} for a constant exponent, with {@link Math#pow}'s IEEE values at the edges: so
     * {@code pow(−∞, 0.5) = +∞} (where {@code sqrt(−∞)} is NaN) and {@code pow(−0, −0.5) = +∞}, where
     * PyTorch, which computes p = ±0.5 as a square root, gives NaN and −∞.
     */
    public static Var pow(Var x, double p) {
        return record(Op.POW_SCALAR, Elementwise.pow(x.value(), p), in(x), save(x.value()), null, p, null);
    }

    /** {@code y = s·x}. */
    public static Var scale(Var x, double s) {
        return record(Op.SCALE, Elementwise.scale(x.value(), s), in(x), NOTHING, null, s, null);
    }

    /** {@code y = x + s}. */
    public static Var addScalar(Var x, double s) {
        return record(Op.ADD_SCALAR, Elementwise.addScalar(x.value(), s), in(x), NOTHING);
    }

    /**
     * {@code y = x} as {@code dtype} (rounded to nearest when narrowing to float32), as PyTorch's
     * {@code x.to(dtype)}: {@code x} itself when it already has that dtype. {@code dx = dy} converted
     * back to x's dtype, so a float32 part of a float64 graph (or the reverse) differentiates.
     */
    public static Var to(Var x, DType dtype) {
        Objects.requireNonNull(dtype, "to: dtype is null");
        if (x.dtype() == dtype) {
            return x;
        }
        return record(Op.CAST, x.value().to(dtype), in(x), NOTHING);
    }

    // ---------------------------------------------------------------- activations composed of the above

    /**
     * {@code y = x > 0 ? x : slope·x} (PyTorch's {@code leaky_relu}); the gradient at 0 is
     * {@code slope}, and at a NaN x too (y NaN), as PyTorch's.
     */
    public static Var leakyRelu(Var x, double slope) {
        return where(compare(BinaryOp.GT, x, 0), x, scale(x, slope));
    }

    /**
     * {@code y = x > 0 ? x : α·(eˣ − 1)} (PyTorch's {@code elu}, with {@link #expm1} so that small
     * negative x keep their digits); {@code dy/dx = α·eˣ} for x ≤ 0, 1 above. The exponential sees
     * {@code min(x, 0)}, so a large x never overflows it into a NaN gradient. A NaN x takes the
     * x &gt; 0 branch, as PyTorch's scalar loop does (its test is {@code x ≤ 0}): y is NaN, the
     * gradient g. PyTorch's vector loop gives NaN there instead, so its answer depends on where the
     * element sits.
     */
    public static Var elu(Var x, double alpha) {
        return where(compare(BinaryOp.LE, x, 0), scale(expm1(clamp(x, Double.NEGATIVE_INFINITY, 0)), alpha), x);
    }

    /** {@code op(x, t)} as 0/1 in x's dtype (0 for a NaN x, whatever the comparison). */
    private static Tensor compare(BinaryOp op, Var x, double t) {
        return Elementwise.apply(op, x.value(), Tensor.scalar(t, x.dtype()));
    }

    // ---------------------------------------------------------------- binary, broadcasting

    /** {@code y = a + b}. */
    public static Var add(Var a, Var b) {
        return record(Op.ADD, Elementwise.add(a.value(), b.value()), require("add", a, b), NOTHING);
    }

    /** {@code y = a − b}. */
    public static Var sub(Var a, Var b) {
        return record(Op.SUB, Elementwise.sub(a.value(), b.value()), require("sub", a, b), NOTHING);
    }

    /** {@code y = a ⊙ b}. */
    public static Var mul(Var a, Var b) {
        return record(Op.MUL, Elementwise.mul(a.value(), b.value()), require("mul", a, b), save(a.value(), b.value()));
    }

    /** {@code y = a / b}. */
    public static Var div(Var a, Var b) {
        Tensor y = Elementwise.div(a.value(), b.value());
        return record(Op.DIV, y, require("div", a, b), save(b.value(), y));
    }

    /** {@code y = max(a, b)}; at ties each side gets half the gradient. */
    public static Var maximum(Var a, Var b) {
        return record(Op.MAXIMUM, Elementwise.maximum(a.value(), b.value()), require("maximum", a, b),
                save(a.value(), b.value()));
    }

    /** {@code y = min(a, b)}; at ties each side gets half the gradient. */
    public static Var minimum(Var a, Var b) {
        return record(Op.MINIMUM, Elementwise.minimum(a.value(), b.value()), require("minimum", a, b),
                save(a.value(), b.value()));
    }

    /** {@code y = aᵇ}; {@code ∂y/∂a = b·aᵇ⁻¹} (taken as 0 where b = 0), {@code ∂y/∂b = y·ln a} (taken as 0 where a = 0 and
     * b ≥ 0; −∞ where a = 0 and b &lt; 0), as PyTorch. */
    public static Var pow(Var a, Var b) {
        Tensor y = Elementwise.pow(a.value(), b.value());
        return record(Op.POW, y, require("pow", a, b), save(a.value(), b.value(), y));
    }

    /** {@code y = cond ≠ 0 ? a : b}, broadcasting all three; the condition is a constant. */
    public static Var where(Tensor cond, Var a, Var b) {
        Tensor y = Elementwise.where(cond, a.value(), b.value());
        return record(Op.WHERE, y, require("where", a, b), save(cond));
    }

    // ---------------------------------------------------------------- comparisons (constants)

    /** {@code a > b} as 0/1; records nothing. */
    public static Var gt(Var a, Var b) {
        return Var.constant(Elementwise.gt(a.value(), b.value()));
    }

    /** {@code a ≥ b} as 0/1; records nothing. */
    public static Var ge(Var a, Var b) {
        return Var.constant(Elementwise.ge(a.value(), b.value()));
    }

    /** {@code a < b} as 0/1; records nothing. */
    public static Var lt(Var a, Var b) {
        return Var.constant(Elementwise.lt(a.value(), b.value()));
    }

    /** {@code a ≤ b} as 0/1; records nothing. */
    public static Var le(Var a, Var b) {
        return Var.constant(Elementwise.le(a.value(), b.value()));
    }

    /** {@code a = b} as 0/1; records nothing. */
    public static Var eq(Var a, Var b) {
        return Var.constant(Elementwise.eq(a.value(), b.value()));
    }
}
