package dev.ganglion.autodiff.nn;

import dev.ganglion.autodiff.LinalgOps;
import dev.ganglion.autodiff.Var;
import dev.ganglion.engine.Rng;
import dev.ganglion.engine.Tensor;

/**
 * Dense affine layer {@code y = x·Wᵀ + b}, {@code x [..., in]}, {@code W [out, in]} (PyTorch layout),
 * {@code b [out]}. Parameters {@code weight} and {@code bias}; PyTorch's default init
 * {@code W, b ~ U(±1/√in)} drawn in that order from the given {@link Rng}.
 */
public final class Linear extends Layer {
    private final int in;
    private final int out;
    private final Var weight;
    private final Var bias;

    /** A layer with a bias. */
    public Linear(int in, int out, Rng rng) {
        this(in, out, true, rng);
    }

    /** A layer with or without a bias. */
    public Linear(int in, int out, boolean bias, Rng rng) {
        if (in < 0 || out < 0) {
            throw new IllegalArgumentException("Linear: negative size " + in + " → " + out);
        }
        this.in = in;
        this.out = out;
        this.weight = registerParameter("weight", Init.fanIn(rng, in, out, in));
        this.bias = bias ? registerParameter("bias", Init.fanIn(rng, in, out)) : null;
    }

    /** A layer over given values (not copied): {@code weight [out, in]}, {@code bias [out]} or null. */
    public Linear(Tensor weight, Tensor bias) {
        if (weight.rank() != 2 || (bias != null && (bias.rank() != 1 || bias.dim(0) != weight.dim(0)))) {
            throw new IllegalArgumentException("Linear: weight " + weight.shape() + " and bias "
                    + (bias == null ? "none" : bias.shape()) + "; expected [out, in] and [out]");
        }
        this.out = weight.dim(0);
        this.in = weight.dim(1);
        this.weight = registerParameter("weight", weight);
        this.bias = bias == null ? null : registerParameter("bias", bias);
    }

    /** Input width, {@code in}. */
    public int inFeatures() {
        return in;
    }

    /** Output width, {@code out}. */
    public int outFeatures() {
        return out;
    }

    /** {@code W [out, in]}. */
    public Var weight() {
        return weight;
    }

    /** {@code b [out]}, or null without bias. */
    public Var bias() {
        return bias;
    }

    @Override
    public Var forward(Var x) {
        Shapes.checkLastAxis(this, x, in);
        return LinalgOps.linear(x, weight, bias);
    }

    @Override
    public String toString() {
        return "Linear(" + in + " → " + out + (bias == null ? ", no bias)" : ")");
    }
}
