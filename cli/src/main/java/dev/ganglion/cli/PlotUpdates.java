package dev.ganglion.cli;

import dev.ganglion.models.training.EpochResult;
import dev.ganglion.models.training.TrainListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/**
 * Keeps {@code --plot} current during a run: after an epoch the curves are redrawn from the whole
 * history (a resumed run's earlier epochs included) while drawing has taken at most {@link #SHARE}
 * of the run's time, and {@link #finish} draws them once more when the run ends, fails or has
 * nothing to train. So a run that diverges or is stopped leaves the curves of its completed epochs.
 */
final class PlotUpdates implements TrainListener {
    /** The most of a run's wall time spent drawing curves between epochs. */
    static final double SHARE = 0.05;
    private final Path path;
    private final String title;
    private final Supplier<List<EpochResult>> history;
    private final long started = System.nanoTime();
    private long drawingNanos;
    private int drawnEpochs = -1;

    PlotUpdates(Path path, String title, Supplier<List<EpochResult>> history) {
        this.path = path;
        this.title = title;
        this.history = history;
    }

    @Override
    public void onEpoch(EpochResult result) {
        if (drawingNanos <= SHARE * (System.nanoTime() - started)) {
            try {
                draw(history.get());
            } catch (IOException e) {
                throw new UncheckedIOException(e.getMessage(), e);
            }
        }
    }

    /**
     * Draws what the last epoch's update left out. With {@code failure} (the run's own), an error
     * while drawing is added to it as suppressed instead of hiding it.
     */
    void finish(Throwable failure) throws IOException {
        try {
            List<EpochResult> h = history.get();
            if (h.size() != drawnEpochs) {
                draw(h);
            }
        } catch (IOException | RuntimeException e) {
            if (failure == null) {
                throw e;
            }
            failure.addSuppressed(e);
        }
    }

    private void draw(List<EpochResult> h) throws IOException {
        long t0 = System.nanoTime();
        if (!h.isEmpty()) {
            CurvePlot.write(path, title, h);
        }
        drawnEpochs = h.size();
        drawingNanos += System.nanoTime() - t0;
    }
}
