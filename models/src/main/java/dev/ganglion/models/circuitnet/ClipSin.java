package dev.ganglion.models.circuitnet;

import dev.ganglion.autodiff.PointwiseOps;
import dev.ganglion.autodiff.Var;
import dev.ganglion.engine.Tensor;

/**
 * CircuitNet's activation: {@code clipsin(x) = A·sin(πx/6)} for {@code |x| ≤ 3},
 * {@code ±A + 0.01·(x ∓ 3)} beyond, {@code A = 3.388235} (continuous at ±3).
 * NOTE: {@code |x| = 3} takes the sine branch (slope 0 there; the linear branch has slope 0.01).
 */
public final class ClipSin {
    /** The amplitude A. */
    public static final double A = 3.388235;

    private ClipSin() {}

    /** {@code clipsin(x)} elementwise, differentiable (the branch chosen by the value of x). */
    public static Var apply(Var x) {
        double[] v = x.value().toDoubleArray();
        float[] inside = new float[v.length];
        double[] offset = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            boolean in = Math.abs(v[i]) <= 3.0;
            inside[i] = in ? 1f : 0f;
            offset[i] = in ? 0 : Math.signum(v[i]) * (A - 0.03);
        }
        Tensor cond = Tensor.wrap(inside, x.shape()).to(x.dtype());
        Var sine = PointwiseOps.sin(x.scale(Math.PI / 6.0)).scale(A);
        Var linear = x.scale(0.01).add(Var.constant(Tensor.wrap(offset, x.shape()).to(x.dtype())));
        return PointwiseOps.where(cond, sine, linear);
    }
}
