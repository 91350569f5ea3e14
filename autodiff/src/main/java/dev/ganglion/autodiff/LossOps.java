package dev.ganglion.autodiff;

import dev.ganglion.engine.Shape;

/**
 * Differentiable losses, fused where writing forward and backward together pays (stability and
 * one pass instead of a chain of nodes).
 */
public final class LossOps {
    private LossOps() {}

    /**
     * Mean softmax cross-entropy of logits {@code [N, C]} against class indices:
     * {@code L = −(1/N) Σᵢ log softmax(zᵢ)[tᵢ]}, with {@code ∂L/∂z = (softmax(z) − onehot(t))/N}.
     * One node; stable for logits of any magnitude (±1000 and beyond).
     *
     * @throws IllegalArgumentException when logits are not 2-D, the counts differ, or a target is
     *     outside {@code [0, C)}
     */
    public static Var crossEntropyWithLogits(Var logits, int[] targets) {
        return CrossEntropy.forward(logits, targets, true);
    }

    /**
     * {@link #crossEntropyWithLogits} summed over the rows instead of averaged:
     * {@code L = −Σᵢ log softmax(zᵢ)[tᵢ]}, {@code ∂L/∂z = softmax(z) − onehot(t)}; 0 for no rows.
     */
    public static Var crossEntropyWithLogitsSum(Var logits, int[] targets) {
        return CrossEntropy.forward(logits, targets, false);
    }

    /**
     * The rows' losses unreduced, {@code ℓᵢ = −log softmax(zᵢ)[tᵢ]} as {@code [N]}, through
     * log-softmax and a gather (no fused node: each row's gradient flows on its own); the same
     * checks as {@link #crossEntropyWithLogits}.
     */
    public static Var crossEntropyWithLogitsPerRow(Var logits, int[] targets) {
        CrossEntropy.checkTargets(logits, targets);
        Var logp = ReductionOps.logSoftmax(logits, 1);
        return IndexOps.gather(logp, 1, targets, Shape.of(targets.length, 1)).reshape(targets.length).neg();
    }
}
