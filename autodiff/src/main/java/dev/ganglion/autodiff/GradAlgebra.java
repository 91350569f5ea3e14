package dev.ganglion.autodiff;

import dev.ganglion.engine.DType;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;

/**
 * The vocabulary the backward rules of {@link Gradients} are written in, over one of two carriers
 * of gradients: plain tensors ({@link TensorAlgebra}, an ordinary backward that records nothing) or
 * recorded {@link Var}s ({@link VarAlgebra}, a backward that is itself a graph, so that its results
 * can be differentiated again: PyTorch's {@code create_graph=True}). Each rule is written once, over
 * {@code T}, so the two backwards cannot disagree.
 *
 * <p>Masks (comparisons, {@code where} conditions) are plain tensors in both: they are piecewise
 * constant and carry no gradient. The {@code *Grad} methods are the fused pointwise rules the engine
 * has a kernel for; the tensor carrier runs that kernel, the Var carrier composes the same derivative
 * from differentiable ops.
 *
 * @param <T> {@link Tensor} or {@link Var}
 */
interface GradAlgebra<T> {
    /** A new array of {@code n} carriers (Java cannot create a {@code T[]}). */
    T[] array(int n);

    /** The value of a carrier. */
    Tensor value(T x);

    /** A tensor lifted to a carrier that carries no gradient. */
    T constant(Tensor t);

    /**
     * Saved tensor {@code i} of {@code n} as a carrier: for the Var carrier, the input or output of the
     * node it is the value of, so that a rule reading it is differentiable in it.
     *
     * @throws UnsupportedOperationException (Var carrier) when the op saved a tensor it derived
     */
    T saved(Node n, int i);

    /** The shape of a carrier. */
    default Shape shape(T x) {
        return value(x).shape();
    }

    /** A zero of {@code like}'s dtype, broadcasting against anything. */
    default T zero(T like) {
        return constant(Tensor.scalar(0, value(like).dtype()));
    }

    /** A zero-filled carrier. */
    default T zeros(Shape shape, DType dtype) {
        return constant(Tensor.zeros(shape, dtype));
    }

    T neg(T x);

    T exp(T x);

    T log(T x);

    T sin(T x);

    T cos(T x);

    T sigmoid(T x);

    T square(T x);

    /** {@code s·x}. */
    T scale(T x, double s);

    /** {@code x + s}. */
    T addScalar(T x, double s);

    /** {@code x^p}. */
    T pow(T x, double p);

    T add(T a, T b);

    T sub(T a, T b);

    T mul(T a, T b);

    T div(T a, T b);

    /** {@code aᵇ}, broadcasting. */
    T pow(T a, T b);

    /** {@code cond ? a : b}, broadcasting; the condition is a constant. */
    T where(Tensor cond, T a, T b);

    /** {@code x} converted to {@code dtype}. */
    T to(T x, DType dtype);

    /** {@code g} where {@code y > 0}, else 0: relu's rule from its output. */
    T reluGrad(T g, T y);

    /** {@code g·(Φ(x) + x·φ(x))}: the exact gelu's rule. */
    T geluGrad(T g, T x);

    /** {@code g·gelu'(x)} for the tanh form of gelu. */
    T geluTanhGrad(T g, T x);

    /** The sum over {@code axes}. */
    T sum(T x, boolean keepDims, int... axes);

    T reshape(T x, int... dims);

    T permute(T x, int... order);

    T transpose(T x, int a, int b);

    T unsqueeze(T x, int axis);

    T squeeze(T x, int axis);

    /** {@code x} broadcast to {@code dims} (a stride-0 view). */
    T expand(T x, int... dims);

    /** {@code [start, end)} along {@code axis} (a view). */
    T slice(T x, int axis, int start, int end);

    /** The last two axes swapped. */
    T mT(T x);

    T matmul(T a, T b);

    /**
     * {@code a·b} as the gradient of {@code leaf} when {@code intoLeaves}: the tensor carrier may
     * write it straight into the leaf's kept {@code .grad} buffer and return null (delivered).
     */
    T matmulForLeaf(T a, T b, Var leaf, boolean intoLeaves);

    /**
     * {@code a·b} as an input gradient that the rule returns: the tensor carrier writes a 2-D product
     * into storage the walk lends ({@link GradientLoans}), with the same bits as {@link #matmul}.
     */
    T matmulForInput(T a, T b);

    T concat(int axis, T[] parts);

    /** Zeros of {@code shape} with {@code g} at the positions {@code start + i·step} along {@code axis}. */
    T unslice(T g, Shape shape, int axis, int start, int step);

    /** Zeros of {@code shape} with {@code src} index-added along {@code axis} at {@code index} (one per slice). */
    T indexAdd(T src, Shape shape, int axis, int[] index);

    /** {@code target}, then {@code target[…index[…i…]…] += src[…i…]} along {@code axis}. */
    T scatterAdd(T target, int axis, int[] index, Shape indexShape, T src);

    /** {@code y[…i…] = x[…index[…i…]…]} along {@code axis}. */
    T gather(T x, int axis, int[] index, Shape indexShape);

    /**
     * The rule of a fused op whose backward the tensor carrier runs as one kernel (sparse products,
     * cross-entropy, layer norm, custom functions): the Var carrier composes it from differentiable
     * ops where it can.
     *
     * @throws UnsupportedOperationException (Var carrier) for an op without a differentiable rule
     */
    T[] fused(Node n, T[] gs, boolean intoLeaves);
}
