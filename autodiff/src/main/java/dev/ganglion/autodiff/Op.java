package dev.ganglion.autodiff;

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
    NEG, EXP, LOG, SQRT, TANH, SIGMOID, RELU, SILU, SIN, COS, ABS, SQUARE, RECIPROCAL,
    /** {@code y = min(max(x, lo), hi)}. */
    CLAMP,
    /** {@code y = x^p} for a constant exponent p. */
    POW_SCALAR,
    /** {@code y = s·x}. */
    SCALE,
    /** {@code y = x + s}. */
    ADD_SCALAR,

    // ------------------------------------------------ elementwise, broadcasting: y = f(a, b)
    ADD, SUB, MUL, DIV, MAXIMUM, MINIMUM,
    /** {@code y = a^b}, both differentiable. */
    POW,
    /** {@code y = cond ? a : b}; the condition is a constant. */
    WHERE,

    // ------------------------------------------------ reductions and normalisations
    SUM, MEAN, MAX, MIN, LOGSUMEXP, SOFTMAX, LOG_SOFTMAX,

    // ------------------------------------------------ views (share storage with the input)
    RESHAPE, PERMUTE, TRANSPOSE, SLICE, SELECT, EXPAND, UNSQUEEZE, SQUEEZE,

    // ------------------------------------------------ joining and indexing
    CONCAT,
    /** The one multi-output built-in: one output per piece. */
    SPLIT,
    INDEX_SELECT, GATHER, SCATTER_ADD,

    // ------------------------------------------------ dense linear algebra
    /** Batched, broadcasting {@code C = A·B}. */
    MATMUL,
    /** {@code y = x·Wᵀ + b}. */
    LINEAR,

    // ------------------------------------------------ sparse products, y = x·Wᵀ with W sparse
    BLOCK_DIAGONAL, BSR, CSR,

    // ------------------------------------------------ fused ops (forward and backward written together)
    /** Mean over rows of {@code −log softmax(logits)[target]}. */
    CROSS_ENTROPY,
    /** A {@link CustomFunction}: user or model code supplies forward and backward. */
    CUSTOM
}
