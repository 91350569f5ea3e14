package dev.ganglion.autodiff.optim;

/**
 * A learning-rate schedule as a pure function of the number of scheduler steps taken, so its
 * whole state is that count ({@link LrScheduler} keeps it): {@code lr = f(base, t)}.
 * Whether {@code t} counts optimizer steps or epochs is the {@link LrScheduler}'s interval.
 */
@FunctionalInterface
public interface LrSchedule {
    /** The learning rate after {@code t ≥ 0} scheduler steps, for base rate {@code base}. */
    double lr(double base, long t);

    /** {@code lr = base}. */
    static LrSchedule constant() {
        return (base, t) -> base;
    }

    /** {@code lr = base·γ^⌊t/size⌋} (PyTorch's {@code StepLR}). */
    static LrSchedule step(long size, double gamma) {
        if (size < 1 || !(gamma >= 0 && gamma < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("LrSchedule.step: need size ≥ 1 and a finite gamma ≥ 0, got " + size + ", " + gamma);
        }
        return (base, t) -> base * Math.pow(gamma, t / size);
    }

    /**
     * {@code lr = η_min + (base − η_min)·(1 + cos(π·t/T))/2} for {@code t ≤ T}, then {@code η_min}:
     * cosine annealing (PyTorch's {@code CosineAnnealingLR} closed form). NOTE: PyTorch's continues
     * as a periodic cosine past T; this one holds at {@code η_min}.
     */
    static LrSchedule cosine(long tMax, double etaMin) {
        if (tMax < 1 || !(etaMin >= 0 && etaMin < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("LrSchedule.cosine: need T ≥ 1 and a finite eta_min ≥ 0, got " + tMax + ", " + etaMin);
        }
        return (base, t) -> t >= tMax ? etaMin : etaMin + (base - etaMin) * (1 + Math.cos(Math.PI * t / tMax)) / 2;
    }

    /**
     * Linear warmup, then this schedule restarted: {@code lr = base·(s + (1 − s)·t/W)} for
     * {@code t < W} (PyTorch's {@code LinearLR} with start factor s), then {@code this.lr(base, t − W)}
     * (as {@code SequentialLR} chains them).
     */
    default LrSchedule withWarmup(long warmup, double startFactor) {
        if (warmup < 0 || !(startFactor >= 0 && startFactor <= 1)) {
            throw new IllegalArgumentException("LrSchedule.withWarmup: need W ≥ 0 and a start factor in [0, 1], got "
                    + warmup + ", " + startFactor);
        }
        LrSchedule after = this;
        return (base, t) -> t < warmup ? base * (startFactor + (1 - startFactor) * t / warmup) : after.lr(base, t - warmup);
    }
}
