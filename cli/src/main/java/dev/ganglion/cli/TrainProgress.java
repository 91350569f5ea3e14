package dev.ganglion.cli;

import dev.ganglion.bench.Json;
import dev.ganglion.models.training.EpochResult;
import dev.ganglion.models.training.StepProgress;
import dev.ganglion.models.training.TrainListener;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code ganglion train}'s output: a progress bar (loss, training metric, samples/s, ETA) redrawn on a terminal, one
 * line per epoch, or one JSON line per epoch ({@code --json}); {@code --log} gets the JSON lines too
 * (appended when resuming, after {@link ResumedLog} has removed epochs the checkpoint does not
 * have; else the file is started anew). The log holds completed epochs only, as
 * a checkpoint does: an epoch's rewiring lines are written with its epoch line, after it ends, so a
 * run stopped in the middle of an epoch and resumed lists no rewiring twice.
 */
final class TrainProgress implements TrainListener, AutoCloseable {
    private static final int BAR = 24;
    private final PrintWriter out;
    private final boolean json;
    private final boolean terminal;
    private final Path logPath;
    private final BufferedWriter log;
    private final List<String> epochLog = new ArrayList<>();
    private int epochs;
    private int startEpoch;
    private long started;
    private long lastDraw;
    private boolean drawn;
    private int width;

    TrainProgress(PrintWriter out, boolean json, boolean terminal, Path logPath, boolean append) throws IOException {
        this.out = out;
        this.json = json;
        this.terminal = terminal;
        this.logPath = logPath;
        this.log = logPath == null ? null : Files.newBufferedWriter(logPath, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING);
    }

    @Override
    public void onStart(int startEpoch, int epochs, int stepsPerEpoch, int trainSamples) {
        this.startEpoch = startEpoch;
        this.epochs = epochs;
        this.started = System.nanoTime();
    }

    @Override
    public void onStep(StepProgress p) {
        long now = System.nanoTime();
        if (!terminal || (now - lastDraw < 100_000_000L && p.step() < p.stepsPerEpoch())) {
            return;
        }
        lastDraw = now;
        out.print("\r" + bar(p, (now - started) / 1e9) + " ");
        out.flush();
        drawn = true;
    }

    /**
     * The progress line: epoch, bar, the epoch's mean loss and training metric so far, throughput and
     * the time left, extrapolated from the run's elapsed seconds (this call's epochs only).
     */
    String bar(StepProgress p, double elapsedSeconds) {
        double done = (p.epoch() - 1 - startEpoch) + (double) p.step() / p.stepsPerEpoch();
        double eta = done <= 0 ? 0 : elapsedSeconds * (epochs - startEpoch - done) / done;
        int fill = (int) Math.round(BAR * (double) p.step() / p.stepsPerEpoch());
        String line = String.format(Locale.ROOT, "epoch %d/%d [%s%s] loss %s  train %s %.4f  %.0f samples/s  ETA %s",
                p.epoch(), epochs, "#".repeat(fill), ".".repeat(BAR - fill), decimals(p.meanLoss()), p.metricName(), p.metric(),
                p.samplesPerSecond(), duration(eta));
        width = Math.max(width, line.length() + 1);
        return line;
    }

    /**
     * A rewiring (G2GNet DST): one line per update on the terminal or in the text output; in
     * {@code --log}, a line {@code {"event":"rewire","at_epoch":E,"step":S,"layers":[…]}} (no
     * {@code "epoch"} key, so readers of the epoch lines can skip it).
     */
    @Override
    public void onHook(int epoch, long step, List<Map<String, Object>> records) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("event", "rewire");
        line.put("at_epoch", epoch);
        line.put("step", step);
        line.put("layers", records);
        epochLog.add(Json.write(line));
        if (!json) {
            clearBar();
            out.println("  step " + step + " rewired: " + records.stream().map(r -> String.format(Locale.ROOT,
                    "layer %s −%s +%s nnz %s (sparsity %.4f)", r.get("layer"), r.get("pruned"), r.get("regrown"),
                    r.get("nnz"), ((Number) r.get("sparsity")).doubleValue())).collect(Collectors.joining("; ")));
            out.flush();
        }
    }

    /** Erases the progress bar (on a terminal) before a line is printed. */
    private void clearBar() {
        if (drawn) {
            out.print("\r" + " ".repeat(width) + "\r");
            drawn = false;
        }
    }

    /** Writes the epoch's lines to {@code --log}; a failure names the file. */
    private void writeLog(List<String> lines) {
        if (log == null) {
            return;
        }
        try {
            for (String line : lines) {
                log.write(line);
                log.newLine();
            }
            log.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("--log " + logPath + ": cannot write epoch lines: " + Main.message(e), e);
        }
    }

    @Override
    public void onEpoch(EpochResult r) {
        String line = json(r);
        clearBar();
        out.println(json ? line : text(r));
        out.flush();
        epochLog.add(line);
        try {
            writeLog(epochLog);
        } finally {
            epochLog.clear();
        }
    }

    static String text(EpochResult r) {
        return String.format(Locale.ROOT, "epoch %3d  loss %s  %s %s  test loss %s  %.2f s  %.0f samples/s",
                r.epoch(), decimals(r.loss()), r.metricName(), decimals(r.metric()), decimals(r.testLoss()), r.seconds(),
                r.samplesPerSecond());
    }

    /** Five decimals, or five significant digits past a million, where decimals would run to dozens of digits. */
    static String decimals(double v) {
        return String.format(Locale.ROOT, Math.abs(v) < 1e6 || !Double.isFinite(v) ? "%.5f" : "%.4e", v);
    }

    static String json(EpochResult r) {
        return String.format(Locale.ROOT, "{\"epoch\":%d,\"loss\":%s,\"metric\":%s,\"metric_name\":\"%s\",\"train_metric\":%s,\"test_loss\":%s,"
                + "\"seconds\":%.4f,\"samples_per_s\":%.1f,\"lr\":%s}", r.epoch(), num(r.loss()), num(r.metric()),
                r.metricName(), num(r.trainMetric()), num(r.testLoss()), r.seconds(), r.samplesPerSecond(), num(r.lr()));
    }

    /** JSON has no NaN: non-finite numbers are written as null. */
    private static String num(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "null";
    }

    private static String duration(double s) {
        long t = Math.round(s);
        return t >= 60 ? (t / 60) + "m" + String.format(Locale.ROOT, "%02d", t % 60) + "s" : t + "s";
    }

    @Override
    public void close() throws IOException {
        if (log != null) {
            log.close();
        }
    }
}
