package dev.ganglion.autodiff.optim;

import dev.ganglion.autodiff.Var;
import dev.ganglion.engine.kernel.AdamKernel;
import java.util.List;

/**
 * Adam, PyTorch's {@code torch.optim.Adam} (L2 weight decay coupled into the gradient):
 * {@code g = g + λ·p}, {@code m = β₁·m + (1 − β₁)·g}, {@code v = β₂·v + (1 − β₂)·g²},
 * {@code p = p − (lr/(1 − β₁ᵗ))·m / (√v/√(1 − β₂ᵗ) + ε)} (ε outside the square root, after the
 * bias correction). State: {@code exp_avg}, {@code exp_avg_sq}.
 */
public class Adam extends BaseOptimizer {
    private static final AdamKernel KERNEL = AdamKernel.active();
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    /**
     * How λ enters: NONE (λ = 0), COUPLED ({@code g + λ·p}) or, AdamW's, DECOUPLED
     * ({@code p = p·(1 − lr·λ)} before the update).
     */
    private final AdamKernel.Decay decay;

    /** β = (0.9, 0.999), ε = 1e-8, no weight decay. */
    public Adam(List<Var> params, double lr) {
        this(params, lr, 0.9, 0.999, 1e-8, 0);
    }

    /** The update of the class comment with β₁, β₂ ∈ [0, 1), ε ≥ 0 and coupled L2 weight decay λ ≥ 0. */
    public Adam(List<Var> params, double lr, double beta1, double beta2, double eps, double weightDecay) {
        this("adam", params, lr, beta1, beta2, eps, weightDecay, false);
    }

    Adam(String kind, List<Var> params, double lr, double beta1, double beta2, double eps, double weightDecay,
         boolean decoupled) {
        super(kind, params, lr, "exp_avg", "exp_avg_sq");
        checkBeta(kind, "beta1", beta1);
        checkBeta(kind, "beta2", beta2);
        checkNonNegative(kind, "eps", eps);
        checkNonNegative(kind, "weight decay", weightDecay);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.decay = decoupled ? AdamKernel.Decay.DECOUPLED
                : weightDecay != 0 ? AdamKernel.Decay.COUPLED : AdamKernel.Decay.NONE;
    }

    /** Constants c0 … c5 = β₁, 1 − β₁, β₂, 1 − β₂, −lr/(1 − β₁ᵗ), √(1 − β₂ᵗ); c6 the decay factor. */
    @Override
    void prepare(Slot s, long step) {
        s.c0 = beta1;
        s.c1 = 1 - beta1;
        s.c2 = beta2;
        s.c3 = 1 - beta2;
        s.c4 = -(lr() / (1 - Math.pow(beta1, step)));
        s.c5 = Math.sqrt(1 - Math.pow(beta2, step));
        s.c6 = decay == AdamKernel.Decay.DECOUPLED ? 1 - lr() * weightDecay : weightDecay;
        s.floor[0] = Slot.floorFor(beta1, s.c4);   // m·β₁ and the step's (−lr/(1 − β₁ᵗ))·m
        s.floor[1] = Slot.floorFor(beta2);
    }

    /** The float32 pass through the {@link AdamKernel}, which also flushes m and v as it stores them. */
    @Override
    void update(Slot s, int from, int to) {
        KERNEL.update(s.p, s.g, s.buf[0], s.buf[1], from, to, (float) s.c0, (float) s.c1, (float) s.c2, (float) s.c3,
                (float) s.c4, (float) s.c5, (float) eps, decay, (float) s.c6, s.floor[0], s.floor[1]);
    }

    @Override
    boolean flushesStateInUpdate() {
        return true;
    }

    @Override
    void update64(Slot s, int from, int to) {
        double[] p = s.pd;
        double[] g = s.gd;
        double[] m = s.bufd[0];
        double[] v = s.bufd[1];
        double b1 = s.c0;
        double c1 = s.c1;
        double b2 = s.c2;
        double c2 = s.c3;
        double stepSize = s.c4;
        double bc2 = s.c5;
        double e = eps;
        double wd = s.c6;
        boolean decoupled = decay == AdamKernel.Decay.DECOUPLED;
        boolean coupled = decay == AdamKernel.Decay.COUPLED;
        for (int i = from; i < to; i++) {
            double pi = decoupled ? p[i] * wd : p[i];
            double gi = coupled ? Math.fma(pi, wd, g[i]) : g[i];
            // the operation order of PyTorch's kernels: add with alpha is a fused multiply-add,
            // addcmul is (value·t1)·t2, addcdiv is (value·t1)/t2
            double mi = Math.fma(gi, c1, m[i] * b1);
            double vi = v[i] * b2 + c2 * gi * gi;
            m[i] = mi;
            v[i] = vi;
            double denom = Math.sqrt(vi) / bc2 + e;
            p[i] = pi + stepSize * mi / denom;
        }
    }
}
