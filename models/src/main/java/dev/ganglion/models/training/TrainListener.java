package dev.ganglion.models.training;

import java.util.List;
import java.util.Map;

/**
 * Receives a {@link Trainer}'s progress. Every method has an empty default; a progress bar overrides
 * {@link #onStep}, a logger {@link #onEpoch}.
 */
public interface TrainListener {
    /** Before the first step; {@code startEpoch} is 0, or the epochs already done when resumed. */
    default void onStart(int startEpoch, int epochs, int stepsPerEpoch, int trainSamples) {}

    /** After each optimizer step. */
    default void onStep(StepProgress progress) {}

    /**
     * After a step at which the model's {@link dev.ganglion.models.StepHook} did work (G2GNet's
     * rewiring: one record per layer with {@code pruned}, {@code regrown}, {@code nnz}, {@code sparsity}).
     *
     * @param step the run's 1-based optimizer step
     */
    default void onHook(int epoch, long step, List<Map<String, Object>> records) {}

    /** After each epoch's evaluation (and checkpoint, when one is written). */
    default void onEpoch(EpochResult result) {}

    /** One listener that passes every call to {@code listeners}, in order. */
    static TrainListener all(TrainListener... listeners) {
        List<TrainListener> ls = List.of(listeners);
        return new TrainListener() {
            @Override
            public void onStart(int startEpoch, int epochs, int stepsPerEpoch, int trainSamples) {
                ls.forEach(l -> l.onStart(startEpoch, epochs, stepsPerEpoch, trainSamples));
            }

            @Override
            public void onStep(StepProgress progress) {
                ls.forEach(l -> l.onStep(progress));
            }

            @Override
            public void onHook(int epoch, long step, List<Map<String, Object>> records) {
                ls.forEach(l -> l.onHook(epoch, step, records));
            }

            @Override
            public void onEpoch(EpochResult result) {
                ls.forEach(l -> l.onEpoch(result));
            }
        };
    }
}
