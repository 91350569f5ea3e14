package dev.ganglion.models.training;

import dev.ganglion.autodiff.checkpoint.Checkpoint;
import dev.ganglion.models.ModelCheckpoint;
import dev.ganglion.models.ModelConfig;
import dev.ganglion.models.ModelRegistry;
import dev.ganglion.models.NeuralModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A training run described by names, as {@code ganglion train} takes it: every setting is optional
 * (null) and resolves, in order, from the caller, from a {@code resume} checkpoint's recorded run,
 * then from {@link TrainDefaults}. {@link #prepare()} loads the task, builds the model
 * ({@code input_size}/{@code output_size} from the task) and returns a {@link Trainer}, resumed when
 * asked. The run's settings are written into every checkpoint ({@code ganglion.run.*}), so a resumed
 * run needs no flags repeated. {@link #prepare()} leaves the resolved values in the fields.
 */
public final class TrainRun {
    private static final String RUN = "ganglion.run.";

    /** Model name (required). */
    public String model;
    /**
     * Task name, one of {@link TaskSpec#TASKS}; null: the recorded one, else, when {@link #data} is
     * set, {@code mnist-rows} (recurrent models) or {@code idx}, else the model's default task.
     */
    public String task;
    /** IDX folder or file for the IDX tasks; null: the recorded path, else none. */
    public Path data;
    /**
     * Sequence length T of the adding and recall tasks, in time steps; null: the recorded one, else
     * the model's default for its default task, else 0 (the task's default).
     */
    public Integer seqLen;
    /**
     * Training samples; null: the recorded count, else the model's default for a built-in task, else 0
     * (IDX: 80 % of the data).
     */
    public Integer trainSize;
    /**
     * Test samples; null: the recorded count, else the model's default for a built-in task, else 0
     * (IDX: the samples the training part leaves).
     */
    public Integer testSize;
    /** Config fields as text ({@code --set key=value}). */
    public final Map<String, String> sets = new LinkedHashMap<>();
    /** Seeds the model init, the data and the shuffling; null: the recorded seed, else 0. */
    public Long seed;
    /** Total epochs (a resumed run continues up to this number); null: the recorded one, else the model's default. */
    public Integer epochs;
    /** Mini-batch size in samples; null: the recorded one, else the model's default. */
    public Integer batch;
    /** Base learning rate; null: the recorded one, else the model's default. */
    public Double lr;
    /**
     * Optimizer name, one of {@link dev.ganglion.autodiff.optim.Optimizers#NAMES}; null: the recorded
     * one, else {@code adam}.
     */
    public String optimizer;
    /** Weight decay of the optimizer; null: the recorded one, else 0. */
    public Double weightDecay;
    /** Max global gradient L2 norm ({@code ≤ 0}: no clipping); null: the recorded one, else 0. */
    public Double clip;
    /** Learning-rate schedule, {@code constant} or {@code cosine}; null: the recorded one, else {@code constant}. */
    public String schedule;
    /** Checkpoint written (atomically) after every epoch; null: none. */
    public Path save;
    /** Checkpoint to resume from, whose recorded settings fill the null fields; null: a fresh run. */
    public Path resume;

    private final ModelRegistry registry;
    private TaskData taskData;

    /** A run over the {@link ModelRegistry#standard() standard} models. */
    public TrainRun(String model) {
        this(model, ModelRegistry.standard());
    }

    /** A run over the models of {@code registry}. */
    public TrainRun(String model, ModelRegistry registry) {
        this.model = model;
        this.registry = registry;
    }

    /** The task data of the last {@link #prepare()}. */
    public TaskData taskData() {
        return taskData;
    }

    /**
     * The files of {@link #data} the run reads (the IDX images and labels), empty for a built-in
     * task; resolved as {@link #prepare()} resolves them, so call it after {@link #prepare()} (which
     * fills in a resumed run's recorded path).
     */
    public List<Path> dataFiles() throws IOException {
        return data == null || !TaskSpec.isIdx(task) ? List.of() : IdxTasks.sourceFiles(data);
    }

    /** Resolves every setting, loads the data, builds (or restores) the model and returns the trainer. */
    public Trainer prepare() throws IOException {
        Map<String, String> rec = resume == null ? Map.of() : Checkpoint.metadata(resume);
        if (resume != null && rec.get(ModelCheckpoint.MODEL_KEY) != null && !rec.get(ModelCheckpoint.MODEL_KEY).equals(model)) {
            throw new IllegalArgumentException(resume + " holds a '" + rec.get(ModelCheckpoint.MODEL_KEY) + "' model, not '" + model + "'");
        }
        registry.factory(model);
        TrainDefaults d = TrainDefaults.of(model);
        boolean recurrent = TrainDefaults.recurrent(model);
        data = data != null ? data : (rec.containsKey(RUN + "data") ? Path.of(rec.get(RUN + "data")) : null);
        task = pick(task, rec, "task", TaskSpec.defaultTask(recurrent, data != null, d.task()));
        boolean builtIn = !TaskSpec.isIdx(task);
        seed = integer(pick(seed, rec, "seed", "0"), "seed");
        seqLen = int32(pick(seqLen, rec, "seq_len", task.equals(d.task()) ? Integer.toString(d.seqLen()) : "0"), "seq_len");
        trainSize = int32(pick(trainSize, rec, "train_size", builtIn ? Integer.toString(d.trainSize()) : "0"), "train_size");
        testSize = int32(pick(testSize, rec, "test_size", builtIn ? Integer.toString(d.testSize()) : "0"), "test_size");
        taskData = Tasks.load(new TaskSpec(task, seed, trainSize, testSize, seqLen, data, recurrent));
        boolean lrGiven = lr != null;
        TrainOptions options = options(rec, d);
        NeuralModel net = resume != null ? restoredModel(resume) : newModel(d);
        Trainer trainer = new Trainer(net, taskData, options);
        if (resume != null) {
            trainer.resume(resume);
            if (lrGiven) { // the caller's rate over the recorded one, which the resume restored
                trainer.setBaseLr(options.lr());
            }
        }
        trainer.metadata().putAll(runMetadata(options));
        return trainer;
    }

    private TrainOptions options(Map<String, String> rec, TrainDefaults d) {
        epochs = int32(pick(epochs, rec, "epochs", Integer.toString(d.epochs())), "epochs");
        batch = int32(pick(batch, rec, "batch", Integer.toString(d.batch())), "batch");
        lr = real(pick(lr, rec, "lr", Double.toString(d.lr())), "lr");
        optimizer = pick(optimizer, rec, "optimizer", "adam");
        weightDecay = real(pick(weightDecay, rec, "weight_decay", "0"), "weight_decay");
        clip = real(pick(clip, rec, "clip", "0"), "clip");
        schedule = pick(schedule, rec, "schedule", "constant");
        return new TrainOptions(epochs, batch, lr, optimizer, weightDecay, clip, schedule, seed + 1, save);
    }

    /** A setting's text as an integer; a recorded one that is not is an error naming the checkpoint and key. */
    private long integer(String text, String key) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw notANumber(text, key, "an integer");
        }
    }

    /** {@link #integer} within an int's range. */
    private int int32(String text, String key) {
        long v = integer(text, key);
        if (v != (int) v) {
            throw notANumber(text, key, "an int");
        }
        return (int) v;
    }

    /** {@link #integer} for a real number. */
    private double real(String text, String key) {
        try {
            return Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw notANumber(text, key, "a number");
        }
    }

    private IllegalArgumentException notANumber(String text, String key, String what) {
        // a given setting was typed by the caller: only a recorded one can fail to parse
        return new IllegalArgumentException(resume + ": recorded " + RUN + key + " = '" + text + "' is not " + what);
    }

    /** NOTE: --epochs given with --resume is the new total; the recorded one is only a default. */
    private static String pick(Object given, Map<String, String> rec, String key, String fallback) {
        if (given != null) {
            return given.toString();
        }
        return rec.getOrDefault(RUN + key, fallback);
    }

    private NeuralModel newModel(TrainDefaults d) {
        Map<String, Object> fields = new LinkedHashMap<>();
        var schema = registry.factory(model).schema();
        d.config().forEach((k, v) -> {
            if (schema.fields().stream().anyMatch(f -> f.name().equals(k))) {
                fields.put(k, v);
            }
        });
        fields.put("input_size", taskData.inputSize());
        fields.put("output_size", taskData.outputSize());
        ModelConfig config = ModelConfig.of(schema, fields);
        for (Map.Entry<String, String> e : sets.entrySet()) {
            if ((e.getKey().equals("input_size") || e.getKey().equals("output_size"))
                    && !e.getValue().trim().equals(config.values().get(e.getKey()).toString())) {
                throw new IllegalArgumentException(model + " config: " + e.getKey() + " is fixed by the task " + task
                        + " (" + config.values().get(e.getKey()) + ")");
            }
            config = config.withText(e.getKey(), e.getValue());
        }
        return registry.create(config, seed);
    }

    private NeuralModel restoredModel(Path path) throws IOException {
        NeuralModel net = ModelCheckpoint.load(path, registry);
        for (Map.Entry<String, String> e : sets.entrySet()) {   // the same value again is no change (a repeated command line)
            if (!net.config().withText(e.getKey(), e.getValue()).equals(net.config())) {
                throw new IllegalArgumentException("--set " + e.getKey() + "=" + e.getValue() + ": a resumed run keeps its model, and "
                        + path + " records " + e.getKey() + " = " + net.config().values().get(e.getKey()));
            }
        }
        if (net.config().getInt("input_size") != taskData.inputSize() || net.config().getInt("output_size") != taskData.outputSize()) {
            throw new IllegalArgumentException(path + ": the model's input/output sizes do not fit task " + task);
        }
        return net;
    }

    private Map<String, String> runMetadata(TrainOptions o) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(RUN + "task", task);
        if (data != null) {
            m.put(RUN + "data", data.toAbsolutePath().toString());
        }
        m.put(RUN + "seed", seed.toString());
        m.put(RUN + "seq_len", seqLen.toString());
        m.put(RUN + "train_size", trainSize.toString());
        m.put(RUN + "test_size", testSize.toString());
        m.put(RUN + "epochs", Integer.toString(o.epochs()));
        m.put(RUN + "batch", Integer.toString(o.batch()));
        m.put(RUN + "lr", Double.toString(o.lr()));
        m.put(RUN + "optimizer", o.optimizer());
        m.put(RUN + "weight_decay", Double.toString(o.weightDecay()));
        m.put(RUN + "clip", Double.toString(o.clip()));
        m.put(RUN + "schedule", o.schedule());
        return m;
    }
}
