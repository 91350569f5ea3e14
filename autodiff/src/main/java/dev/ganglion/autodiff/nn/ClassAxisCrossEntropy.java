package dev.ganglion.autodiff.nn;

import dev.ganglion.autodiff.CustomContext;
import dev.ganglion.autodiff.CustomFunction;
import dev.ganglion.autodiff.Var;
import dev.ganglion.engine.DType;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.ops.Reductions;

/**
 * The general case of {@link Losses#crossEntropyWithLogits(Var, int[], CrossEntropyOptions)} (whose
 * Javadoc states the loss) as one fused node: any options, logits {@code [N, C, d1, …, dk]} or
 * {@code [C]}. Forward and backward in float64, rounded once to the logits' dtype; the backward
 * reuses the saved log-probabilities:
 * <pre>
 *   ∂L/∂zⱼ[c] = γⱼ[c] − softmax(zⱼ)[c]·Σ_k γⱼ[k]
 *   γⱼ[c]     = −(gⱼ·(1 − ε)/D)·w_y·[c = y] − (gⱼ·(ε/C)/D)·w_c
 * </pre>
 * with {@code gⱼ} the incoming gradient (of Lⱼ, or of L at every j) and D = 1 unless MEAN; γ is the
 * gradient PyTorch's graph (nll_loss, the smoothing sum, log_softmax) passes to the log-probabilities.
 *
 * <p>NOTE: the terms are formed in PyTorch's order so that its non-finite cases come out the same:
 * with D = 0 the nll scale is ±∞ and {@code ±∞·w_y} is NaN for a zero weight, so every non-ignored
 * position's gradient is NaN, while ignored positions are skipped (exactly 0, never {@code 0·∞}); with
 * ε = 0 the smoothing term is left out rather than computed as {@code 0/0}.
 */
final class ClassAxisCrossEntropy implements CustomFunction {
    private static final String OP = "crossEntropyWithLogits";

    private final int[] targets;
    private final CrossEntropyOptions options;
    private final int classes;
    /** Positions per sample: {@code d1·…·dk}, 1 without spatial axes. */
    private final int spread;
    /** The shape of the unreduced loss: {@code [N, d1, …, dk]}, or a scalar for logits {@code [C]}. */
    private final Shape lossShape;

    private ClassAxisCrossEntropy(int[] targets, CrossEntropyOptions options, Shape logits) {
        this.targets = targets;
        this.options = options;
        int[] dims = logits.dims();
        this.classes = logits.dim(CrossEntropyChecks.classAxis(logits));
        this.lossShape = Shape.of(CrossEntropyChecks.targetDims(logits));
        int s = 1;
        for (int i = 2; i < dims.length; i++) {
            s *= dims[i];
        }
        this.spread = s;
    }

    /** The loss of {@code logits} against {@code targets}, which {@link CrossEntropyChecks#check} has accepted. */
    static Var apply(Var logits, int[] targets, CrossEntropyOptions options) {
        return new ClassAxisCrossEntropy(targets.clone(), options, logits.shape()).apply(logits);
    }

    @Override
    public String name() {
        return OP;
    }

    /** Index of class c at position j in the flat row-major logits. */
    private int at(int j, int c) {
        return ((j / spread) * classes + c) * spread + j % spread;
    }

    @Override
    public Tensor[] forward(CustomContext ctx, Tensor... in) {
        Tensor logSoftmax = Reductions.logSoftmax(in[0].to(DType.F64), CrossEntropyChecks.classAxis(in[0].shape()));
        ctx.save(logSoftmax);
        double[] logp = logSoftmax.toDoubleArray();
        double eps = options.labelSmoothing();
        double[] nll = new double[targets.length];
        double[] smooth = new double[targets.length];
        double divisor = 0;
        for (int j = 0; j < targets.length; j++) {
            int y = targets[j];
            if (options.ignores(y)) {
                continue;
            }
            double wy = options.weightOf(y);
            nll[j] = -(wy * logp[at(j, y)]);
            divisor += wy;
            if (eps != 0) {
                double s = 0;
                for (int c = 0; c < classes; c++) {
                    s += options.weightOf(c) * logp[at(j, c)];
                }
                smooth[j] = -s;
            }
        }
        ctx.setState(divisor);
        double[] out = switch (options.reduction()) {
            case NONE -> {
                for (int j = 0; j < nll.length; j++) {
                    nll[j] = combine(nll[j], smooth[j], 1);
                }
                yield nll;
            }
            case SUM -> new double[] {combine(sum(nll), sum(smooth), 1)};
            case MEAN -> new double[] {combine(sum(nll), sum(smooth), divisor)};
        };
        Shape shape = options.reduction() == Reduction.NONE ? lossShape : Shape.scalar();
        return new Tensor[] {Tensor.wrap(out, shape).to(in[0].dtype())};
    }

