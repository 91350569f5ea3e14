package dev.ganglion.models.training;

import dev.ganglion.autodiff.NoGrad;
import dev.ganglion.autodiff.Var;
import dev.ganglion.autodiff.checkpoint.Checkpoint;
import dev.ganglion.autodiff.optim.GradClip;
import dev.ganglion.autodiff.optim.LrSchedule;
import dev.ganglion.autodiff.optim.LrScheduler;
import dev.ganglion.autodiff.optim.Optimizer;
import dev.ganglion.autodiff.optim.Optimizers;
import dev.ganglion.engine.Rng;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.models.ModelCheckpoint;
import dev.ganglion.models.NeuralModel;
import dev.ganglion.models.StepHook;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The training loop: epochs of seeded-shuffled mini-batches, {@code loss = metric.loss(model(x), y)}
 * (recurrent outputs read at the last step), backward, optional global-norm clipping, an optimizer
 * step, a learning-rate schedule and the model's {@link StepHook} (G2GNet's dynamic sparse training);
 * the test split is evaluated after every epoch.
 *
 * <p>Exact resume: a checkpoint ({@link #save}) holds the model, the optimizer's state, the
 * scheduler's count, the epochs done and the shuffling generator's position, so a run resumed with
 * {@link #resume} from epoch k prints the same losses as an uninterrupted run (same threads). A NaN
 * or infinite loss stops the run with a {@link TrainingDivergedException} naming the epoch and step,
 * before the step is applied. The loop is single-threaded itself; kernels use {@code Parallel}.
 */
public final class Trainer {
    /** Checkpoint metadata: epochs completed. */
    public static final String EPOCH_KEY = "ganglion.train.epoch";
    /** Checkpoint metadata: the shuffling generator's state, four comma-separated longs. */
    public static final String RNG_KEY = "ganglion.train.rng";
    /**
     * Checkpoint metadata: every completed epoch's {@link EpochResult}, a JSON array of objects with
     * the keys of {@code ganglion train --json} (absent in checkpoints of earlier versions).
     */
    public static final String HISTORY_KEY = "ganglion.train.history";
    private static final int EVAL_CHUNK = 500;

    private final NeuralModel model;
    private final TaskData data;
    private final TrainOptions options;
    private final List<Var> params;
    private final Optimizer optimizer;
    private final LrScheduler scheduler;
    private final StepHook hook;
    private final Rng shuffle;
    private final int stepsPerEpoch;
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private TrainListener listener = new TrainListener() {};
    private int epochsDone;
    private final List<EpochResult> history = new ArrayList<>();

    /** A trainer at epoch 0 with a fresh optimizer over {@code model.trainableParameters()}. */
    public Trainer(NeuralModel model, TaskData data, TrainOptions options) {
        this.model = model;
        this.data = data;
        this.options = options;
        this.params = model.trainableParameters();
        this.optimizer = Optimizers.create(options.optimizer(), params, options.lr(), options.weightDecay());
        this.stepsPerEpoch = (data.train().size() + options.batch() - 1) / options.batch();
        LrSchedule schedule = options.schedule().equals("cosine")
                ? LrSchedule.cosine(Math.max(1L, (long) stepsPerEpoch * options.epochs()), 0) : LrSchedule.constant();
        this.scheduler = new LrScheduler(optimizer, schedule, LrScheduler.Interval.STEP);
        this.hook = model.stepHook(optimizer);
        this.shuffle = Rng.forPurpose(options.seed(), "training.shuffle");
        if (data.train().size() == 0) {
            throw new IllegalArgumentException("training: the training split of " + data.name() + " is empty");
        }
    }

    /** Sets the progress listener; returns this. */
    public Trainer listener(TrainListener l) {
        this.listener = l;
        return this;
    }

    /** Extra metadata written into every checkpoint (e.g. the task spec); keys must not be reserved. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /**
     * Sets the base learning rate the schedule scales, from the next step on: a resumed run given a
     * rate of its own (the resume restores the recorded one).
     */
    public void setBaseLr(double lr) {
        scheduler.setBaseLr(lr);
    }

    /** The optimizer (for inspection). */
    public Optimizer optimizer() {
        return optimizer;
    }

    /** The options this trainer runs with. */
    public TrainOptions options() {
        return options;
    }

    /** Epochs completed so far. */
    public int epochsDone() {
        return epochsDone;
    }

    /**
     * The results of every completed epoch, from epoch 1: a resumed run's earlier epochs come from
     * its checkpoint (none when it was written before {@link #HISTORY_KEY} existed).
     */
    public List<EpochResult> history() {
        return List.copyOf(history);
    }

    /** Optimizer steps per epoch ({@code ⌈train / batch⌉}). */
    public int stepsPerEpoch() {
        return stepsPerEpoch;
    }

    /**
     * Trains from the current epoch up to {@code options.epochs()}, saving a checkpoint after every
     * epoch when {@code options.checkpoint()} is set. Returns this call's epochs.
     *
     * @throws TrainingDivergedException when the loss or gradient norm is not finite
     * @throws InterruptedIOException when the thread is interrupted (checked between steps; the
     *     interrupt stays set), naming the epoch and step, or the epoch whose checkpoint was being
     *     written (the file then keeps the epoch before)
     * @throws NoSuchFileException before any training when the checkpoint's folder does
     *     not exist
     */
    public List<EpochResult> fit() throws IOException {
        Path checkpoint = options.checkpoint();
        Path folder = checkpoint == null ? null : checkpoint.toAbsolutePath().getParent();
        if (folder != null && !Files.isDirectory(folder)) {
            throw new NoSuchFileException(folder.toString(), null,
                    "the folder of checkpoint " + checkpoint + " does not exist");
        }
        listener.onStart(epochsDone, options.epochs(), stepsPerEpoch, data.train().size());
        List<EpochResult> out = new ArrayList<>();
        while (epochsDone < options.epochs()) {
            EpochResult r = epoch(epochsDone + 1);
            epochsDone++;
            history.add(r);
            if (options.checkpoint() != null) {
                saveAfter(epochsDone, options.checkpoint());
            }
            listener.onEpoch(r);
            out.add(r);
        }
        return out;
    }

    /** {@link #save}, with an interrupt during the write named by the epoch as well as the file. */
    private void saveAfter(int epoch, Path path) throws IOException {
        try {
            save(path);
        } catch (InterruptedIOException e) {
            InterruptedIOException named = new InterruptedIOException("training interrupted at the end of epoch " + epoch
                    + ", while saving its checkpoint: " + e.getMessage());
            named.initCause(e);
            throw named;
        }
    }

    private EpochResult epoch(int epoch) throws InterruptedIOException {
        Split train = data.train();
        int[] order = shuffle.permutation(train.size());
        double total = 0;
        Metric.Running trainMetric = data.metric().running();
        String metricName = data.metric().label();
        long start = System.nanoTime();
        for (int s = 0; s < stepsPerEpoch; s++) {
            if (Thread.currentThread().isInterrupted()) {   // cancellation by interrupt, between steps
                throw new InterruptedIOException("training interrupted at epoch " + epoch + ", step " + (s + 1) + " of "
                        + stepsPerEpoch + (options.checkpoint() == null ? "" : "; " + options.checkpoint()
                        + " holds the last completed epoch"));
            }
            int from = s * options.batch();
            int to = Math.min(train.size(), from + options.batch());
            double loss = step(train.gather(order, from, to), epoch, s + 1, trainMetric);
            total += loss * (to - from);
            double secs = (System.nanoTime() - start) / 1e9;
            listener.onStep(new StepProgress(epoch, s + 1, stepsPerEpoch, total / to, metricName, trainMetric.value(),
                    to / Math.max(secs, 1e-9)));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double[] eval = evaluate(data.test());
        return new EpochResult(epoch, total / train.size(), eval[1], trainMetric.value(), metricName, eval[0], seconds,
                train.size() / Math.max(seconds, 1e-9), optimizer.lr());
    }

    private double step(Split batch, int epoch, int step, Metric.Running trainMetric) {
        Var output = lastStep(model.forward(Var.constant(batch.x())));
        trainMetric.add(output.value(), batch);
        Var loss = data.metric().loss(output, batch);
        double value = loss.item();
        if (!Double.isFinite(value)) {
            throw new TrainingDivergedException(epoch, step, value);
        }
        optimizer.zeroGrad(false);
        loss.backward();
        if (options.clip() > 0) {
            double norm = GradClip.clipGradNorm(params, options.clip());
            if (!Double.isFinite(norm)) {
                throw new TrainingDivergedException(epoch, step, "gradient norm", norm);
            }
        }
        optimizer.step();
        scheduler.afterStep();
        long runStep = (long) (epoch - 1) * stepsPerEpoch + step;
        List<Map<String, Object>> done = hook.afterStep(runStep);
        if (!done.isEmpty()) {
            listener.onHook(epoch, runStep, done);
        }
        return value;
    }

    /** {@code {loss, metric}} of the model on a split, without gradients. */
    public double[] evaluate(Split split) {
        Tensor out = predict(split.x());
        try (NoGrad ignored = NoGrad.enter()) {
            double loss = data.metric().loss(Var.constant(out), split).item();
            return new double[] {loss, data.metric().compute(out, split)};
        }
    }

    /** The model's outputs on {@code x} ({@code [N, d_out]}, the last step for recurrent models), in chunks, without gradients. */
    public Tensor predict(Tensor x) {
        int n = x.shape().dim(0);
        float[] all = null;
        int width = 0;
        try (NoGrad ignored = NoGrad.enter()) {
            Split whole = new Split(x, null, new int[n]);
            for (int from = 0; from < n; from += EVAL_CHUNK) {
                int to = Math.min(n, from + EVAL_CHUNK);
                float[] part = lastStep(model.forward(Var.constant(whole.range(from, to).x()))).value().toFloatArray();
                width = part.length / (to - from);
                all = all == null ? new float[n * width] : all;
                System.arraycopy(part, 0, all, from * width, part.length);
            }
        }
        return all == null ? Tensor.zeros(0, data.outputSize()) : Tensor.wrap(all, Shape.of(n, width));
    }

    /** Recurrent outputs {@code [B, T, C]} are read at the last step; {@code [B, C]} as they are. */
    public static Var lastStep(Var y) {
        return y.rank() == 3 ? y.select(1, y.dim(1) - 1) : y;
    }

    /** Writes model, optimizer, scheduler, epochs done, their results and the shuffling state to {@code path}, atomically. */
    public void save(Path path) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>(metadata);
        meta.put(ModelCheckpoint.MODEL_KEY, model.name());
        meta.put(ModelCheckpoint.CONFIG_KEY, model.config().toJson());
        meta.put(EPOCH_KEY, Integer.toString(epochsDone));
        long[] st = shuffle.state();
        meta.put(RNG_KEY, st[0] + "," + st[1] + "," + st[2] + "," + st[3]);
        meta.put(HISTORY_KEY, EpochHistory.write(history));
        Checkpoint.save(path, model.module(), meta, optimizer, scheduler);
    }

    /**
     * Restores a checkpoint written by {@link #save}: model, optimizer, scheduler, epochs done, their
     * {@link #history()} and the shuffling generator. Returns the file's metadata.
     *
     * @throws IllegalArgumentException when the file is not such a checkpoint or does not fit this model/optimizer
     */
    public Map<String, String> resume(Path path) throws IOException {
        Map<String, String> meta = Checkpoint.metadata(path);
        String epoch = meta.get(EPOCH_KEY);
        String rng = meta.get(RNG_KEY);
        if (epoch == null || rng == null) {
            throw new IllegalArgumentException(path + ": not a training checkpoint (no " + EPOCH_KEY + "/" + RNG_KEY
                    + "); a checkpoint saved by --save is needed");
        }
        long[] state;
        int done;
        try {
            state = Arrays.stream(rng.split(",")).mapToLong(part -> Long.parseLong(part.trim())).toArray();
            Rng.checkState(state);   // here, before anything is loaded
            done = Integer.parseInt(epoch);
            if (done < 0) {
                throw new NumberFormatException();
            }
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(path + ": malformed training state " + EPOCH_KEY + "=" + epoch + ", " + RNG_KEY + "=" + rng);
        }
        List<EpochResult> earlier = meta.containsKey(HISTORY_KEY) ? EpochHistory.read(meta.get(HISTORY_KEY), path, done) : List.of();
        Checkpoint.load(path, model.module(), optimizer, scheduler);
        shuffle.setState(state);
        epochsDone = done;
        history.clear();
        history.addAll(earlier);
        return meta;
    }
}
