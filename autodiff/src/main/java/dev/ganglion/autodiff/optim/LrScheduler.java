package dev.ganglion.autodiff.optim;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Drives an optimizer's learning rate by an {@link LrSchedule}: {@code lr = schedule(base, t)} where
 * {@code t} counts calls of {@link #afterStep()} (interval {@link Interval#STEP}) or of
 * {@link #afterEpoch()} (interval {@link Interval#EPOCH}); a training loop calls both and the
 * scheduler advances on its own interval. The base rate is the optimizer's at construction.
 *
 * <p>State for resume: {@code count} and {@code base_lr} ({@link #stateDict()}, strings that
 * round-trip exactly).
 */
public final class LrScheduler {
    /** What one scheduler step is. */
    public enum Interval {
        /** One scheduler step per optimizer step ({@link LrScheduler#afterStep}). */
        STEP,
        /** One scheduler step per epoch ({@link LrScheduler#afterEpoch}). */
        EPOCH
    }

    private final Optimizer optimizer;
    private final LrSchedule schedule;
    private final Interval interval;
    private double base;
    private long count;

    /** Starts at {@code t = 0}: sets the optimizer's rate to {@code schedule(base, 0)}. */
    public LrScheduler(Optimizer optimizer, LrSchedule schedule, Interval interval) {
        this.optimizer = optimizer;
        this.schedule = schedule;
        this.interval = interval;
        moveTo(optimizer.lr(), 0);
    }

    /** Call after each optimizer step: advances when the interval is {@link Interval#STEP}. */
    public void afterStep() {
        if (interval == Interval.STEP) {
            advance();
        }
    }

    /** Call after each epoch: advances when the interval is {@link Interval#EPOCH}. */
    public void afterEpoch() {
        if (interval == Interval.EPOCH) {
            advance();
        }
    }

    /** {@code t = t + 1} and the optimizer gets {@code schedule(base, t)}. */
    public void advance() {
        moveTo(base, count + 1);
    }

    /**
     * Gives the optimizer {@code schedule(newBase, newCount)}, then takes the new values: a rate the
     * optimizer refuses leaves this scheduler as it was.
     */
    private void moveTo(double newBase, long newCount) {
        double lr = schedule.lr(newBase, newCount);
        if (!(lr >= 0 && lr < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("LrScheduler: the schedule gives the rate " + lr + " at step " + newCount
                    + " of base_lr " + newBase + " (an optimizer needs a finite rate ≥ 0)");
        }
        optimizer.setLr(lr);
        base = newBase;
        count = newCount;
    }

    /** Scheduler steps taken so far, t in the schedule's formula. */
    public long count() {
        return count;
    }

    /** The base rate the schedule scales (the optimizer's at construction). */
    public double baseLr() {
        return base;
    }

    /**
     * Replaces the base rate (keeping the count) and sets the optimizer's rate accordingly.
     *
     * @throws IllegalArgumentException when {@code lr} is negative, infinite or not a number (the
     *     scheduler and the optimizer are left as they were)
     */
    public void setBaseLr(double lr) {
        moveTo(checkedBase(lr), count);
    }

    private static double checkedBase(double lr) {
        if (!(lr >= 0 && lr < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("LrScheduler: base_lr must be finite and ≥ 0, got " + lr);
        }
        return lr;
    }

    /** What one scheduler step is. */
    public Interval interval() {
        return interval;
    }

    /** {@code {"count": t, "base_lr": base, "interval": STEP|EPOCH}}. */
    public Map<String, String> stateDict() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("count", Long.toString(count));
        m.put("base_lr", Double.toString(base));
        m.put("interval", interval.name());
        return m;
    }

    /**
     * Restores {@link #stateDict()} and sets the optimizer's rate accordingly.
     *
     * @throws IllegalArgumentException on missing or malformed entries, or a different interval
     *     (the scheduler and the optimizer are left as they were)
     */
    public void loadStateDict(Map<String, String> state) {
        String c = state.get("count");
        String b = state.get("base_lr");
        String i = state.get("interval");
        if (c == null || b == null || (i != null && !i.equals(interval.name()))) {
            throw new IllegalArgumentException("LrScheduler: state " + state + " lacks count/base_lr or has another interval than "
                    + interval);
        }
        long nc;
        double nb;
        try {
            nc = Long.parseLong(c);
            nb = Double.parseDouble(b);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("LrScheduler: malformed state " + state);
        }
        if (nc < 0) {
            throw new IllegalArgumentException("LrScheduler: count must be ≥ 0, got " + nc);
        }
        moveTo(checkedBase(nb), nc);
    }
}
