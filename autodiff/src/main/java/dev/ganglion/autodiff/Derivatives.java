package dev.ganglion.autodiff;

import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import java.util.Objects;

/**
 * Derivatives of whole functions, PyTorch's {@code torch.autograd.functional} and JAX's transforms:
 * {@link #jvp}, {@link #hvp}, {@link #jacobian}, {@link #hessian} (a vector-Jacobian product is
 * {@link Autodiff#grad(Var, Tensor, boolean, Var...)} with the vector as the seed). Each evaluates
 * {@code f} once on fresh leaves holding the given points (never written) and differentiates with
 * {@link Autodiff#grad} and {@link Autodiff#gradGraph}, so the second-order ones support what
 * {@code gradGraph} does.
 *
 * <pre>{@code
 * Tensor hv = Derivatives.hvp(x -> x[0].tanh().square().sum(), new Tensor[] {x0}, new Tensor[] {v})[0];
 * Tensor j = Derivatives.jacobian(x -> x[0].softmax(0), x0);   // [n, n]
 * }</pre>
 *
 * <p>Forward-mode products come from reverse mode by the double-VJP identity: {@code uᵀJ} is linear
 * in {@code u}, so {@code Jv = ∂⟨uᵀJ, v⟩/∂u} (at {@code u = 0}), for about the price of two
 * backwards. A Jacobian costs one backward per output element and a Hessian one per input
 * element: meant for small functions (checks, analysis), not for a network's weights.
 */
public final class Derivatives {
    private Derivatives() {}

    /**
     * {@code J·v = Σₖ ∂f(x)/∂xₖ·vₖ}, of f's output shape (a directional derivative), by the
     * double-VJP identity of the class comment.
     */
    public static Tensor jvp(GradCheck.VarFunction f, Tensor[] x, Tensor[] v) {
        Var[] in = leaves("jvp", x);
        checkTangents("jvp", x, v);
        Var out = apply("jvp", f, in);
        Var u = Var.parameter(out.value().newZeros(out.shape()));
        Var[] uJ = Autodiff.gradGraphSeeded(out, u, in);
        return Autodiff.grad(projection(uJ, v), u)[0];   // zeros where f does not depend on x
    }

    /** {@code H·v} for a one-element f: {@code ∂⟨∇f(x), v⟩/∂xₖ} for each input k. */
    public static Tensor[] hvp(GradCheck.VarFunction f, Tensor[] x, Tensor[] v) {
        Var[] in = leaves("hvp", x);
        checkTangents("hvp", x, v);
        Var[] g = Autodiff.gradGraph(scalar("hvp", apply("hvp", f, in)), in);
        return Autodiff.grad(projection(g, v), in);   // zeros where f is at most linear
    }

    /**
     * The Jacobian {@code ∂f(x)ᵢ/∂xⱼ} of shape {@code f(x).shape ++ x.shape}: one backward per output
     * element, the graph kept between them.
     */
    public static Tensor jacobian(GradCheck.VarFunction f, Tensor x) {
        Var[] in = leaves("jacobian", x);
        Var out = apply("jacobian", f, in);
        return rows("jacobian", out, in[0]);
    }

    /** The Hessian {@code ∂²f/∂xᵢ∂xⱼ} of a one-element f, of shape {@code x.shape ++ x.shape}. */
    public static Tensor hessian(GradCheck.VarFunction f, Tensor x) {
        Var[] in = leaves("hessian", x);
        Var g = Autodiff.gradGraph(scalar("hessian", apply("hessian", f, in)), in)[0];
        return rows("hessian", g, in[0]);
    }

    /** {@code ∂out[i]/∂x} for every element i of out, stacked: out's shape, then x's. */
    private static Tensor rows(String op, Var out, Var x) {
        int[] od = out.shape().dims();
        int[] xd = x.shape().dims();
        long[] dims = new long[od.length + xd.length];
        for (int i = 0; i < od.length; i++) {
            dims[i] = od[i];
        }
        for (int i = 0; i < xd.length; i++) {
            dims[od.length + i] = xd[i];
        }
        Tensor result = Tensor.zeros(Shape.ofSizes(op, dims), x.dtype());
        Tensor flat = result.reshape(out.size(), x.size());
        Tensor seed = out.value().newZeros(out.shape());
        Tensor seedFlat = seed.reshape(out.size());
        for (int i = 0; i < out.size(); i++) {
            seedFlat.set(1, i);
            flat.select(0, i).copyFrom(Autodiff.grad(out, seed, true, x)[0].reshape(x.size()));
            seedFlat.set(0, i);
        }
        return result;
    }

    /** {@code Σₖ ⟨gₖ, vₖ⟩}, recorded. */
    private static Var projection(Var[] g, Tensor[] v) {
        Var dot = null;
        for (int k = 0; k < g.length; k++) {
            Var term = g[k].mul(Var.constant(v[k].to(g[k].dtype()))).sum();
            dot = dot == null ? term : dot.add(term);
        }
        return dot;
    }

    private static Var[] leaves(String op, Tensor... x) {
        Objects.requireNonNull(x, op + ": inputs are null");
        if (x.length == 0) {
            throw new IllegalArgumentException(op + ": no inputs to differentiate against");
        }
        Var[] in = new Var[x.length];
        for (int k = 0; k < x.length; k++) {
            Objects.requireNonNull(x[k], op + ": input " + k + " is null");
            in[k] = Var.parameter(x[k]);
        }
        return in;
    }

    private static Var apply(String op, GradCheck.VarFunction f, Var[] in) {
        Objects.requireNonNull(f, op + ": function is null");
        if (!NoGrad.isGradEnabled()) {
            throw new IllegalStateException(op + ": called inside a NoGrad scope, where the function records nothing to "
                    + "differentiate; close the scope, or open NoGrad.suspend() around the call");
        }
        return Objects.requireNonNull(f.apply(in), () -> op + ": the function returned null");
    }

    private static Var scalar(String op, Var out) {
        if (out.size() != 1) {
            throw new IllegalArgumentException(op + ": the function's output of shape " + out.shape()
                    + " is not a single element");
        }
        return out;
    }

    private static void checkTangents(String op, Tensor[] x, Tensor[] v) {
        Objects.requireNonNull(v, op + ": tangents are null");
        if (v.length != x.length) {
            throw new IllegalArgumentException(op + ": " + v.length + " tangents for " + x.length + " inputs");
        }
        for (int k = 0; k < x.length; k++) {
            checkLike(op, "tangent " + k, v[k], x[k].shape());
        }
    }

    private static void checkLike(String op, String what, Tensor t, Shape shape) {
        Objects.requireNonNull(t, op + ": " + what + " is null");
        if (!t.shape().equals(shape)) {
            throw new IllegalArgumentException(op + ": " + what + " of shape " + t.shape() + " for a shape of " + shape);
        }
    }
}
