package dev.ganglion.bench;

import dev.ganglion.engine.backend.Backends;
import dev.ganglion.engine.Parallel;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link ModelStepCase} timed by step count, as {@code models/src/test/python/step_bench.py} times
 * its PyTorch twin ({@code --warmup} steps, then the median of {@code --repeat}); prints one JSON line
 * in the cli.md format. {@code ganglion bench step-MODEL} is the usual way in; this entry point runs
 * without the CLI (e.g. under a profiler).
 *
 * <pre>{@code
 * java … dev.ganglion.bench.ModelStepBench sublstm --batch 128 --seq-len 28 --threads 1
 * java … dev.ganglion.bench.ModelStepBench elm --batch 8 --seq-len 100 --set input_size=700
 * }</pre>
 */
public final class ModelStepBench {
    /** What to run: model, sizes, optimizer, config overrides ({@code --set}). */
    public record Options(String model, int batch, int seqLen, int threads, int repeat, int warmup,
                          String optimizer, double lr, long seed, Map<String, String> sets) {}

    private ModelStepBench() {}

    /** Command-line entry; prints one JSON line. */
    public static void main(String[] args) {
        System.out.println(run(parse(args)).toJson());
    }

    /**
     * Parses {@code MODEL [--batch 64] [--seq-len 28] [--threads 1] [--repeat 20] [--warmup 3]
     * [--optimizer adam|sgd] [--lr 1e-3] [--seed 0] [--set k=v]…}.
     */
    public static Options parse(String[] args) {
        if (args.length == 0) {
            throw new IllegalArgumentException("step bench: usage MODEL [--batch N] [--seq-len T] [--threads N] "
                    + "[--repeat R] [--warmup W] [--optimizer adam|sgd] [--lr LR] [--seed S] [--set key=value]...");
        }
        Map<String, String> o = new LinkedHashMap<>(Map.of("--batch", "64", "--seq-len", "28", "--threads", "1",
                "--repeat", "20", "--warmup", "3", "--optimizer", "adam", "--lr", "1e-3", "--seed", "0"));
        Map<String, String> sets = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i += 2) {
            if (i + 1 >= args.length || !(o.containsKey(args[i]) || args[i].equals("--set"))) {
                throw new IllegalArgumentException("step bench: unknown or incomplete option '" + args[i] + "'; options: "
                        + String.join(", ", o.keySet()) + ", --set");
            }
            if (args[i].equals("--set")) {
                String[] kv = args[i + 1].split("=", 2);
                if (kv.length != 2) {
                    throw new IllegalArgumentException("step bench: --set expects key=value, got '" + args[i + 1] + "'");
                }
                sets.put(kv[0], kv[1]);
            } else {
                o.put(args[i], args[i + 1]);
            }
        }
        return new Options(args[0], Integer.parseInt(o.get("--batch")), Integer.parseInt(o.get("--seq-len")),
                Integer.parseInt(o.get("--threads")), Integer.parseInt(o.get("--repeat")),
                Integer.parseInt(o.get("--warmup")), o.get("--optimizer"), Double.parseDouble(o.get("--lr")),
                Long.parseLong(o.get("--seed")), sets);
    }

    /** Builds the step, runs it and returns the measurement (impl {@code ganglion}, extras {@code min_ms}, {@code repeat}). */
    public static Measurement run(Options opt) {
        Parallel.setThreads(opt.threads());
        ModelStepCase step = new ModelStepCase(opt.model(), opt.batch(), opt.seqLen(), opt.optimizer(), opt.lr(),
                opt.seed(), opt.sets());
        for (int i = 0; i < opt.warmup(); i++) {
            step.run();
        }
        double[] ms = new double[opt.repeat()];
        for (int i = 0; i < ms.length; i++) {
            long t0 = System.nanoTime();
            step.run();
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("min_ms", Measurement.round(Arrays.stream(ms).min().orElseThrow()));
        extra.put("repeat", opt.repeat());
        extra.putAll(step.details());
        return new Measurement(step.kernel(), step.shape(), step.pass(), Backends.productsOn(), opt.threads(), "ganglion",
                Timing.median(ms), null, null, extra);
    }

    /** The names this bench accepts as {@code step-MODEL}: the registry's. */
    public static List<String> models() {
        return List.copyOf(dev.ganglion.models.ModelRegistry.standard().names());
    }
}
