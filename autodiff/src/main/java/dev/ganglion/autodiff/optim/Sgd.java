package dev.ganglion.autodiff.optim;

import dev.ganglion.autodiff.Var;
import java.util.List;

/**
 * Stochastic gradient descent, PyTorch's {@code torch.optim.SGD}:
 * {@code d = g + λ·p}; with momentum μ {@code b = d} at the first step, else {@code b = μ·b + (1 − τ)·d};
 * {@code d = d + μ·b} (Nesterov) or {@code d = b}; {@code p = p − lr·d}. State: {@code momentum_buffer}
 * (only with μ > 0).
 */
public final class Sgd extends BaseOptimizer {
    private final double momentum;
    private final double dampening;
    private final double weightDecay;
    private final boolean nesterov;

    /** Plain SGD, {@code p = p − lr·g}. */
    public Sgd(List<Var> params, double lr) {
        this(params, lr, 0, 0, 0, false);
    }

    /**
     * The update of the class comment.
     *
     * @param momentum μ ≥ 0
     * @param dampening τ ≥ 0, applied from the second step on
     * @param weightDecay λ ≥ 0 (L2, coupled: added to the gradient)
     * @param nesterov Nesterov momentum (needs μ > 0 and τ = 0, as PyTorch)
     */
    public Sgd(List<Var> params, double lr, double momentum, double dampening, double weightDecay, boolean nesterov) {
        super("sgd", params, lr, momentum > 0 ? new String[] {"momentum_buffer"} : new String[0]);
        checkNonNegative("sgd", "momentum", momentum);
        checkNonNegative("sgd", "dampening", dampening);
        checkNonNegative("sgd", "weight decay", weightDecay);
        if (nesterov && (momentum <= 0 || dampening != 0)) {
            throw new IllegalArgumentException("sgd: Nesterov momentum requires momentum > 0 and zero dampening, got "
                    + momentum + " and " + dampening);
        }
        this.momentum = momentum;
        this.dampening = dampening;
        this.weightDecay = weightDecay;
        this.nesterov = nesterov;
    }

    @Override
    void prepare(Slot s, long step) {
        s.first = step == 1;
        s.c0 = weightDecay;
        s.c1 = momentum;
        s.c2 = 1 - dampening;
        s.c3 = -lr();
        if (momentum > 0) {
            s.floor[0] = Slot.floorFor(momentum);
        }
    }

    @Override
    void update(Slot s, int from, int to) {
        float[] p = s.p;
        float[] g = s.g;
        float wd = (float) s.c0;
        float mu = (float) s.c1;
        float keep = (float) s.c2;
        float negLr = (float) s.c3;
        boolean decay = weightDecay != 0;
        if (momentum == 0) {
            for (int i = from; i < to; i++) {
                float d = decay ? Math.fma(p[i], wd, g[i]) : g[i];
                p[i] = Math.fma(d, negLr, p[i]);
            }
            return;
        }
        float[] b = s.buf[0];
        boolean first = s.first;
        for (int i = from; i < to; i++) {
            float d = decay ? Math.fma(p[i], wd, g[i]) : g[i];
            float m = first ? d : Math.fma(d, keep, b[i] * mu);
            b[i] = m;
            d = nesterov ? Math.fma(m, mu, d) : m;
            p[i] = Math.fma(d, negLr, p[i]);
        }
    }

    @Override
    void update64(Slot s, int from, int to) {
        double[] p = s.pd;
        double[] g = s.gd;
        double wd = s.c0;
        double mu = s.c1;
        double keep = s.c2;
        double negLr = s.c3;
        boolean decay = weightDecay != 0;
        if (momentum == 0) {
            for (int i = from; i < to; i++) {
                double d = decay ? Math.fma(p[i], wd, g[i]) : g[i];
                p[i] = Math.fma(d, negLr, p[i]);
            }
            return;
        }
        double[] b = s.bufd[0];
        boolean first = s.first;
        for (int i = from; i < to; i++) {
            double d = decay ? Math.fma(p[i], wd, g[i]) : g[i];
            double m = first ? d : Math.fma(d, keep, b[i] * mu);
            b[i] = m;
            d = nesterov ? Math.fma(m, mu, d) : m;
            p[i] = Math.fma(d, negLr, p[i]);
        }
    }
}
