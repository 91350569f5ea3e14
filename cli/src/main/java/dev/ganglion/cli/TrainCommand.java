package dev.ganglion.cli;

import dev.ganglion.engine.Parallel;
import dev.ganglion.models.ModelRegistry;
import dev.ganglion.models.training.IdxDownload;
import dev.ganglion.models.training.TaskData;
import dev.ganglion.models.training.TrainDefaults;
import dev.ganglion.models.training.TrainListener;
import dev.ganglion.models.training.TrainRun;
import dev.ganglion.models.training.Trainer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ganglion train MODEL}: trains a model on a built-in task or IDX data with the library's
 * {@link Trainer} (shared/specs/cli.md). Progress bar on a terminal, one line per epoch otherwise;
 * {@code --json} prints one JSON object per epoch: {@code epoch, loss, metric} (on the test split),
 * {@code metric_name, train_metric, test_loss, seconds, samples_per_s, lr}; {@code --log} gets the
 * same lines and, with G2GNet's dynamic sparse training, one {@code {"event":"rewire",…}} line per
 * rewiring.
 */
@Command(name = "train", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, sortOptions = false,
        description = {"Trains a model on a built-in task or IDX data.",
                "MODEL: lstm, sublstm, fix-sublstm, elm, mlp, g2gnet, circuitnet"})
