package dev.ganglion.autodiff;

import dev.ganglion.engine.kernel.BinaryOp;
import dev.ganglion.engine.kernel.UnaryOp;

/**
 * The op vocabulary of the autodiff graph: every differentiable op that a {@link Var} can record.
 *
 * <p>Each constant has exactly one backward rule, in the exhaustive {@code switch} of
 * {@link Gradients} (no {@code default}: adding a constant here without a rule does not compile),
 * and exactly one forward entry point in the op families ({@link PointwiseOps}, {@link ReductionOps},
 * {@link ViewOps}, {@link IndexOps}, {@link LinalgOps}, {@link LossOps},
 * {@link CustomFunction}). Non-differentiable engine ops (comparisons, argmax, one-hot) have no
 * constant: they return constants that record nothing.
 */
public enum Op {
    // ------------------------------------------------ elementwise, one input: y = f(x)
    /** The engine's {@link UnaryOp#NEG}. */
    NEG,
    /** The engine's {@link UnaryOp#EXP}. */
    EXP,
    /** The engine's {@link UnaryOp#LOG}. */
    LOG,
    /** The engine's {@link UnaryOp#SQRT}. */
    SQRT,
    /** The engine's {@link UnaryOp#TANH}. */
    TANH,
    /** The engine's {@link UnaryOp#SIGMOID}. */
    SIGMOID,
    /** The engine's {@link UnaryOp#RELU}. */
    RELU,
    /** The engine's {@link UnaryOp#SILU}. */
    SILU,
    /** The engine's {@link UnaryOp#SIN}. */
    SIN,
    /** The engine's {@link UnaryOp#COS}. */
    COS,
    /** The engine's {@link UnaryOp#ABS}. */
    ABS,
    /** The engine's {@link UnaryOp#SQUARE}. */
    SQUARE,
    /** The engine's {@link UnaryOp#RECIPROCAL}. */
    RECIPROCAL,
    /** The engine's {@link UnaryOp#LOG1P}. */
    LOG1P,
    /** The engine's {@link UnaryOp#EXPM1}. */
    EXPM1,
    /** The engine's {@link UnaryOp#ERF}. */
    ERF,
    /** The engine's {@link UnaryOp#GELU}; its gradient one pass of {@link BinaryOp#GELU_GRAD}. */
    GELU,
    /** The engine's {@link UnaryOp#GELU_TANH}; its gradient one pass of {@link BinaryOp#GELU_TANH_GRAD}. */
    GELU_TANH,
    /** The engine's {@link UnaryOp#SOFTPLUS}, with β and the threshold. */
    SOFTPLUS,
    /** {@code y = min(max(x, lo), hi)}. */
    CLAMP,
    /** {@code y = x^p} for a constant exponent p. */
    POW_SCALAR,
    /** {@code y = s·x}. */
    SCALE,
    /** {@code y = x + s}. */
    ADD_SCALAR,
    /** {@code y = x} converted to another {@link dev.ganglion.engine.DType}; the gradient converted back. */
    CAST,

    // ------------------------------------------------ elementwise, broadcasting: y = f(a, b)
    /** The engine's {@link BinaryOp#ADD}. */
    ADD,
    /** The engine's {@link BinaryOp#SUB}. */
    SUB,
    /** The engine's {@link BinaryOp#MUL}. */
    MUL,
    /** The engine's {@link BinaryOp#DIV}. */
    DIV,
    /**
     * The engine's {@link BinaryOp#MAXIMUM}; g goes to the side taken, g/2 to each at ties, g to both
     * where either is NaN.
     */
    MAXIMUM,
    /** The engine's {@link BinaryOp#MINIMUM}; the gradient as for {@link #MAXIMUM}. */
    MINIMUM,
    /** {@code y = a^b}, both differentiable. */
    POW,
    /** {@code y = cond ? a : b}; the condition is a constant. */
    WHERE,

    // ------------------------------------------------ reductions and normalisations
    /** {@code y = Σ x} over the given axes (all of them for a scalar). */
    SUM,
    /** {@code y = Σ x / n} over the given axes. */
    MEAN,
    /** {@code y = max x} along one axis; tied maxima share the gradient evenly. */
    MAX,
    /** {@code y = min x} along one axis; tied minima share the gradient evenly. */
    MIN,
    /** {@code y = log Σ eˣ} along one axis, computed stably. */
    LOGSUMEXP,
    /** {@code yᵢ = e^{xᵢ} / Σⱼ e^{xⱼ}} along one axis. */
    SOFTMAX,
    /** {@code yᵢ = xᵢ − log Σⱼ e^{xⱼ}} along one axis. */
    LOG_SOFTMAX,

    // ------------------------------------------------ views (share storage with the input)
    /** The same elements in row-major order under another shape. */
    RESHAPE,
    /** Axes reordered. */
    PERMUTE,
    /** Two axes swapped. */
    TRANSPOSE,
    /** {@code [start, end)} with a step along one axis. */
    SLICE,
    /** One index along an axis, which is dropped. */
    SELECT,
    /** Size-1 axes broadcast to a larger size (stride 0). */
    EXPAND,
    /** A size-1 axis inserted. */
    UNSQUEEZE,
    /** A size-1 axis removed. */
    SQUEEZE,

    // ------------------------------------------------ joining and indexing
    /** Inputs joined along one axis. */
    CONCAT,
    /** The one multi-output built-in: one output per piece. */
    SPLIT,
    /** Whole slices picked along one axis by an index list (repeats allowed). */
    INDEX_SELECT,
    /** {@code y[…i…] = x[…index[…i…]…]} along one axis, PyTorch's {@code gather}. */
    GATHER,
    /** {@code y = target}, then {@code y[…index[…i…]…] += src[…i…]} along one axis. */
    SCATTER_ADD,

    // ------------------------------------------------ dense linear algebra
    /** Batched, broadcasting {@code C = A·B}. */
    MATMUL,
    /** {@code y = x·Wᵀ + b}. */
    LINEAR,
    /** {@code h = relu(x·Wᵀ + b)}: {@link #LINEAR} and its activation as one op ({@link LinalgOps#linearRelu}). */
    LINEAR_RELU,

    // ------------------------------------------------ sparse products, y = x·Wᵀ with W sparse
    /** W block-diagonal ({@link dev.ganglion.engine.sparse.BlockDiagonal}). */
    BLOCK_DIAGONAL,
    /** W block-sparse ({@link dev.ganglion.engine.sparse.Bsr}). */
    BSR,
    /** W sparse by entries ({@link dev.ganglion.engine.sparse.Csr}). */
    CSR,

    // ------------------------------------------------ fused ops (forward and backward written together)
    /**
     * {@code −log softmax(logits)[target]} over the rows, averaged or summed
     * ({@link LossOps#crossEntropyWithLogits}, {@link LossOps#crossEntropyWithLogitsSum}).
     */
    CROSS_ENTROPY,
    /**
     * {@code y = (x − μ)/√(σ² + ε)·γ + β} over the trailing axes, γ and β optional
     * ({@link ReductionOps#layerNorm}); the node keeps x and each row's μ and 1/√(σ² + ε).
     */
    LAYER_NORM,
    /** A {@link CustomFunction}: user or model code supplies forward and backward. */
    CUSTOM
}
