package dev.ganglion.autodiff.optim;

import dev.ganglion.autodiff.Var;
import java.util.Arrays;
import java.util.List;

/**
 * RMSprop, PyTorch's {@code torch.optim.RMSprop}: {@code g = g + λ·p},
 * {@code s = α·s + (1 − α)·g²}; centered: {@code a = α·a + (1 − α)·g}, {@code d = √(s − a²) + ε},
 * else {@code d = √s + ε} (ε outside the root); with momentum μ {@code b = μ·b + g/d},
 * {@code p = p − lr·b}, else {@code p = p − lr·g/d}. State: {@code square_avg}, then
 * {@code momentum_buffer} (μ > 0) and {@code grad_avg} (centered).
 */
public final class RmsProp extends BaseOptimizer {
    private final double alpha;
    private final double eps;
    private final double weightDecay;
    private final double momentum;
    private final boolean centered;

    /** α = 0.99, ε = 1e-8, no weight decay, no momentum, not centered. PyTorch's default lr is 0.01. */
    public RmsProp(List<Var> params, double lr) {
        this(params, lr, 0.99, 1e-8, 0, 0, false);
    }

    /** The update of the class comment with smoothing α, ε, coupled L2 weight decay λ, momentum μ and centering. */
    public RmsProp(List<Var> params, double lr, double alpha, double eps, double weightDecay, double momentum,
                   boolean centered) {
        super("rmsprop", params, lr, buffers(momentum, centered));
        checkBeta("rmsprop", "alpha", alpha);
        checkNonNegative("rmsprop", "eps", eps);
        checkNonNegative("rmsprop", "weight decay", weightDecay);
        checkNonNegative("rmsprop", "momentum", momentum);
        this.alpha = alpha;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.momentum = momentum;
        this.centered = centered;
    }

    private static String[] buffers(double momentum, boolean centered) {
        if (momentum > 0) {
            return centered ? new String[] {"square_avg", "momentum_buffer", "grad_avg"}
                    : new String[] {"square_avg", "momentum_buffer"};
        }
        return centered ? new String[] {"square_avg", "grad_avg"} : new String[] {"square_avg"};
    }

    /** c0 … c4 = α, 1 − α, λ, μ, −lr. */
    @Override
    void prepare(Slot s, long step) {
        s.c0 = alpha;
        s.c1 = 1 - alpha;
        s.c2 = weightDecay;
        s.c3 = momentum;
        s.c4 = -lr();
        Arrays.fill(s.floor, Slot.floorFor(alpha));   // v·α and the centred average's a·α
        if (momentum > 0) {
            s.floor[1] = Slot.floorFor(momentum);
        }
    }

    @Override
    void update(Slot s, int from, int to) {
        float[] p = s.p;
        float[] g = s.g;
        float[] sq = s.buf[0];
        float[] mom = momentum > 0 ? s.buf[1] : null;
        float[] ga = centered ? s.buf[s.buf.length - 1] : null;
        float a = (float) s.c0;
        float c = (float) s.c1;
        float wd = (float) s.c2;
        float mu = (float) s.c3;
        float negLr = (float) s.c4;
        float e = (float) eps;
        boolean decay = weightDecay != 0;
        for (int i = from; i < to; i++) {
            float pi = p[i];
            float gi = decay ? Math.fma(pi, wd, g[i]) : g[i];
            float si = sq[i] * a + c * gi * gi;
            sq[i] = si;
            float d;
            if (ga != null) {
                float ai = Math.fma(gi, c, ga[i] * a);
                ga[i] = ai;
                d = (float) Math.sqrt(si + -1f * ai * ai) + e;
            } else {
                d = (float) Math.sqrt(si) + e;
            }
            if (mom != null) {
                float bi = mom[i] * mu + 1f * gi / d;
                mom[i] = bi;
                p[i] = Math.fma(bi, negLr, pi);
            } else {
                p[i] = pi + negLr * gi / d;
            }
        }
    }

    @Override
    void update64(Slot s, int from, int to) {
        double[] p = s.pd;
        double[] g = s.gd;
        double[] sq = s.bufd[0];
        double[] mom = momentum > 0 ? s.bufd[1] : null;
        double[] ga = centered ? s.bufd[s.bufd.length - 1] : null;
        double a = s.c0;
        double c = s.c1;
        double wd = s.c2;
        double mu = s.c3;
        double negLr = s.c4;
        double e = eps;
        boolean decay = weightDecay != 0;
        for (int i = from; i < to; i++) {
            double pi = p[i];
            double gi = decay ? Math.fma(pi, wd, g[i]) : g[i];
            double si = sq[i] * a + c * gi * gi;
            sq[i] = si;
            double d;
            if (ga != null) {
                double ai = Math.fma(gi, c, ga[i] * a);
                ga[i] = ai;
                d = Math.sqrt(si + -1.0 * ai * ai) + e;
            } else {
                d = Math.sqrt(si) + e;
            }
            if (mom != null) {
                double bi = mom[i] * mu + 1.0 * gi / d;
                mom[i] = bi;
                p[i] = Math.fma(bi, negLr, pi);
            } else {
                p[i] = pi + negLr * gi / d;
            }
        }
    }
}
