package dev.ganglion.autodiff;

import dev.ganglion.engine.Tensor;

/**
 * A differentiable op defined outside the built-in vocabulary: forward and backward written
 * together on plain {@link Tensor}s. This is how fused ops are added without touching the
 * gradient table (e.g. a whole recurrent cell step whose backward reuses the gate activations its
 * forward computed): the table's {@link Op#CUSTOM} rule calls {@link #backward}.
 *
 * <pre>{@code
 * // y = x³, written as one op
 * CustomFunction cube = CustomFunction.of("cube",
 *         (ctx, in) -> { ctx.save(in[0]); return Elementwise.pow(in[0], 3); },
 *         (ctx, g) -> new Tensor[] {Elementwise.mul(g, Elementwise.scale(Elementwise.square(ctx.saved(0)), 3))});
 * Var y = cube.apply(x);
 * GradCheck.check(v -> cube.apply(v[0]), x.value()).assertPassed();
 * }</pre>
 *
 * <p>Contract: {@code forward} must not write its inputs; tensors it needs in backward go through
 * {@link CustomContext#save} (their storage versions are checked before backward runs).
 * {@code backward} receives output gradients that may be any view (strided, broadcast) and must
 * neither write them nor keep them past its return (a {@code backward()} walk may lend their storage
 * to a later rule once this one has run); it returns one gradient per input, each of the input's
 * shape or of a shape that broadcasts to it (the walk sums it back), or null for "no gradient".
 * One instance may be applied any number of times: per-call state belongs in the context, not in
 * fields. A two-output fused recurrent cell written this way is in the tests
 * ({@code FusedCellExampleTest}). A backward may also write a parameter's gradient straight into
 * that leaf's kept {@code .grad} buffer ({@link CustomContext#leafGrad}), as G2GNet's fused sparse
 * layer does, and an input's gradient into storage the walk lends
 * ({@link CustomContext#inputGradBuffer}).
 */
public interface CustomFunction {
    /** A name for error messages and graph printing: the class's simple name, or its binary name if anonymous. */
    default String name() {
        String simple = getClass().getSimpleName();
        return simple.isEmpty() ? getClass().getName() : simple;
    }

    /**
     * Computes the outputs from the input values (grad mode plays no role here).
     *
     * @param ctx where to save tensors and state for backward
     */
    Tensor[] forward(CustomContext ctx, Tensor... inputs);

    /**
     * Gradients w.r.t. each input, given the gradient of each output (zeros for outputs that
     * received none).
     */
    Tensor[] backward(CustomContext ctx, Tensor... gradOutputs);

    /**
     * The backward as recorded ops, for {@link Autodiff#gradGraph}: {@code ∂L/∂inputs} built with
     * differentiable ops from the node's inputs and the output gradients (zeros for outputs that
     * received none), so that it can be differentiated again. Tensors saved in the forward are
     * constants here: read the inputs instead. The default refuses, naming the function.
     *
     * @param inputs the Vars the function was applied to
     * @return one gradient per input (or null), as {@link #backward} returns them
     */
    default Var[] backwardGraph(CustomContext ctx, Var[] inputs, Var[] gradOutputs) {
        throw new UnsupportedOperationException("gradGraph: the backward of custom function " + name()
                + " cannot be recorded (it is written on tensors, and the function has no backwardGraph); take this "
                + "gradient with Autodiff.grad, or implement backwardGraph");
    }

    /** Applies a single-output function and records it. */
    default Var apply(Var... inputs) {
        Var[] out = applyAll(inputs);
        if (out.length != 1) {
            throw new IllegalStateException(name() + ": apply() for a function with " + out.length
                    + " outputs; use applyAll()");
        }
        return out[0];
    }

    /** Applies the function and records one node with one output {@link Var} per forward output. */
    default Var[] applyAll(Var... inputs) {
        return CustomContext.apply(this, inputs);
    }

    /** Forward of a single-output custom function. */
    @FunctionalInterface
    interface Forward {
        /** The output from the input values; {@code ctx} saves what the backward needs. */
        Tensor apply(CustomContext ctx, Tensor[] inputs);
    }

    /** Backward of a single-output custom function: input gradients from the output gradient. */
    @FunctionalInterface
    interface Backward {
        /** One gradient per input ({@code ∂L/∂xᵢ}, or null for no gradient) from {@code gradOutput = ∂L/∂y}. */
        Tensor[] apply(CustomContext ctx, Tensor gradOutput);
    }

    /** A single-output custom function from two lambdas. */
    static CustomFunction of(String name, Forward forward, Backward backward) {
        return new CustomFunction() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Tensor[] forward(CustomContext ctx, Tensor... inputs) {
                return new Tensor[] {forward.apply(ctx, inputs)};
            }

            @Override
            public Tensor[] backward(CustomContext ctx, Tensor... gradOutputs) {
                return backward.apply(ctx, gradOutputs[0]);
            }
        };
    }
}
