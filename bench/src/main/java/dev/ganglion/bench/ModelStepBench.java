package dev.ganglion.bench;

import dev.ganglion.autodiff.Var;
import dev.ganglion.autodiff.nn.Losses;
import dev.ganglion.autodiff.optim.Adam;
import dev.ganglion.autodiff.optim.Optimizer;
import dev.ganglion.autodiff.optim.Sgd;
import dev.ganglion.engine.Parallel;
import dev.ganglion.engine.Rng;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.models.ConfigJson;
import dev.ganglion.models.ModelConfig;
import dev.ganglion.models.ModelRegistry;
import dev.ganglion.models.NeuralModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ganglion bench step-MODEL}: times one training step (forward, cross-entropy on the last
 * step's output for recurrent models, backward, optimizer update) after warm-up; median of repeats.
 * The same step and sizes as {@code models/src/test/python/step_bench.py} (x ~ N(0, 1), random class
 * targets; recurrent {@code input_size} 28, {@code output_size} 10, lstm family {@code hidden_size}
 * 100; feed-forward {@code input_size} 784), so the two JSON lines compare directly.
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
        System.out.println(ConfigJson.write(run(parse(args))));
    }

    /** Parses {@code MODEL [--batch 64] [--seq-len 28] [--threads 1] [--repeat 20] [--warmup 3] [--optimizer adam|sgd] [--lr 1e-3] [--seed 0] [--set k=v]…}. */
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

    /** Builds the model, runs the steps and returns the cli.md JSON object (impl {@code ganglion}). */
    public static Map<String, Object> run(Options opt) {
        Parallel.setThreads(opt.threads());
        ModelRegistry reg = ModelRegistry.standard();
        ModelConfig config = ModelConfig.of(reg.factory(opt.model()).schema(), defaults(opt.model(), reg));
        for (Map.Entry<String, String> e : opt.sets().entrySet()) {
            config = config.withText(e.getKey(), e.getValue());
        }
        Rng rng = new Rng(opt.seed());
        NeuralModel model = reg.create(config, Map.of(), rng);
        boolean rec = model.recurrent();
        int dIn = model.config().getInt("input_size");
        Tensor x = rec ? rng.normal(Shape.of(opt.batch(), opt.seqLen(), dIn), 0, 1)
                : rng.normal(Shape.of(opt.batch(), dIn), 0, 1);
        int[] targets = new int[opt.batch()];
        for (int i = 0; i < targets.length; i++) {
            targets[i] = rng.nextInt(model.config().getInt("output_size"));
        }
        List<Var> params = model.trainableParameters();
        Optimizer optimizer = opt.optimizer().equals("sgd") ? new Sgd(params, opt.lr()) : new Adam(params, opt.lr());
        Runnable step = () -> {
            Var y = model.forward(Var.constant(x));
            Var logits = rec ? y.select(1, y.dim(1) - 1) : y;
            Var loss = Losses.crossEntropyWithLogits(logits, targets);
            model.module().zeroGrad();
            loss.backward();
            optimizer.step();
        };
        double[] ms = time(step, opt.warmup(), opt.repeat());
        return result(opt, model, ms, rec);
    }

    private static Map<String, Object> defaults(String model, ModelRegistry reg) {
        Map<String, Object> d = new LinkedHashMap<>();
        boolean recurrent = List.of("lstm", "sublstm", "fix-sublstm", "elm").contains(model);
        d.put("input_size", recurrent ? 28 : 784);
        d.put("output_size", 10);
        if (List.of("lstm", "sublstm", "fix-sublstm").contains(model)) {
            d.put("hidden_size", 100);
        }
        reg.factory(model); // unknown model: the registry's error lists the known ones
        return d;
    }

    private static double[] time(Runnable step, int warmup, int repeat) {
        for (int i = 0; i < warmup; i++) {
            step.run();
        }
        double[] ms = new double[repeat];
        for (int i = 0; i < repeat; i++) {
            long t0 = System.nanoTime();
            step.run();
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ms);
        return ms;
    }

    private static Map<String, Object> result(Options opt, NeuralModel model, double[] sorted, boolean rec) {
        Map<String, Object> shape = new LinkedHashMap<>();
        shape.put("batch", opt.batch());
        if (rec) {
            shape.put("seq_len", opt.seqLen());
        }
        opt.sets().keySet().forEach(k -> shape.put(k, model.config().values().get(k))); // typed, as the torch side
        double median = sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("kernel", "step-" + opt.model());
        out.put("shape", shape);
        out.put("pass", "all");
        out.put("device", "cpu");
        out.put("threads", opt.threads());
        out.put("impl", "ganglion");
        out.put("median_ms", Math.round(median * 1e4) / 1e4);
        out.put("gflops", null);
        out.put("peak_gflops", null);
        out.put("min_ms", Math.round(sorted[0] * 1e4) / 1e4);
        out.put("repeat", opt.repeat());
        out.put("optimizer", opt.optimizer());
        long n = 0;
        for (Var v : model.trainableParameters()) {
            n += v.size();
        }
        out.put("parameters", n);
        out.put("config", ConfigJson.parseObject(model.config().toJson()));
        return out;
    }

    /** The names this bench accepts as {@code step-MODEL} (the registry's). */
    public static List<String> models() {
        return new ArrayList<>(ModelRegistry.standard().names());
    }
}
