package dev.ganglion.models.training;

/**
 * What one epoch gave.
 *
 * @param epoch 1-based epoch number
 * @param loss mean training loss over the epoch's samples
 * @param metric the task metric on the test split
 * @param trainMetric the task metric on the epoch's training batches, each scored before its step
 * @param metricName {@link Metric#label()}
 * @param testLoss the training loss function on the test split
 * @param seconds wall time of the epoch's training steps
 * @param samplesPerSecond training samples per second
 * @param lr learning rate at the end of the epoch
 */
public record EpochResult(int epoch, double loss, double metric, double trainMetric, String metricName, double testLoss, double seconds,
                          double samplesPerSecond, double lr) {}
