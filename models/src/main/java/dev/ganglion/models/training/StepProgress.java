package dev.ganglion.models.training;

/**
 * Where an epoch stands after one optimizer step, for a progress bar.
 *
 * @param epoch 1-based epoch
 * @param step 1-based step within the epoch
 * @param stepsPerEpoch steps in an epoch
 * @param meanLoss mean training loss of the epoch's samples so far
 * @param metricName {@link Metric#label()}
 * @param metric the task metric on the epoch's training samples so far, each batch scored by the
 *     model as it was before that batch's step (so it lags the test metric of the epoch's end)
 * @param samplesPerSecond training throughput of the epoch so far
 */
public record StepProgress(int epoch, int step, int stepsPerEpoch, double meanLoss, String metricName, double metric,
                           double samplesPerSecond) {}
