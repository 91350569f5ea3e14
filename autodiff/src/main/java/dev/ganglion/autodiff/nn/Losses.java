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