final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "Model to train.")
    String model;
    @Option(names = "--task", paramLabel = "TASK", description = "function, adding, recall, mnist-rows, mnist-pixels or idx (default per model).")
    String task;
    @Option(names = "--data", paramLabel = "PATH", description = "IDX folder or file (IDX tasks); split 80/20 with the seed.")
    Path data;
    @Option(names = "--download", paramLabel = "NAME",
            description = "Fetch mnist or fashion-mnist into the cache ($GANGLION_CACHE or ~/.cache/ganglion), "
                    + "verify checksums, and train on its training files (as --data).")
    String download;
    @Option(names = "--seq-len", paramLabel = "T", description = "Sequence length of adding / recall.")
    Integer seqLen;
    @Option(names = "--train-size", paramLabel = "N", description = "Training samples (built-in tasks; IDX: default 80 %% of the set).")
    Integer trainSize;
    @Option(names = "--test-size", paramLabel = "N", description = "Test samples.")
    Integer testSize;
    @Option(names = "--epochs", paramLabel = "E", description = "Epochs (with --resume: the new total).")
    Integer epochs;
    @Option(names = "--batch", paramLabel = "B", description = "Batch size.")
    Integer batch;
    @Option(names = "--lr", paramLabel = "LR", description = "Learning rate.")
    Double lr;
    @Option(names = "--optimizer", paramLabel = "OPT", description = "sgd, adam, adamw, adamax or rmsprop (default adam).")
    String optimizer;
    @Option(names = "--weight-decay", paramLabel = "W", description = "Weight decay (default 0).")
    Double weightDecay;
    @Option(names = "--clip", paramLabel = "C", description = "Max global gradient norm (default 0: off).")
    Double clip;
    @Option(names = "--schedule", paramLabel = "S", description = "constant or cosine (default constant).")
    String schedule;
    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Model config field (repeatable).")
    Map<String, String> sets = new java.util.LinkedHashMap<>();
    @Option(names = "--threads", paramLabel = "N", description = "Threads (default: ganglion.threads or all cores).")
    Integer threads;
    @Option(names = "--device", paramLabel = "DEV", defaultValue = "cpu", description = "cpu, or cuda: dense products on the GPU where measured faster, shape by shape (default cpu).")
    String device;
    @Option(names = "--seed", paramLabel = "S", description = "Seed of init, data and shuffling (default 0).")
    Long seed;
    @Option(names = "--save", paramLabel = "CKPT", description = "Checkpoint (safetensors) written atomically after every epoch.")
    Path save;
    @Option(names = "--resume", paramLabel = "CKPT", description = "Continue a run from its checkpoint (exactly).")
    Path resume;
    @Option(names = "--log", paramLabel = "FILE", description = "One JSON line per epoch (and per DST rewiring) to FILE: "
            + "a new file, or appended to when resuming.")
    Path log;
    @Option(names = "--plot", paramLabel = "FILE", description = "Learning curves as .svg or .png, redrawn as epochs complete (from epoch 1 when resuming).")
    Path plot;
    @Option(names = "--json", description = "One JSON line per epoch on stdout.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        checkFlags();
        if (threads != null) {
            Parallel.setThreads(threads);
        }
        DeviceOption.apply(spec.commandLine(), device);
        if (download != null) {
            if (data != null) {
                throw new ParameterException(spec.commandLine(), "give --data or --download, not both");
            }
            data = IdxDownload.named(download).fetch(IdxDownload.defaultCache()).resolve("train-images-idx3-ubyte.gz");
        }
        TrainRun run = configure();
        Trainer trainer = run.prepare();
        checkFilesApart(run);
        PrintWriter out = spec.commandLine().getOut();
        TaskData td = run.taskData();
        if (!json) {
            out.println(header(run, trainer, td));
        }
        // notes go to stderr, so that --json's stdout stays one line per epoch trained
        PrintWriter err = spec.commandLine().getErr();
        if (trainer.epochsDone() >= trainer.options().epochs()) {
            err.println("ganglion train: nothing to train: " + resume + " has " + trainer.epochsDone()
                    + " epochs done and --epochs is " + trainer.options().epochs() + "; raise --epochs to go on");
        }
        if (resume != null && log != null) {
            int removed = ResumedLog.trim(log, trainer.epochsDone());
            if (removed > 0) {
                err.println("ganglion train: --log " + log + ": removed " + removed + " line(s) of epochs after "
                        + trainer.epochsDone() + ", where " + resume + " resumes");
            }
        }
        err.flush();
        TrainProgress progress = new TrainProgress(out, json, System.console() != null && !json, log, resume != null);
        PlotUpdates curves = plot == null ? null : new PlotUpdates(plot, run.model + " on " + td.name(), trainer::history);
        trainer.listener(curves == null ? progress : TrainListener.all(progress, curves));
        try {
            trainer.fit();
        } catch (IOException | RuntimeException e) {
            if (curves != null) {
                curves.finish(e);
            }
            throw e;
        } finally {
            progress.close();
        }
        if (curves != null) {
            curves.finish(null);
        }
        DeviceOption.printSummary(err);
        out.flush();
        return 0;
    }

    /**
     * Refuses, before anything is written, an output file that is another output or an input: the
     * checkpoint resumed from (which {@code --save} may replace), or the IDX data.
     */
    private void checkFilesApart(TrainRun run) throws IOException {
        Map<String, Path> inputs = new LinkedHashMap<>();
        List<Path> dataFiles = run.dataFiles();
        for (int i = 0; i < dataFiles.size(); i++) {
            inputs.put(i == 0 ? "--data images" : "--data labels", dataFiles.get(i));
        }
        Map<String, Path> outputs = new LinkedHashMap<>();
        outputs.put("--save", save);
        outputs.put("--log", log);
        outputs.put("--plot", plot);
        Map<String, Path> earlier = new LinkedHashMap<>();
        for (Map.Entry<String, Path> o : outputs.entrySet()) {
            if (o.getValue() == null) {
                continue;
            }
            Map<String, Path> others = new LinkedHashMap<>(inputs);
            if (resume != null && !o.getKey().equals("--save")) {
                others.put("--resume", resume);
            }
            others.putAll(earlier);
            OutputFiles.checkApartFrom(spec.commandLine(), o.getKey(), o.getValue(), others);
            earlier.put(o.getKey(), o.getValue());
        }
    }

    private void checkFlags() {
        // the library reads 0 as "the task's default"; a user who types 0 means 0, which no task can use
        atLeastOne("--threads", threads);
        atLeastOne("--seq-len", seqLen);
        atLeastOne("--train-size", trainSize);
        atLeastOne("--test-size", testSize);
        if (plot != null && !(plot.toString().endsWith(".svg") || plot.toString().endsWith(".png"))) {
            throw new ParameterException(spec.commandLine(), "--plot must name a .svg or .png file, got '" + plot + "'");
        }
        if (plot != null && ModuleLayer.boot().findModule("java.desktop").isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--plot draws with java.desktop, which this Java runtime "
                    + "lacks (the GPU bundle's runtime leaves it out): plot from a checkout with a full JDK");
        }
        OutputFiles.checkWritable(spec.commandLine(), "--save", save);
        OutputFiles.checkWritable(spec.commandLine(), "--log", log);
        OutputFiles.checkWritable(spec.commandLine(), "--plot", plot);
    }

    private void atLeastOne(String option, Integer value) {
        if (value != null && value < 1) {
            throw new ParameterException(spec.commandLine(), option + " must be ≥ 1, got " + value);
        }
    }

    private TrainRun configure() {
        TrainRun r = new TrainRun(model);
        r.task = task;
        r.data = data;
        r.seqLen = seqLen;
        r.trainSize = trainSize;
        r.testSize = testSize;
        r.sets.putAll(sets);
        r.seed = seed;
        r.epochs = epochs;
        r.batch = batch;
        r.lr = lr;
        r.optimizer = optimizer;
        r.weightDecay = weightDecay;
        r.clip = clip;
        r.schedule = schedule;
        r.save = save;
        r.resume = resume;
        return r;
    }

    private static String header(TrainRun r, Trainer t, TaskData td) {
        long params = t.optimizer().parameters().stream().mapToLong(v -> v.size()).sum();
        String seq = r.seqLen != null && r.seqLen > 0 ? " (T=" + r.seqLen + ")" : "";
        String from = r.resume == null ? quickSizes(r) : ", resumed after epoch " + t.epochsDone();
        return String.format(Locale.ROOT, "training %s on %s%s: %d train / %d test, %,d parameters, %s lr %s, batch %d, %s, %s%s",
                r.model, td.name(), seq, td.train().size(), td.test().size(), params, r.optimizer, decimal(r.lr), r.batch,
                plural(r.epochs, "epoch"), plural(Parallel.threads(), "thread"), from);
    }

    /**
     * The sizes {@code train} takes smaller than models.md for a quick first run ({@link TrainDefaults}),
     * where no {@code --set} gave them: said in the header so that nobody mistakes them for the spec's.
     */
    private static String quickSizes(TrainRun r) {
        List<String> smaller = new ArrayList<>();
        var fields = ModelRegistry.standard().factory(r.model).schema().fields();
        TrainDefaults.of(r.model).config().forEach((k, v) -> fields.stream()
                .filter(f -> f.name().equals(k) && !r.sets.containsKey(k) && f.defaultValue() != null && !v.equals(f.defaultValue())).findFirst()
                .ifPresent(f -> smaller.add(k + " " + v + " (models.md " + f.defaultValue() + ")")));
        return smaller.isEmpty() ? "" : "; quick-run sizes: " + String.join(", ", smaller) + " (--set to change)";
    }

    /** 0.001 rather than 1.0E-3; 1e+10 rather than 1.0E10 or ten billion written out. */
    private static String decimal(double v) {
        return v != 0 && (Math.abs(v) < 1e-6 || Math.abs(v) >= 1e6) ? String.format(Locale.ROOT, "%.4g", v).replaceFirst("\\.?0+e", "e")
                : java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    private static String plural(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
