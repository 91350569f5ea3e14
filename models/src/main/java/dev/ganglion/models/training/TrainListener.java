package dev.ganglion.models.training;

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
    default void onHook(int epoch, long step, java.util.List<java.util.Map<String, Object>> records) {}

    /** After each epoch's evaluation (and checkpoint, when one is written). */
    default void onEpoch(EpochResult result) {}
}
