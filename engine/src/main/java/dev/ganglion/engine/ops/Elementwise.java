package dev.ganglion.engine.ops;

import dev.ganglion.engine.DType;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.kernel.BinaryKernel;
import dev.ganglion.engine.kernel.BinaryOp;
import dev.ganglion.engine.kernel.ScalarBinary;
import dev.ganglion.engine.kernel.ScalarUnary;
import dev.ganglion.engine.kernel.UnaryKernel;
import dev.ganglion.engine.kernel.UnaryOp;
import java.util.Arrays;

/**
 * Elementwise ops: {@code y = f(x)} and {@code y = f(a, b)} with NumPy broadcasting, on any views
 * (transposed, sliced, expanded), returning a new contiguous tensor of the input dtype.
 *
 * <p>The math of each op, and its NaN, zero and overflow conventions, is defined once in
 * {@link UnaryOp} and {@link BinaryOp}. float32 runs the SIMD kernels (or their scalar references
 * without the Vector API); float64 runs the scalar double path, for gradient checks. Operands of
 * different dtypes are an error, never silently converted. Ops over more than 32K elements are
 * split over the shared {@link dev.ganglion.engine.Parallel} pool.
 */
public final class Elementwise {
    private Elementwise() {}

    // ---------------------------------------------------------------- unary

    /** {@code y = −x}. */
    public static Tensor neg(Tensor x) {
        return apply(UnaryOp.NEG, x);
    }

    /** {@code y = eˣ}. */
    public static Tensor exp(Tensor x) {
        return apply(UnaryOp.EXP, x);
    }

    /** {@code y = ln x}. */
    public static Tensor log(Tensor x) {
        return apply(UnaryOp.LOG, x);
    }

    /** {@code y = √x}. */
    public static Tensor sqrt(Tensor x) {
        return apply(UnaryOp.SQRT, x);
    }

    /** {@code y = tanh x}. */
    public static Tensor tanh(Tensor x) {
        return apply(UnaryOp.TANH, x);
    }

    /** {@code y = 1 / (1 + e⁻ˣ)}. NOTE: never overflows to NaN for large |x| (see {@link UnaryOp#SIGMOID}). */
    public static Tensor sigmoid(Tensor x) {
        return apply(UnaryOp.SIGMOID, x);
    }

    /** {@code y = max(x, 0)}. NOTE: autodiff uses relu'(0) = 0 (see {@link UnaryOp#RELU}). */
    public static Tensor relu(Tensor x) {
        return apply(UnaryOp.RELU, x);
    }

    /** {@code y = x·σ(x)}. */
    public static Tensor silu(Tensor x) {
        return apply(UnaryOp.SILU, x);
    }

    /** {@code y = sin x}. */
    public static Tensor sin(Tensor x) {
        return apply(UnaryOp.SIN, x);
    }

    /** {@code y = cos x}. */
    public static Tensor cos(Tensor x) {
        return apply(UnaryOp.COS, x);
    }

    /** {@code y = |x|}. */
    public static Tensor abs(Tensor x) {
        return apply(UnaryOp.ABS, x);
    }

    /** {@code y = x²}. */
    public static Tensor square(Tensor x) {
        return apply(UnaryOp.SQUARE, x);
    }

    /** {@code y = 1/x}. */
    public static Tensor reciprocal(Tensor x) {
        return apply(UnaryOp.RECIPROCAL, x);
    }

    /** {@code y = min(max(x, lo), hi)}. NOTE: lo > hi gives hi everywhere. */
    public static Tensor clamp(Tensor x, double lo, double hi) {
        return apply(UnaryOp.CLAMP, x, lo, hi);
    }

    /** {@code y = xᵖ}. */
    public static Tensor pow(Tensor x, double p) {
        return apply(UnaryOp.POW, x, p, 0);
    }

    /** {@code y = s·x}. */
    public static Tensor scale(Tensor x, double s) {
        return apply(UnaryOp.SCALE, x, s, 0);
    }

    /** {@code y = x + s}. */
    public static Tensor addScalar(Tensor x, double s) {
        return apply(UnaryOp.ADD_SCALAR, x, s, 0);
    }

