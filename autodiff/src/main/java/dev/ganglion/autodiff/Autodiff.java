package dev.ganglion.autodiff;

import dev.ganglion.engine.Tensor;
import java.util.Objects;

/**
 * Entry points of reverse-mode differentiation: {@code ∂output/∂x} for the leaves or for chosen
 * variables of a recorded graph.
 *
 * <p>Both walks visit each node once in reverse topological order, run its rule from the one
 * gradient table ({@link Op}), sum gradients of broadcast inputs back to the input's shape, and
 * (unless {@code retainGraph}) release each node's saved tensors and inputs as soon as its rule has
 * run. A tensor saved for backward and written in place since is reported with an
 * {@link IllegalStateException} naming the op.
 */
public final class Autodiff {
    private Autodiff() {}

    /**
     * Accumulates {@code ∂⟨seed, output⟩/∂leaf} into {@link Var#grad()} of every leaf behind
     * {@code output} that requires grad.
     *
     * @param seed the gradient of some scalar w.r.t. {@code output}, of the output's shape
     * @param retainGraph keep saved tensors so that the graph can be walked again
     * @throws IllegalArgumentException when the output does not require grad or the seed's shape differs
     * @throws IllegalStateException when a saved tensor was modified in place, or the graph was spent
     */
    public static void backward(Var output, Tensor seed, boolean retainGraph) {
        Backward.intoLeaves(output, checkSeed("backward", output, seed), retainGraph);
    }

    /**
     * {@code ∂output/∂inputs[k]} for a one-element output, without touching any {@code grad}.
     * Inputs the output does not depend on get zeros. Spends the graph.
     */
    public static Tensor[] grad(Var output, Var... inputs) {
        return grad(output, unitSeed("grad", output, "grad(output, seed, retainGraph, inputs)"), false, inputs);
    }

    /**
     * {@code ∂⟨seed, output⟩/∂inputs[k]} for each k (leaves or intermediate results), without touching
     * any {@code grad}; only the part of the graph between the output and the inputs is walked.
     * Inputs the output does not depend on get zeros; an input given twice gets its gradient twice.
     * Each result is a new contiguous tensor of its input's shape and dtype.
     *
     * @throws IllegalArgumentException when an input does not require grad (as PyTorch, which also
     *     refuses them: a gradient could never reach it)
     */
    public static Tensor[] grad(Var output, Tensor seed, boolean retainGraph, Var... inputs) {
        checkInputs("grad", inputs);
        return Backward.gradients(output, checkSeed("grad", output, seed), retainGraph, inputs.clone());
    }

    /**
     * {@code ∂output/∂inputs[k]} for a one-element output, as {@link Var}s recorded in the graph:
     * PyTorch's {@code torch.autograd.grad(output, inputs, create_graph=True)}. Each result can enter
     * further ops and be differentiated again, for Hessian-vector products
     * ({@code gradGraph(⟨gradGraph(f, x)[0], v⟩, x)}), gradient penalties or higher derivatives.
     * See {@link #gradGraphSeeded}.
     */
    public static Var[] gradGraph(Var output, Var... inputs) {
        Tensor seed = unitSeed("gradGraph", output, "gradGraphSeeded(output, seed, inputs)");
        return gradGraphSeeded(output, Var.constant(seed), inputs);
    }

    /**
     * {@code ∂⟨seed, output⟩/∂inputs[k]} as recorded {@link Var}s (a seed that requires grad is
     * differentiated through as well). The walk runs every rule of {@link Op}'s table on Vars, so the
     * results are exactly {@link #grad}'s up to rounding, and keeps the graph behind the output (the
     * results reference it). An input the output does not depend on gets a constant zero; a result
     * that depends on nothing that requires grad is a constant.
     *
     * <p>A {@link CustomFunction} is recorded through its {@link CustomFunction#backwardGraph}; a walk
     * that reaches one without it throws {@link UnsupportedOperationException} naming it (the nn
     * losses have theirs). Cross-entropy and layer norm
     * recompute their statistics from their inputs, as Vars; the sparse products run as gathers and a
     * scatter-add over a {@code [batch, stored entries]} temporary instead of their kernels.
     *
     * @throws IllegalArgumentException when an input does not require grad or the seed's shape differs
     * @throws IllegalStateException inside a {@link NoGrad} scope (nothing could be recorded), or when
     *     the graph was already spent by a backward that did not retain it
     */
    public static Var[] gradGraphSeeded(Var output, Var seed, Var... inputs) {
        Objects.requireNonNull(output, "gradGraph: output is null");
        Objects.requireNonNull(seed, "gradGraph: seed is null");
        checkInputs("gradGraph", inputs);
        if (!NoGrad.isGradEnabled()) {
            throw new IllegalStateException("gradGraph: called inside a NoGrad scope, where no gradient can be "
                    + "recorded; close the scope, or use grad");
        }
        checkSeed("gradGraph", output, seed.value());
        return Backward.gradientsGraph(output, seed.to(output.dtype()), inputs.clone());
    }

    /** True unless a {@link NoGrad} scope is open on this thread. */
    public static boolean isGradEnabled() {
        return NoGrad.isGradEnabled();
    }

    /** The seed 1 of a one-element output, or an error pointing to {@code seeded}, the call that takes a seed. */
    private static Tensor unitSeed(String op, Var output, String seeded) {
        Objects.requireNonNull(output, op + ": output is null");
        if (output.size() != 1) {
            throw new IllegalArgumentException(op + ": output of shape " + output.shape()
                    + " is not a single element; pass a seed with " + seeded);
        }
        return Tensor.full(output.shape(), 1, output.dtype());
    }

    private static void checkInputs(String op, Var[] inputs) {
        for (int i = 0; i < inputs.length; i++) {
            Objects.requireNonNull(inputs[i], op + ": input " + i + " is null");
            if (!inputs[i].requiresGrad()) {
                throw new IllegalArgumentException(op + ": input " + i + " of shape " + inputs[i].shape()
                        + " does not require grad (a constant, or computed under NoGrad): no gradient flows to it");
            }
        }
    }

    private static Tensor checkSeed(String op, Var output, Tensor seed) {
        Objects.requireNonNull(output, op + ": output is null");
        Objects.requireNonNull(seed, op + ": seed is null");
        if (!seed.shape().equals(output.shape())) {
            throw new IllegalArgumentException(op + ": seed of shape " + seed.shape()
                    + " for an output of shape " + output.shape());
        }
        return seed.to(output.dtype());
    }
}
