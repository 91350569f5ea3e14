package dev.ganglion.autodiff.optim;

import dev.ganglion.autodiff.Var;
import java.util.List;

/**
 * Adamax, PyTorch's {@code torch.optim.Adamax} (Adam with the infinity norm):
 * {@code g = g + λ·p}, {@code m = β₁·m + (1 − β₁)·g}, {@code u = max(β₂·u, |g| + ε)},
 * {@code p = p − (lr/(1 − β₁ᵗ))·m/u}. State: {@code exp_avg}, {@code exp_inf}.
 */
public final class Adamax extends BaseOptimizer {
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;

    /** β = (0.9, 0.999), ε = 1e-8, no weight decay. PyTorch's default lr is 2e-3. */
    public Adamax(List<Var> params, double lr) {
        this(params, lr, 0.9, 0.999, 1e-8, 0);
    }

    /** The update of the class comment with β₁, β₂ ∈ [0, 1), ε ≥ 0 and coupled L2 weight decay λ ≥ 0. */
    public Adamax(List<Var> params, double lr, double beta1, double beta2, double eps, double weightDecay) {
        super("adamax", params, lr, "exp_avg", "exp_inf");
        checkBeta("adamax", "beta1", beta1);
        checkBeta("adamax", "beta2", beta2);
        checkNonNegative("adamax", "eps", eps);
        checkNonNegative("adamax", "weight decay", weightDecay);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
    }

    /** c0 … c4 = β₁, 1 − β₁, β₂, −lr/(1 − β₁ᵗ), λ. */
    @Override
    void prepare(Slot s, long step) {
        s.c0 = beta1;
        s.c1 = 1 - beta1;
        s.c2 = beta2;
        s.c3 = -(lr() / (1 - Math.pow(beta1, step)));
        s.c4 = weightDecay;
        s.floor[0] = Slot.floorFor(beta1, s.c3);   // m·β₁ and the step's (−lr/(1 − β₁ᵗ))·m
        s.floor[1] = Slot.floorFor(beta2);
    }

    @Override
    void update(Slot s, int from, int to) {
        float[] p = s.p;
        float[] g = s.g;
        float[] m = s.buf[0];
        float[] u = s.buf[1];
        float b1 = (float) s.c0;
        float c1 = (float) s.c1;
        float b2 = (float) s.c2;
        float clr = (float) s.c3;
        float wd = (float) s.c4;
        float e = (float) eps;
        boolean decay = weightDecay != 0;
        for (int i = from; i < to; i++) {
            float pi = p[i];
            float gi = decay ? Math.fma(pi, wd, g[i]) : g[i];
            float mi = Math.fma(gi, c1, m[i] * b1);
            // NOTE: a NaN on either side propagates, as torch.amax does
            float ui = Math.max(u[i] * b2, Math.abs(gi) + e);
            m[i] = mi;
            u[i] = ui;
            p[i] = pi + clr * mi / ui;
        }
    }

    @Override
    void update64(Slot s, int from, int to) {
        double[] p = s.pd;
        double[] g = s.gd;
        double[] m = s.bufd[0];
        double[] u = s.bufd[1];
        double b1 = s.c0;
        double c1 = s.c1;
        double b2 = s.c2;
        double clr = s.c3;
        double wd = s.c4;
        double e = eps;
        boolean decay = weightDecay != 0;
        for (int i = from; i < to; i++) {
            double pi = p[i];
            double gi = decay ? Math.fma(pi, wd, g[i]) : g[i];
            double mi = Math.fma(gi, c1, m[i] * b1);
            // NOTE: a NaN on either side propagates, as torch.amax does
            double ui = Math.max(u[i] * b2, Math.abs(gi) + e);
            m[i] = mi;
            u[i] = ui;
            p[i] = pi + clr * mi / ui;
        }
    }
}
