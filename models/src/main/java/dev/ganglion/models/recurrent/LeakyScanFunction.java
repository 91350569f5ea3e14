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
 *
 * <p>The backward is recorded ({@link #backwardGraph}) as the reverse scan, itself an op whose
 * backward is this scan with {@code s_0 = 0}: the two are each other's adjoints, so derivatives of
 * any order stay two scans.
 */
public final class LeakyScanFunction implements CustomFunction {
    private final double kappa;
    private final ReverseScan reverse = new ReverseScan();

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
        Tensor acc = scanFromZero(g[0], true);
        Shape sh = acc.shape();
        Tensor ds0 = zeroState(sh, acc.dtype());
        int d = sh.dim(2);
        for (int b = 0; b < sh.dim(0); b++) {
            for (int k = 0; k < d; k++) {
                ds0.set(kappa * acc.get(b, 0, k), b, k);
            }
        }
        return new Tensor[] {acc, ds0};
    }

    /** {@code ∂u = G}, {@code ∂s_0 = κ·G_1}, G the recorded reverse scan of the output gradient. */
    @Override
    public Var[] backwardGraph(CustomContext ctx, Var[] in, Var[] g) {
        Var acc = reverse.apply(g[0]);
        return new Var[] {acc, in[1].requiresGrad() ? acc.select(1, 0).scale(kappa) : null};
    }

    /**
     * The reverse scan {@code G_t = g_t + κ·G_{t+1}} ({@code G_{T+1} = 0}) as an op: its backward is
     * the forward scan {@code H_t = κ·H_{t−1} + h_t} from {@code H_0 = 0}, recorded as the enclosing
     * {@link LeakyScanFunction}.
     */
    private final class ReverseScan implements CustomFunction {
        @Override
        public String name() {
            return "LeakyScan.reverse";
        }

        Var apply(Var g) {
            return applyAll(g)[0];
        }

        @Override
        public Tensor[] forward(CustomContext ctx, Tensor... in) {
            return new Tensor[] {scanFromZero(in[0], true)};
        }

        @Override
        public Tensor[] backward(CustomContext ctx, Tensor... h) {
            return new Tensor[] {scanFromZero(h[0], false)};
        }

        @Override
        public Var[] backwardGraph(CustomContext ctx, Var[] in, Var[] h) {
            return new Var[] {LeakyScanFunction.this.apply(h[0], Var.constant(zeroState(h[0].shape(), h[0].dtype())))};
        }
    }

    /** The scan of {@code g [B, T, D]} from a zero state, forward or reverse. */
    private Tensor scanFromZero(Tensor g, boolean reverse) {
        Tensor flat = SubLstmLayerFunction.flat(g);
        return scan(flat, zeroState(flat.shape(), flat.dtype()), reverse);
    }

    /** Zeros [B, D] for a sequence of shape [B, T, D]. */
    private static Tensor zeroState(Shape sequence, DType dtype) {
        return Tensor.zeros(Shape.of(sequence.dim(0), sequence.dim(2)), dtype);
    }

    /** The forward scan, or with {@code reverse} the backward one (from the last step, no s_0 term). */
    private Tensor scan(Tensor u, Tensor s0, boolean reverse) {
        Shape sh = u.shape();
        Tensor out = Tensor.zeros(sh, u.dtype());
        if (u.dtype() == DType.F32) {
            scanF32(u.floatArray(), s0.floatArray(), out.floatArray(), sh.dim(0), sh.dim(1), sh.dim(2), reverse);
        } else {
            scanF64(u.doubleArray(), s0.doubleArray(), out.doubleArray(), sh.dim(0), sh.dim(1), sh.dim(2), reverse);
        }
        return out.markWritten();
    }

    // NOTE: the first step of each sequence reads s0, the others the previous output row; two plain
    // loops (no per-element branch) so the JIT vectorises them.
    private void scanF32(float[] u, float[] s0, float[] o, int batch, int steps, int d, boolean reverse) {
        float k = (float) kappa;
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < steps; i++) {
                int at = (b * steps + (reverse ? steps - 1 - i : i)) * d;
                float[] prev = i == 0 ? s0 : o;
                int p = i == 0 ? b * d : (reverse ? at + d : at - d);
                for (int j = 0; j < d; j++) {
                    o[at + j] = k * prev[p + j] + u[at + j];
                }
            }
        }
    }

    private void scanF64(double[] u, double[] s0, double[] o, int batch, int steps, int d, boolean reverse) {
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < steps; i++) {
                int at = (b * steps + (reverse ? steps - 1 - i : i)) * d;
                double[] prev = i == 0 ? s0 : o;
                int p = i == 0 ? b * d : (reverse ? at + d : at - d);
                for (int j = 0; j < d; j++) {
                    o[at + j] = kappa * prev[p + j] + u[at + j];
                }
            }
        }
    }
}
