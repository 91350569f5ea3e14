package dev.ganglion.autodiff.nn;

import dev.ganglion.autodiff.LossOps;
import dev.ganglion.autodiff.Var;

/**
 * Differentiable losses with a {@link Reduction} (default {@link Reduction#MEAN}, as PyTorch).
 * Prediction and target must have the same shape (no silent broadcasting).
 */
public final class Losses {
    private Losses() {}

    /** Mean squared error {@code L = mean((p − t)²)}. */
    public static Var mse(Var prediction, Var target) {
        return mse(prediction, target, Reduction.MEAN);
    }

    /** Squared error {@code (p − t)²}, reduced. */
    public static Var mse(Var prediction, Var target, Reduction reduction) {
        sameShape("mse", prediction, target);
        return reduce(prediction.sub(target).square(), reduction);
    }

    /** {@code L = −(1/N) Σᵢ log softmax(zᵢ)[tᵢ]} for logits {@code [N, C]}, the fused op of autodiff. */
    public static Var crossEntropyWithLogits(Var logits, int[] targets) {
        return LossOps.crossEntropyWithLogits(logits, targets);
    }

    /**
     * Softmax cross-entropy per row {@code ℓᵢ = −log softmax(zᵢ)[tᵢ]}, reduced. MEAN and SUM use the
     * fused, stable op of autodiff (one node); NONE returns {@code [N]} through log-softmax and gather.
     */
    public static Var crossEntropyWithLogits(Var logits, int[] targets, Reduction reduction) {
        return switch (reduction) {
            case MEAN -> LossOps.crossEntropyWithLogits(logits, targets);
            case SUM -> LossOps.crossEntropyWithLogitsSum(logits, targets);
            case NONE -> LossOps.crossEntropyWithLogitsPerRow(logits, targets);
        };
    }

    /**
     * Softmax cross-entropy with PyTorch 1.13's options ({@code F.cross_entropy}): class weights, an
     * ignore index, label smoothing and a reduction. Logits {@code [N, C, d1, …, dk]} (k ≥ 0, classes
     * on axis 1) take targets {@code [N, d1, …, dk]} flattened row-major; logits {@code [C]} take one
     * target. With {@code ℓⱼ = log softmax(zⱼ)} over the classes at position j, target y, class weights
     * w (all 1 without weights) and smoothing ε:
     * <pre>
     *   nllⱼ = −w_y·ℓⱼ[y]     smoothⱼ = −Σ_c w_c·ℓⱼ[c]     (both 0 where y is the ignore index)
     *   NONE  Lⱼ = (1 − ε)·nllⱼ + (ε/C)·smoothⱼ      shape [N, d1, …, dk], a scalar for logits [C]
     *   SUM   L  = (1 − ε)·Σⱼ nllⱼ + (ε/C)·Σⱼ smoothⱼ
     *   MEAN  L  = ((1 − ε)·Σⱼ nllⱼ + (ε/C)·Σⱼ smoothⱼ) / D,   D = Σ over non-ignored j of w_y
     * </pre>
     * NOTE: as in PyTorch, MEAN divides by the targets' weights, not by the count, and also divides the
     * smoothing term by them; an ignored position has loss 0 and gradient exactly 0; MEAN over no
     * counted weight (every target ignored, an empty batch, only zero-weight targets) is 0/0 = NaN,
     * with a NaN gradient at each non-ignored position and 0 at the ignored ones.
     *
     * <p>When the options change nothing for these targets (no weights, no smoothing, no target equal
     * to the ignore index) and the logits are {@code [N, C]}, this is exactly
     * {@link #crossEntropyWithLogits(Var, int[], Reduction)}, the fused op of autodiff, bit for bit.
     *
     * @throws IllegalArgumentException naming the shapes when the target count is not one per
     *     position or the weights are not {@code [C]}, and naming the position and value of a target
     *     outside {@code [0, C)} that is not the ignore index
     */
    public static Var crossEntropyWithLogits(Var logits, int[] targets, CrossEntropyOptions options) {
        CrossEntropyChecks.check("crossEntropyWithLogits", logits, targets, options);
        if (logits.shape().rank() == 2 && options.isPlainFor(targets)) {
            return crossEntropyWithLogits(logits, targets, options.reduction());
        }
        return ClassAxisCrossEntropy.apply(logits, targets, options);
    }

    /** Mean binary cross-entropy of logits; see {@link #bceWithLogits(Var, Var, Reduction)}. */
    public static Var bceWithLogits(Var logits, Var targets) {
        return bceWithLogits(logits, targets, Reduction.MEAN);
    }

    /**
     * Binary cross-entropy of logits x against targets y ∈ [0, 1], in the stable form
     * {@code ℓ = max(x, 0) − x·y + log(1 + e^{−|x|})} (finite for any x), reduced;
     * {@code ∂ℓ/∂x = σ(x) − y}, {@code ∂ℓ/∂y = −x}. One fused node.
     */
    public static Var bceWithLogits(Var logits, Var targets, Reduction reduction) {
        sameShape("bceWithLogits", logits, targets);
        return reduce(BinaryCrossEntropy.FUNCTION.apply(logits, targets), reduction);
    }

    private static Var reduce(Var terms, Reduction reduction) {
        return switch (reduction) {
            case MEAN -> terms.mean();
            case SUM -> terms.sum();
            case NONE -> terms;
        };
    }

    private static void sameShape(String loss, Var a, Var b) {
        if (!a.shape().equals(b.shape())) {
            throw new IllegalArgumentException(loss + ": prediction of shape " + a.shape() + " and target of shape "
                    + b.shape() + "; they must match");
        }
        if (a.dtype() != b.dtype()) {
            throw new IllegalArgumentException(loss + ": prediction is " + a.dtype() + " and target " + b.dtype());
        }
    }
}
