package dev.ganglion.models.recurrent;

import dev.ganglion.autodiff.CustomContext;
import dev.ganglion.autodiff.CustomFunction;
import dev.ganglion.autodiff.Var;
import dev.ganglion.engine.DType;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;

/**
 * A leaky integrator over time as one op: {@code s_t = κ·s_{t−1} + u_t} for inputs
 * {@code u [B, T, D]}, {@code s_0 [B, D]} and a constant {@code κ}; output {@code s [B, T, D]} (every
 * step). Backward is the reverse scan {@code G_t = ∂s_t + κ·G_{t+1}}: {@code ∂u_t = G_t},
 * {@code ∂s_0 = κ·G_1}. Used for the ELM's synapse traces, which do not depend on the memory, so all
 * steps are scanned at once (one node instead of two per step).
 */
public final class LeakyScanFunction implements CustomFunction {
    private final double kappa;

    /** The scan with decay {@code kappa}. */
    public LeakyScanFunction(double kappa) {
        this.kappa = kappa;
    }

    /** The decay {@code κ}. */
    public double kappa() {
        return kappa;
    }

    @Override
    public String name() {
        return "LeakyScan";
    }

    /** {@code s [B, T, D]} from {@code u [B, T, D]} and {@code s0 [B, D]}. */
    public Var apply(Var u, Var s0) {
        return applyAll(u, s0)[0];
    }

    @Override
    public Tensor[] forward(CustomContext ctx, Tensor... in) {
        Shape u = in[0].shape();
        if (in.length != 2 || u.rank() != 3 || !in[1].shape().equals(Shape.of(u.dim(0), u.dim(2)))
                || in[0].dtype() != in[1].dtype()) {
            throw new IllegalArgumentException(name() + ": expected u [B, T, D] and s0 [B, D] of one dtype, got "
                    + u + " and " + (in.length > 1 ? in[1].shape() : "nothing"));
        }
        Tensor out = scan(SubLstmLayerFunction.flat(in[0]), SubLstmLayerFunction.flat(in[1]), false);
        return new Tensor[] {out};
    }

    @Override
    public Tensor[] backward(CustomContext ctx, Tensor... g) {
        Tensor grad = SubLstmLayerFunction.flat(g[0]);
        Shape sh = grad.shape();
        Tensor acc = scan(grad, Tensor.zeros(Shape.of(sh.dim(0), sh.dim(2)), grad.dtype()), true);
        Tensor ds0 = Tensor.zeros(Shape.of(sh.dim(0), sh.dim(2)), grad.dtype());
        int d = sh.dim(2);
        for (int b = 0; b < sh.dim(0); b++) {
            for (int k = 0; k < d; k++) {
                ds0.set(kappa * acc.get(b, 0, k), b, k);
            }
        }
        return new Tensor[] {acc, ds0};
    }

    /** The forward scan, or with {@code reverse} the backward one (from the last step, no s_0 term). */
    private Tensor scan(Tensor u, Tensor s0, boolean reverse) {
        Shape sh = u.shape();
        int batch = sh.dim(0);
        int steps = sh.dim(1);
        int d = sh.dim(2);
        Tensor out = Tensor.zeros(sh, u.dtype());
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < steps; i++) {
                int t = reverse ? steps - 1 - i : i;
                int at = (b * steps + t) * d;
                int prev = reverse ? at + d : at - d;
                boolean first = i == 0;
                if (u.dtype() == DType.F32) {
                    float[] uv = u.floatArray();
                    float[] o = out.floatArray();
                    float[] s = s0.floatArray();
                    float k = (float) kappa;
                    for (int j = 0; j < d; j++) {
                        o[at + j] = k * (first ? s[b * d + j] : o[prev + j]) + uv[at + j];
                    }
                } else {
                    double[] uv = u.doubleArray();
                    double[] o = out.doubleArray();
                    double[] s = s0.doubleArray();
                    for (int j = 0; j < d; j++) {
                        o[at + j] = kappa * (first ? s[b * d + j] : o[prev + j]) + uv[at + j];
                    }
                }
            }
        }
        return out.markWritten();
    }
}