    /** {@code (1 − ε)·nll/D + (smooth/D)·(ε/C)}, PyTorch's order; just {@code nll/D} when ε = 0. */
    private double combine(double nll, double smooth, double divisor) {
        double eps = options.labelSmoothing();
        return eps == 0 ? nll / divisor : (1 - eps) * (nll / divisor) + (smooth / divisor) * (eps / classes);
    }

    @Override
    public Tensor[] backward(CustomContext ctx, Tensor... gradOutputs) {
        Tensor saved = ctx.saved(0);
        double[] logp = saved.toDoubleArray();
        double[] g = gradOutputs[0].toDoubleArray();
        boolean mean = options.reduction() == Reduction.MEAN;
        double divisor = mean ? (Double) ctx.state() : 1;
        double eps = options.labelSmoothing();
        double[] dz = new double[logp.length];
        double[] gamma = new double[classes];
        for (int j = 0; j < targets.length; j++) {
            int y = targets[j];
            if (options.ignores(y)) {
                continue; // exactly 0, even where the scales below are ±∞ or NaN
            }
            double gj = options.reduction() == Reduction.NONE ? g[j] : g[0];
            double nllScale = -(gj * (1 - eps) / divisor);
            double smoothScale = eps == 0 ? 0 : -(gj * (eps / classes) / divisor);
            double total = 0;
            for (int c = 0; c < classes; c++) {
                gamma[c] = smoothScale * options.weightOf(c) + (c == y ? nllScale * options.weightOf(y) : 0);
                total += gamma[c];
            }
            for (int c = 0; c < classes; c++) {
                dz[at(j, c)] = gamma[c] - Math.exp(logp[at(j, c)]) * total;
            }
        }
        // the output, hence its gradient, has the logits' dtype
        return new Tensor[] {Tensor.wrap(dz, saved.shape()).to(gradOutputs[0].dtype())};
    }

    /**
     * The same rule recorded, for {@code gradGraph}: {@code dz = γ − softmax(z)·Σ_c γ[c]} with
     * {@code γ = g·A}, A the constant of the class comment's γ per unit gradient (its scales, the
     * weights and the targets; 0 at ignored positions).
     */
    @Override
    public Var[] backwardGraph(CustomContext ctx, Var[] in, Var[] gradOutputs) {
        Var z = in[0];
        int axis = CrossEntropyChecks.classAxis(z.shape());
        double divisor = options.reduction() == Reduction.MEAN ? (Double) ctx.state() : 1;
        double eps = options.labelSmoothing();
        double nllScale = -((1 - eps) / divisor);
        double smoothScale = eps == 0 ? 0 : -((eps / classes) / divisor);
        double[] a = new double[z.size()];
        for (int j = 0; j < targets.length; j++) {
            int y = targets[j];
            if (options.ignores(y)) {
                continue;
            }
            for (int c = 0; c < classes; c++) {
                a[at(j, c)] = smoothScale * options.weightOf(c) + (c == y ? nllScale * options.weightOf(y) : 0);
            }
        }
        Var g = options.reduction() == Reduction.NONE && z.rank() > 1 ? gradOutputs[0].unsqueeze(axis) : gradOutputs[0];
        Var gamma = g.mul(Var.constant(Tensor.wrap(a, z.shape()).to(z.dtype())));
        return new Var[] {gamma.sub(z.softmax(axis).mul(gamma.sum(true, axis)))};
    }

    /** Σ a, left to right. */
    private static double sum(double[] a) {
        double s = 0;
        for (double v : a) {
            s += v;
        }
        return s;
    }
}
