package dev.ganglion.autodiff.nn;

import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The options of {@link Losses#crossEntropyWithLogits(dev.ganglion.autodiff.Var, int[], CrossEntropyOptions)},
 * PyTorch's {@code F.cross_entropy(input, target, weight, ignore_index, reduction, label_smoothing)}:
 * immutable, each {@code with…} method returns a copy with one option changed.
 *
 * <pre>{@code
 * CrossEntropyOptions o = CrossEntropyOptions.DEFAULT.withIgnoreIndex(-100).withLabelSmoothing(0.1);
 * Var loss = Losses.crossEntropyWithLogits(logits, targets, o);
 * }</pre>
 *
 * <p>{@link #DEFAULT} is the plain mean cross-entropy: no class weights, no smoothing and no ignore
 * index. NOTE: ignoring is opt-in here, where PyTorch ignores targets equal to −100 unless told
 * otherwise: a −100 target is an error until {@link #withIgnoreIndex} names it, so that a bad label
 * never vanishes silently from a loss.
 */
public final class CrossEntropyOptions {
    /** Mean reduction, no class weights, no ignore index, no label smoothing. */
    public static final CrossEntropyOptions DEFAULT = new CrossEntropyOptions(Reduction.MEAN, null, false, 0, 0);

    private final Reduction reduction;
    /** One weight per class, or null for all ones. */
    private final double[] weight;
    private final boolean ignoring;
    private final int ignoreIndex;
    private final double labelSmoothing;

    private CrossEntropyOptions(Reduction reduction, double[] weight, boolean ignoring, int ignoreIndex,
            double labelSmoothing) {
        this.reduction = reduction;
        this.weight = weight;
        this.ignoring = ignoring;
        this.ignoreIndex = ignoreIndex;
        this.labelSmoothing = labelSmoothing;
    }

    /** These options with the per-position terms reduced by {@code reduction} (MEAN by default). */
    public CrossEntropyOptions withReduction(Reduction reduction) {
        Objects.requireNonNull(reduction, "crossEntropyWithLogits: reduction is null");
        return new CrossEntropyOptions(reduction, weight, ignoring, ignoreIndex, labelSmoothing);
    }

    /**
     * These options with class weights {@code w} of shape {@code [C]} (any dtype, read as float64 and
     * copied), or none for null: a position whose target is y counts {@code w[y]} times, and MEAN
     * divides by the sum of its non-ignored targets' weights.
     *
     * @throws IllegalArgumentException when {@code weight} is not one-dimensional
     */
    public CrossEntropyOptions withWeight(Tensor weight) {
        if (weight != null && weight.shape().rank() != 1) {
            throw new IllegalArgumentException("crossEntropyWithLogits: weight of shape " + weight.shape()
                    + "; expected [C], one weight per class");
        }
        double[] w = weight == null ? null : weight.toDoubleArray();
        return new CrossEntropyOptions(reduction, w, ignoring, ignoreIndex, labelSmoothing);
    }

    /**
     * These options with positions whose target equals {@code index} ignored: no loss, no gradient,
     * not counted by MEAN. The index may lie inside {@code [0, C)} (that class is then never learnt)
     * or outside it (PyTorch's usual −100).
     */
    public CrossEntropyOptions withIgnoreIndex(int index) {
        return new CrossEntropyOptions(reduction, weight, true, index, labelSmoothing);
    }

    /** These options with no ignore index: every target must lie in {@code [0, C)}. */
    public CrossEntropyOptions withoutIgnoreIndex() {
        return new CrossEntropyOptions(reduction, weight, false, 0, labelSmoothing);
    }

    /**
     * These options with label smoothing ε: the target distribution becomes
     * {@code (1 − ε)·onehot(y) + ε/C} (each class scaled by its weight when there are weights).
     *
     * @throws IllegalArgumentException when ε is NaN or outside {@code [0, 1]}
     */
    public CrossEntropyOptions withLabelSmoothing(double epsilon) {
        if (!(epsilon >= 0 && epsilon <= 1)) {
            throw new IllegalArgumentException("crossEntropyWithLogits: labelSmoothing " + epsilon + " is outside [0, 1]");
        }
        return new CrossEntropyOptions(reduction, weight, ignoring, ignoreIndex, epsilon);
    }

    /** How the per-position losses are combined (MEAN by default). */
    public Reduction reduction() {
        return reduction;
    }

    /** A float64 copy of the class weights, or empty for all ones. */
    public Optional<Tensor> weight() {
        return weight == null ? Optional.empty() : Optional.of(Tensor.wrap(weight.clone(), Shape.of(weight.length)));
    }

    /** The target value whose positions are ignored, or empty when none is. */
    public OptionalInt ignoreIndex() {
        return ignoring ? OptionalInt.of(ignoreIndex) : OptionalInt.empty();
    }

    /** The label smoothing ε in {@code [0, 1]} (0 by default). */
    public double labelSmoothing() {
        return labelSmoothing;
    }

    /** Whether positions with this target are ignored. */
    boolean ignores(int target) {
        return ignoring && target == ignoreIndex;
    }

    /** The number of class weights, or −1 when there are none. */
    int weightCount() {
        return weight == null ? -1 : weight.length;
    }

    /** {@code w[c]}, or 1 without class weights. */
    double weightOf(int c) {
        return weight == null ? 1 : weight[c];
    }

    /**
     * True when these options give the plain cross-entropy for these targets (no weights, no
     * smoothing, no target equal to the ignore index), so the fused op of autodiff can run instead.
     */
    boolean isPlainFor(int[] targets) {
        if (weight != null || labelSmoothing != 0) {
            return false;
        }
        for (int t : targets) {
            if (ignores(t)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "CrossEntropyOptions[reduction=" + reduction + ", weight=" + (weight == null ? "none" : Arrays.toString(weight))
                + ", ignoreIndex=" + (ignoring ? Integer.toString(ignoreIndex) : "none") + ", labelSmoothing="
                + labelSmoothing + "]";
    }
}
