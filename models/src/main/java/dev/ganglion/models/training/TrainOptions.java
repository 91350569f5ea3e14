package dev.ganglion.models.training;

import dev.ganglion.autodiff.optim.Optimizers;
import java.nio.file.Path;

/**
 * Hyperparameters of a {@link Trainer} run. {@code clip ≤ 0} disables gradient-norm clipping;
 * {@code schedule} is {@code constant} or {@code cosine} (annealed to 0 over all optimizer steps);
 * {@code checkpoint}, when set, is written (atomically) after every epoch with everything needed for
 * an exact resume.
 *
 * @param epochs total epochs (a resumed run continues up to this number)
 * @param batch mini-batch size
 * @param lr base learning rate
 * @param optimizer one of {@link Optimizers#NAMES}
 * @param weightDecay weight decay of the optimizer
 * @param clip max global gradient L2 norm (≤ 0: off)
 * @param schedule {@code constant} or {@code cosine}
 * @param seed seeds the shuffling generator (the model and data have their own seeds)
 * @param checkpoint where to save after each epoch, or null
 */
public record TrainOptions(int epochs, int batch, double lr, String optimizer, double weightDecay, double clip,
                           String schedule, long seed, Path checkpoint) {
    /** Schedules understood. */
    public static final java.util.List<String> SCHEDULES = java.util.List.of("constant", "cosine");

    /** Checks every field, naming it. */
    public TrainOptions {
        if (epochs < 1 || batch < 1) {
            throw new IllegalArgumentException("training: epochs and batch must be ≥ 1, got " + epochs + " and " + batch);
        }
        if (!(lr > 0) || !Double.isFinite(lr) || !(weightDecay >= 0) || !Double.isFinite(weightDecay)) {
            throw new IllegalArgumentException("training: need lr > 0 and weight decay ≥ 0, finite, got " + lr + " and " + weightDecay);
        }
        if (!Double.isFinite(clip)) {
            throw new IllegalArgumentException("training: the gradient clipping norm must be a finite number (≤ 0: off), got " + clip);
        }
        if (!Optimizers.NAMES.contains(optimizer)) {
            throw new IllegalArgumentException("unknown optimizer '" + optimizer + "'; optimizers: " + String.join(", ", Optimizers.NAMES));
        }
        if (!SCHEDULES.contains(schedule)) {
            throw new IllegalArgumentException("unknown schedule '" + schedule + "'; schedules: " + String.join(", ", SCHEDULES));
        }
    }

    /** Defaults: 10 epochs, batch 64, Adam at 1e-3, no decay, no clipping, constant rate, seed 0, no checkpoint. */
    public static TrainOptions defaults() {
        return new TrainOptions(10, 64, 1e-3, "adam", 0, 0, "constant", 0, null);
    }

    /** A copy with {@code epochs}. */
    public TrainOptions withEpochs(int e) {
        return new TrainOptions(e, batch, lr, optimizer, weightDecay, clip, schedule, seed, checkpoint);
    }

    /** A copy with {@code batch}. */
    public TrainOptions withBatch(int b) {
        return new TrainOptions(epochs, b, lr, optimizer, weightDecay, clip, schedule, seed, checkpoint);
    }

    /** A copy with {@code lr}. */
    public TrainOptions withLr(double r) {
        return new TrainOptions(epochs, batch, r, optimizer, weightDecay, clip, schedule, seed, checkpoint);
    }

    /** A copy with the optimizer and its weight decay. */
    public TrainOptions withOptimizer(String name, double decay) {
        return new TrainOptions(epochs, batch, lr, name, decay, clip, schedule, seed, checkpoint);
    }

    /** A copy with gradient clipping at {@code c}. */
    public TrainOptions withClip(double c) {
        return new TrainOptions(epochs, batch, lr, optimizer, weightDecay, c, schedule, seed, checkpoint);
    }

    /** A copy with the schedule. */
    public TrainOptions withSchedule(String s) {
        return new TrainOptions(epochs, batch, lr, optimizer, weightDecay, clip, s, seed, checkpoint);
    }

    /** A copy with the shuffling seed. */
    public TrainOptions withSeed(long s) {
        return new TrainOptions(epochs, batch, lr, optimizer, weightDecay, clip, schedule, s, checkpoint);
    }

    /** A copy saving to {@code path} after every epoch. */
    public TrainOptions withCheckpoint(Path path) {
        return new TrainOptions(epochs, batch, lr, optimizer, weightDecay, clip, schedule, seed, path);
    }
}
