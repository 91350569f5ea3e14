package dev.ganglion.autodiff.nn;

import dev.ganglion.autodiff.CustomContext;
import dev.ganglion.autodiff.CustomFunction;
import dev.ganglion.autodiff.Var;
import dev.ganglion.engine.Tensor;

/**
 * The fused elementwise term of {@link Losses#bceWithLogits}: forward
 * {@code ℓ = max(x, 0) − x·y + log1p(e^{−|x|})}, evaluated as {@code x·(1 − y) + log1p(e^{−x})} for
 * {@code x ≥ 0} and {@code −x·y + log1p(e^{x})} below (so a large finite logit never overflows
 * {@code e^x}; an infinite logit gives ∞ against any other label, and NaN, {@code ∞·0} as in
 * PyTorch, against the label it reaches: y = 1 for +∞, y = 0 for −∞), backward {@code dx = g·(σ(x) − y)}, {@code dy = −g·x},
 * computed in double and rounded once to the inputs' dtype.
 */
final class BinaryCrossEntropy implements CustomFunction {
    static final BinaryCrossEntropy FUNCTION = new BinaryCrossEntropy();

    @Override
    public String name() {
        return "bceWithLogits";
    }

    @Override
    public Tensor[] forward(CustomContext ctx, Tensor... in) {
        ctx.save(in[0], in[1]);
        double[] x = in[0].toDoubleArray();
        double[] y = in[1].toDoubleArray();
        double[] l = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            // NOTE: the log1p form never evaluates e^{x} for large x, so it is finite for any finite logit
            l[i] = (x[i] >= 0 ? x[i] * (1 - y[i]) : -x[i] * y[i]) + Math.log1p(Math.exp(-Math.abs(x[i])));
        }
        return new Tensor[] {Tensor.wrap(l, in[0].shape()).to(in[0].dtype())};
    }

    /** The same rule recorded: {@code dx = g·(σ(x) − y)}, {@code dy = −g·x}. */
    @Override
    public Var[] backwardGraph(CustomContext ctx, Var[] in, Var[] gradOutputs) {
        Var g = gradOutputs[0];
        return new Var[] {g.mul(in[0].sigmoid().sub(in[1])), g.mul(in[0]).neg()};
    }

    @Override
    public Tensor[] backward(CustomContext ctx, Tensor... gradOutputs) {
        Tensor xs = ctx.saved(0);
        double[] x = xs.toDoubleArray();
        double[] y = ctx.saved(1).toDoubleArray();
        double[] g = gradOutputs[0].toDoubleArray();
        double[] gx = new double[x.length];
        double[] gy = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double s = x[i] >= 0 ? 1 / (1 + Math.exp(-x[i])) : Math.exp(x[i]) / (1 + Math.exp(x[i]));
            gx[i] = g[i] * (s - y[i]);
            gy[i] = -g[i] * x[i];
        }
        return new Tensor[] {
            ctx.needsInputGrad(0) ? Tensor.wrap(gx, xs.shape()).to(xs.dtype()) : null,
            ctx.needsInputGrad(1) ? Tensor.wrap(gy, xs.shape()).to(xs.dtype()) : null
        };
    }
}
