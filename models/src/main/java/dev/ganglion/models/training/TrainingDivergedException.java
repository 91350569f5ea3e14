package dev.ganglion.models.training;

/** The loss became NaN or infinite: training stopped before applying that step. */
public final class TrainingDivergedException extends RuntimeException {
    /** 1-based epoch of the step that diverged. */
    private final int epoch;
    /** 1-based step within that epoch. */
    private final int step;

    /** For a non-finite {@code loss} at {@code step} (1-based) of {@code epoch} (1-based). */
    public TrainingDivergedException(int epoch, int step, double loss) {
        this(epoch, step, "loss", loss);
    }

    /** For a non-finite {@code quantity} ({@code loss}, {@code gradient norm}) at a step of an epoch. */
    public TrainingDivergedException(int epoch, int step, String quantity, double value) {
        super("training diverged: " + quantity + " is " + value + " at epoch " + epoch + ", step " + step
                + " (try a lower --lr or --clip 1)");
        this.epoch = epoch;
        this.step = step;
    }

    /** 1-based epoch. */
    public int epoch() {
        return epoch;
    }

    /** 1-based step within the epoch. */
    public int step() {
        return step;
    }
}
