package dev.ganglion.cuda;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Picks, per operation and shape, the fastest of several ways to compute the same result, by
 * timing each once and caching the choice.
 *
 * <p>The first candidate is the reference: the path that needs the fewest library features
 * (cuBLAS only). On first use of a key every candidate runs once into its own scratch copy of the
 * output, and its result is compared with the reference's; a candidate that throws (for instance
 * {@code CUSPARSE_STATUS_NOT_SUPPORTED} for a layout this cuSPARSE lacks) or disagrees is rejected
 * with the reason, so an unsupported or misunderstood library path can never be chosen. Only after
 * every comparison (a candidate that accumulates into its output, β = 1, is compared after exactly
 * one run) are the accepted ones timed ({@code ganglion.cuda.tuneRepeats} runs, default 3, median) and the
 * fastest is remembered. {@link #force(String, String)} pins an operation to one candidate (tests
 * use it to exercise every path).
 */
public final class PathTuner {
    /** Measures the device time of some work, in milliseconds. */
    @FunctionalInterface
    public interface Timer {
        /** Runs {@code work} once and returns its device time in milliseconds. */
        double millis(Runnable work);
    }

    /** One way of computing the operation into an output of type {@code O}. */
    public record Candidate<O>(String name, Consumer<O> run) {}

    /** Scratch outputs for tuning: copies of the real output, released after, and a result comparison. */
    public interface Target<O> {
        /** A scratch copy of the real output. */
        O scratch();

        /** Frees a scratch output from {@link #scratch()}. */
        void release(O scratch);

        /** Why {@code candidate} differs from {@code reference}, or {@code null} when they agree. */
        String mismatch(O reference, O candidate);
    }

    /** The outcome for one key: the chosen candidate, the median time of each accepted one, the rejected ones with reasons. */
    public record Decision(String chosen, Map<String, Double> millis, Map<String, String> rejected) {}

    private final Timer timer;
    private final int repeats;
    private final Map<String, Decision> decisions = new HashMap<>();
    private final Map<String, String> forced = new HashMap<>();

    /** A tuner timing candidates with {@code timer}, {@code ganglion.cuda.tuneRepeats} runs each (default 3). */
    public PathTuner(Timer timer) {
        this(timer, Integer.getInteger("ganglion.cuda.tuneRepeats", 3));
    }

    PathTuner(Timer timer, int repeats) {
        if (repeats < 1) {
            throw new IllegalArgumentException("PathTuner: repeats " + repeats + " < 1");
        }
        this.timer = timer;
        this.repeats = repeats;
    }

    /** Always use {@code candidate} for {@code operation} (keys {@code operation} or {@code operation/shape}); null unpins. */
    public synchronized void force(String operation, String candidate) {
        if (candidate == null) {
            forced.remove(operation);
        } else {
            forced.put(operation, candidate);
        }
    }

    /** The decision made for {@code operation/shape}, if it was tuned. */
    public synchronized Decision decision(String operation, String shape) {
        return decisions.get(operation + "/" + shape);
    }

    /** Computes into {@code out} with the forced, cached or (after tuning) fastest candidate. */
    public synchronized <O> void run(String operation, String shape, List<Candidate<O>> candidates, O out,
                                     Target<O> target) {
        if (candidates.isEmpty()) {
            throw new IllegalArgumentException("PathTuner.run(" + operation + "): no candidates");
        }
        String key = operation + "/" + shape;
        String name = forced.getOrDefault(key, forced.get(operation));
        if (name == null && candidates.size() == 1) {
            name = candidates.get(0).name();
        }
        if (name == null) {
            Decision d = decisions.get(key);
            if (d == null) {
                d = tune(candidates, target);
                decisions.put(key, d);
            }
            name = d.chosen();
        }
        find(operation, candidates, name).run().accept(out);
    }

    private static <O> Candidate<O> find(String operation, List<Candidate<O>> candidates, String name) {
        for (Candidate<O> c : candidates) {
            if (c.name().equals(name)) {
                return c;
            }
        }
        throw new IllegalArgumentException("PathTuner: " + operation + " has no candidate '" + name + "' (has "
                + candidates.stream().map(Candidate::name).toList() + ")");
    }

    private <O> Decision tune(List<Candidate<O>> candidates, Target<O> target) {
        Map<String, Double> millis = new LinkedHashMap<>();
        Map<String, String> rejected = new LinkedHashMap<>();
        List<O> scratches = new ArrayList<>();
        try {
            // every comparison before any timing: a candidate that accumulates into its output (β = 1)
            // must be compared after one run, so the reference cannot be timed into its scratch first
            List<Candidate<O>> accepted = new ArrayList<>();
            List<O> acceptedScratches = new ArrayList<>();
            O reference = null;
            for (Candidate<O> c : candidates) {
                O scratch = target.scratch();
                scratches.add(scratch);
                RuntimeException failure = firstRun(c, scratch);
                if (reference == null && failure != null) {
                    throw failure; // the reference path must work: its error is the caller's error
                }
                String problem = failure != null ? failure.getMessage()
                        : reference != null ? target.mismatch(reference, scratch) : null;
                if (problem != null) {
                    rejected.put(c.name(), problem);
                    continue;
                }
                if (reference == null) {
                    reference = scratch;
                }
                accepted.add(c);
                acceptedScratches.add(scratch);
            }
            for (int i = 0; i < accepted.size(); i++) {
                millis.put(accepted.get(i).name(), median(accepted.get(i), acceptedScratches.get(i)));
            }
        } finally {
            scratches.forEach(target::release);
        }
        String best = null;
        for (Map.Entry<String, Double> e : millis.entrySet()) {
            if (best == null || e.getValue() < millis.get(best)) {
                best = e.getKey();
            }
        }
        return new Decision(best, Map.copyOf(millis), Map.copyOf(rejected));
    }

    /** Runs once (also warming up lazy library state); returns the failure, if any. */
    private static <O> RuntimeException firstRun(Candidate<O> c, O scratch) {
        try {
            c.run().accept(scratch);
            return null;
        } catch (CudaException | IllegalStateException | IllegalArgumentException e) {
            return e;
        }
    }

    private <O> double median(Candidate<O> c, O scratch) {
        double[] t = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            t[i] = timer.millis(() -> c.run().accept(scratch));
        }
        java.util.Arrays.sort(t);
        return t[repeats / 2];
    }
}
