package dev.ganglion.models.training;

/**
 * A task ready for training: its splits shaped for one model family (recurrent models read
 * {@code [N, T, d]}, feed-forward models {@code [N, features]}), its metric and the model sizes it needs.
 *
 * @param name task name ({@code function}, {@code adding}, …)
 * @param train training split
 * @param test test split (evaluated after every epoch)
 * @param metric metric and loss
 * @param inputSize the model's {@code input_size}
 * @param outputSize the model's {@code output_size} (classes for classification)
 */
public record TaskData(String name, Split train, Split test, Metric metric, int inputSize, int outputSize) {
    /** Checks that both splits have the same kind of targets. */
    public TaskData {
        if (train.classification() != test.classification()) {
            throw new IllegalArgumentException("TaskData " + name + ": train and test splits differ in target kind");
        }
    }
}
