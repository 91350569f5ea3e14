package dev.ganglion.autodiff;

import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.ops.Elementwise;
import dev.ganglion.engine.ops.Reductions;
import java.util.Objects;

/**
 * The fused softmax cross-entropy, forward and backward together:
 * {@code L = −(1/N) Σᵢ log softmax(zᵢ)[tᵢ]} and {@code ∂L/∂zᵢ = (softmax(zᵢ) − onehot(tᵢ))/N}, or the
 * sum without the 1/N.
 *
 * <p>Stable for any logits: the log-softmax subtracts each row's maximum before exponentiating,
 * and the backward reuses the saved log-probabilities instead of dividing exponentials, so rows of
 * ±1000 give finite losses and exact gradients where the composed
 * {@code −log(softmax(z)[t])} overflows.
 */
final class CrossEntropy {
    private CrossEntropy() {}

    /** Logits {@code [N, C]} and N class indices in {@code [0, C)}, or an error naming both. */
    static void checkTargets(Var logits, int[] targets) {
        Objects.requireNonNull(logits, "crossEntropyWithLogits: logits is null");
        Objects.requireNonNull(targets, "crossEntropyWithLogits: targets is null");
        Shape s = logits.shape();
        if (s.rank() != 2 || targets.length != s.dim(0)) {
            throw new IllegalArgumentException("crossEntropyWithLogits: logits of shape " + s
                    + " and " + targets.length + " targets; expected logits [N, C] and N targets");
        }
        int classes = s.dim(1);
        for (int i = 0; i < targets.length; i++) {
            if (targets[i] < 0 || targets[i] >= classes) {
                throw new IllegalArgumentException("crossEntropyWithLogits: target " + targets[i] + " of row " + i
                        + " is outside [0, " + classes + ") for logits of shape " + s);
            }
        }
    }

    /**
     * Forward, the mean over the rows ({@code mean}) or their sum; see
     * {@link LossOps#crossEntropyWithLogits}. The node's {@code real} is the divisor (N or 1).
     */
    static Var forward(Var logits, int[] targets, boolean mean) {
        checkTargets(logits, targets);
        Tensor logp = Reductions.logSoftmax(logits.value(), 1);
        double total = 0;
        for (int i = 0; i < targets.length; i++) {
            total -= logp.get(i, targets[i]);
        }
        double divisor = mean ? targets.length : 1;
        Tensor loss = Tensor.scalar(total / divisor, logits.dtype());
        return Graph.record(Op.CROSS_ENTROPY, loss, Graph.in(logits), Graph.save(logp), null, divisor, targets.clone());
    }

    /** Backward: {@code dz = g·(exp(log p) − onehot(t))/divisor} from the saved log-probabilities. */
    static Tensor backward(Node n, Tensor g) {
        Tensor logp = n.saved(0);
        int[] targets = (int[]) n.aux;
        Tensor d = Elementwise.exp(logp);
        for (int i = 0; i < targets.length; i++) {
            d.set(d.get(i, targets[i]) - 1, i, targets[i]);
        }
        return Elementwise.mul(d, Elementwise.scale(g, 1.0 / n.real));
    }
}