    /** {@code y = ln(1 + x)}, accurate near 0 ({@link UnaryOp#LOG1P}). */
    public static Tensor log1p(Tensor x) {
        return apply(UnaryOp.LOG1P, x);
    }

    /** {@code y = eˣ − 1}, accurate near 0 ({@link UnaryOp#EXPM1}). */
    public static Tensor expm1(Tensor x) {
        return apply(UnaryOp.EXPM1, x);
    }

    /** {@code y = erf x}, the error function ({@link UnaryOp#ERF}). */
    public static Tensor erf(Tensor x) {
        return apply(UnaryOp.ERF, x);
    }

    /** {@code y = x·Φ(x)}, GELU ({@link UnaryOp#GELU}; its left tail is accurate where PyTorch's is 0). */
    public static Tensor gelu(Tensor x) {
        return apply(UnaryOp.GELU, x);
    }

    /** {@code y = ½·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))}, GELU's tanh approximation ({@link UnaryOp#GELU_TANH}). */
    public static Tensor geluTanh(Tensor x) {
        return apply(UnaryOp.GELU_TANH, x);
    }

    /**
     * {@code y = ln(1 + e^{βx})/β}, and {@code y = x} where {@code βx > threshold} (PyTorch's
     * {@code softplus(x, beta, threshold)}; its defaults are β = 1, threshold = 20); see
     * {@link UnaryOp#SOFTPLUS}. For float32 β and the threshold are rounded to float first.
     *
     * @throws IllegalArgumentException when β is not a positive finite number (in x's dtype: 10⁻⁵⁰ is
     *     0 as a float) or the threshold is NaN
     */
    public static Tensor softplus(Tensor x, double beta, double threshold) {
        double b = x.dtype() == DType.F32 ? (float) beta : beta;
        if (!(b > 0 && b < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("softplus: beta must be positive and finite"
                    + (Double.compare(b, beta) == 0 ? "" : " as " + x.dtype()) + ", got " + beta);
        }
        if (Double.isNaN(threshold)) {
            throw new IllegalArgumentException("softplus: threshold is NaN");
        }
        return apply(UnaryOp.SOFTPLUS, x, beta, threshold);
    }

    /** {@code y = op(x)} for an op without parameters. */
    public static Tensor apply(UnaryOp op, Tensor x) {
        return apply(op, x, 0, 0);
    }

    /**
     * {@code y = op(x; p, q)}; see {@link UnaryOp} for which ops read {@code p} and {@code q}.
     * For float32 they are rounded to float first.
     */
    public static Tensor apply(UnaryOp op, Tensor x, double p, double q) {
        return applyInto(op, x, p, q, Tensor.zeros(x.shape(), x.dtype()));
    }

    /**
     * {@code out = op(x; p, q)} in place: {@code out} must be contiguous, of x's shape and dtype, and
     * may be x itself (a layer applying its activation to the output it has just made); an x that
     * overlaps it otherwise is read as it was before the call. Returns {@code out}.
     */
    public static Tensor applyInto(UnaryOp op, Tensor x, double p, double q, Tensor out) {
        String name = op.opName();
        Checks.sameDType(name, x, out);
        requireOutput(name, out, x.shape(), "an input of shape " + x.shape());
        x = beforeWrite(x, out);
        if (x.dtype() == DType.F32) {
            Tensor xu = Runs.unitInner(x);
            Tensor[] operands = {out, xu};
            UnaryKernel k = UnaryKernel.active();
            float[] xs = xu.floatArray();
            float[] ys = out.floatArray();
            Runs.forEach(x.shape(), operands, (off, st, n) -> k.apply(op, p, q, xs, off[1], st[1], ys, off[0], n));
        } else {
            Tensor[] operands = {out, x};
            double[] xs = x.doubleArray();
            double[] ys = out.doubleArray();
            Runs.forEach(x.shape(), operands,
                    (off, st, n) -> ScalarUnary.apply(op, p, q, xs, off[1], st[1], ys, off[0], n));
        }
        return out.markWritten();
    }

    // ---------------------------------------------------------------- binary

    /** {@code y = a + b}, broadcasting. */
    public static Tensor add(Tensor a, Tensor b) {
        return apply(BinaryOp.ADD, a, b);
    }

    /** {@code y = a − b}, broadcasting. */
    public static Tensor sub(Tensor a, Tensor b) {
        return apply(BinaryOp.SUB, a, b);
    }

    /** {@code y = a·b}, broadcasting. */
    public static Tensor mul(Tensor a, Tensor b) {
        return apply(BinaryOp.MUL, a, b);
    }

    /** {@code y = a / b}, broadcasting. */
    public static Tensor div(Tensor a, Tensor b) {
        return apply(BinaryOp.DIV, a, b);
    }

    /**
     * {@code y = max(a, b)}, broadcasting.
     * NOTE: NaN propagates; ties split the gradient (see {@link BinaryOp#MAXIMUM}).
     */
    public static Tensor maximum(Tensor a, Tensor b) {
        return apply(BinaryOp.MAXIMUM, a, b);
    }

    /** {@code y = min(a, b)}, broadcasting; NaN and ties as for {@link #maximum}. */
    public static Tensor minimum(Tensor a, Tensor b) {
        return apply(BinaryOp.MINIMUM, a, b);
    }

    /** {@code y = aᵇ}, broadcasting. */
    public static Tensor pow(Tensor a, Tensor b) {
        return apply(BinaryOp.POW, a, b);
    }

    /** {@code y = [a > b]} as 0/1 of a's dtype, broadcasting. NOTE: false (0) when either is NaN. */
    public static Tensor gt(Tensor a, Tensor b) {
        return apply(BinaryOp.GT, a, b);
    }

    /** {@code y = [a ≥ b]} as 0/1, broadcasting. */
    public static Tensor ge(Tensor a, Tensor b) {
        return apply(BinaryOp.GE, a, b);
    }

    /** {@code y = [a < b]} as 0/1, broadcasting. */
    public static Tensor lt(Tensor a, Tensor b) {
        return apply(BinaryOp.LT, a, b);
    }

    /** {@code y = [a ≤ b]} as 0/1, broadcasting. */
    public static Tensor le(Tensor a, Tensor b) {
        return apply(BinaryOp.LE, a, b);
    }

    /** {@code y = [a = b]} as 0/1, broadcasting. NOTE: eq(NaN, NaN) = 0. */
    public static Tensor eq(Tensor a, Tensor b) {
        return apply(BinaryOp.EQ, a, b);
    }

    /** An {@code applyInto} output: contiguous and of {@code shape}, else an error naming the op and its inputs. */
    private static void requireOutput(String name, Tensor out, Shape shape, String inputs) {
        // NOTE: Tensor.isContiguous() is false for some empty shapes ([2, 0]); nothing is written then.
        if (!out.shape().equals(shape) || !(out.isContiguous() || out.size() == 0)) {
            throw new IllegalArgumentException(name + ": output of shape " + out.shape()
                    + (out.isContiguous() ? "" : " (not contiguous)") + " for " + inputs);
        }
    }

    /**
     * {@code in}, or a copy of it when it shares storage with {@code out} laid out differently: an
     * element written before it is read would be read changed (the same view is read element by
     * element just before it is written, which is safe).
     */
    private static Tensor beforeWrite(Tensor in, Tensor out) {
        if (!in.sharesStorage(out) || in.size() == 0 || out.size() == 0) {
            return in;
        }
        boolean sameView = in.shape().equals(out.shape()) && in.offset() == out.offset()
                && Arrays.equals(in.strides(), out.strides());
        long[] i = span(in);
        long[] o = span(out);
        boolean overlap = i[0] <= o[1] && o[0] <= i[1];
        return !sameView && overlap ? in.copy() : in;
    }

    /** The first and last storage index a view can touch. */
    private static long[] span(Tensor t) {
        long lo = t.offset();
        long hi = t.offset();
        for (int d = 0; d < t.rank(); d++) {
            long reach = (long) (t.dim(d) - 1) * t.stride(d);
            lo += Math.min(0, reach);
            hi += Math.max(0, reach);
        }
        return new long[] {lo, hi};
    }

    /** {@code y = op(a, b)} with NumPy broadcasting, into a new tensor. */
    public static Tensor apply(BinaryOp op, Tensor a, Tensor b) {
        Checks.sameDType(op.opName(), a, b);
        Shape shape = Shape.broadcast(a.shape(), b.shape(), op.opName());
        return applyInto(op, a, b, Tensor.zeros(shape, a.dtype()));
    }

    /**
     * {@code out = op(a, b)} with broadcasting, in place: {@code out} must be contiguous, of the
     * broadcast shape and dtype, and may be {@code a} or {@code b} itself ({@code acc = acc + g}); an
     * input that overlaps it otherwise (a transposed or broadcast view of it) is read as it was before
     * the call. Returns {@code out}.
     */
    public static Tensor applyInto(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        String name = op.opName();
        Checks.sameDType(name, a, b);
        Checks.sameDType(name, a, out);
        Shape shape = Shape.broadcast(a.shape(), b.shape(), name);
        a = beforeWrite(a, out);
        b = beforeWrite(b, out);
        requireOutput(name, out, shape, "inputs " + a.shape() + " and " + b.shape());
        if (a.dtype() == DType.F32) {
            Tensor au = Runs.unitInner(a);
            Tensor bu = Runs.unitInner(b);
            Tensor[] operands = {out, au.expand(shape), bu.expand(shape)};
            BinaryKernel k = BinaryKernel.active();
            float[] as = au.floatArray();
            float[] bs = bu.floatArray();
            float[] ys = out.floatArray();
            Runs.forEach(shape, operands,
                    (off, st, n) -> k.apply(op, as, off[1], st[1], bs, off[2], st[2], ys, off[0], n));
        } else {
            Tensor[] operands = {out, a.expand(shape), b.expand(shape)};
            double[] as = a.doubleArray();
            double[] bs = b.doubleArray();
            double[] ys = out.doubleArray();
            Runs.forEach(shape, operands,
                    (off, st, n) -> ScalarBinary.apply(op, as, off[1], st[1], bs, off[2], st[2], ys, off[0], n));
        }
        return out.markWritten();
    }

    /**
     * {@code y = cond ≠ 0 ? a : b}, all three broadcast together; y has a's dtype (a and b must
     * match; cond may be either dtype). NOTE: a NaN condition counts as true and picks a.
     */
    public static Tensor where(Tensor cond, Tensor a, Tensor b) {
        Checks.sameDType("where", a, b);
        Shape shape = Shape.broadcast(Shape.broadcast(cond.shape(), a.shape(), "where"), b.shape(), "where");
        // a float64 condition is made 0/1 in its own dtype first: narrowed to float32, values
        // below float32's range would round to 0 and pick b
        Tensor c = cond.dtype() == a.dtype() ? cond
                : where(cond, Tensor.scalar(1, cond.dtype()), Tensor.scalar(0, cond.dtype())).to(a.dtype());
        Tensor out = Tensor.zeros(shape, a.dtype());
        Tensor[] operands = {out, c.expand(shape), a.expand(shape), b.expand(shape)};
        if (a.dtype() == DType.F32) {
            BinaryKernel k = BinaryKernel.active();
            float[] cs = c.floatArray();
            float[] as = a.floatArray();
            float[] bs = b.floatArray();
            float[] ys = out.floatArray();
            Runs.forEach(shape, operands, (off, st, n) ->
                    k.where(cs, off[1], st[1], as, off[2], st[2], bs, off[3], st[3], ys, off[0], n));
        } else {
            double[] cs = c.doubleArray();
            double[] as = a.doubleArray();
            double[] bs = b.doubleArray();
            double[] ys = out.doubleArray();
            Runs.forEach(shape, operands, (off, st, n) ->
                    ScalarBinary.where(cs, off[1], st[1], as, off[2], st[2], bs, off[3], st[3], ys, off[0], n));
        }
        return out;
    }
}
