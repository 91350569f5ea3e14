package dev.ganglion.bench;

import dev.ganglion.autodiff.Var;
import dev.ganglion.autodiff.nn.Losses;
import dev.ganglion.autodiff.optim.Optimizer;
import dev.ganglion.autodiff.optim.Optimizers;
import dev.ganglion.engine.Parallel;
import dev.ganglion.engine.Rng;
import dev.ganglion.engine.Shape;
import dev.ganglion.models.ModelConfig;
import dev.ganglion.models.ModelRegistry;
import dev.ganglion.models.NeuralModel;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One training step of a feed-forward model of the registry ({@code g2gnet}, {@code mlp},
 * {@code circuitnet}), as {@code step_bench.py MODEL} does in PyTorch: {@code x ~ N(0, 1)} of
 * {@code [batch, 784]}, random class targets of 10 classes, forward, mean cross-entropy, zero grad,
 * backward, Adam step (lr 1e-3). Sizes models.md leaves open: input 784, output 10.
 *
 * <p>{@code StepSparseModel MODEL [batch=64] [threads=1] [repeat=20] [warmup=5] [key=value …]} prints
 * one JSON line in the bench format (median and min milliseconds per step).
 */
public final class StepSparseModel {
    private final NeuralModel model;
    private final Optimizer optimizer;
    private final Var x;
    private final int[] targets;
    private double lastLoss = Double.NaN;

    /** The model {@code name} with {@code fields} over the defaults (input 784, output 10). */
    public StepSparseModel(String name, Map<String, Object> fields, int batch, long seed) {
        ModelRegistry registry = ModelRegistry.standard();
        Map<String, Object> all = new LinkedHashMap<>(Map.of("input_size", 784, "output_size", 10));
        all.putAll(fields);
        ModelConfig config = registry.config(name, all);
        this.model = registry.create(config, seed);
        this.optimizer = Optimizers.create("adam", model.module().parameters(), 1e-3, 0);
        Rng data = new Rng(seed + 1);
        this.x = Var.constant(data.normal(Shape.of(batch, config.getInt("input_size")), 0, 1));
        this.targets = new int[batch];
        for (int i = 0; i < batch; i++) {
            targets[i] = data.nextInt(config.getInt("output_size"));
        }
    }

    /** One training step: forward, loss, zero grad, backward, update. */
    public void run() {
        Var loss = Losses.crossEntropyWithLogits(model.forward(x), targets);
        optimizer.zeroGrad();
        loss.backward();
        optimizer.step();
        lastLoss = loss.item();
    }

    public NeuralModel model() {
        return model;
    }

    public double lastLoss() {
        return lastLoss;
    }

    /** Runs {@code warmup} then {@code repeat} timed steps; the sorted milliseconds per step. */
    public double[] time(int warmup, int repeat) {
        for (int i = 0; i < warmup; i++) {
            run();
        }
        double[] ms = new double[repeat];
        for (int i = 0; i < repeat; i++) {
            long t0 = System.nanoTime();
            run();
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ms);
        return ms;
    }

    /** See the class comment. */
    public static void main(String[] args) {
        if (args.length < 1) {
            throw new IllegalArgumentException("usage: StepSparseModel MODEL [batch] [threads] [repeat] [warmup] [key=value …]");
        }
        int[] nums = {64, 1, 20, 5};
        Map<String, Object> fields = new LinkedHashMap<>();
        int positional = 0;
        for (int i = 1; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            if (eq < 0) {
                nums[positional++] = Integer.parseInt(args[i]);
            } else {
                String v = args[i].substring(eq + 1);
                fields.put(args[i].substring(0, eq), v.matches("-?\\d+") ? (Object) Long.parseLong(v)
                        : v.matches("-?[0-9.eE+-]+") ? (Object) Double.parseDouble(v)
                        : v.equals("true") || v.equals("false") ? (Object) Boolean.parseBoolean(v) : v);
            }
        }
        Parallel.setThreads(nums[1]);
        StepSparseModel step = new StepSparseModel(args[0], fields, nums[0], 0);
        double[] ms = step.time(nums[3], nums[2]);
        System.out.printf(Locale.ROOT, "{\"kernel\":\"step-%s\",\"batch\":%d,\"pass\":\"all\",\"device\":\"cpu\",\"threads\":%d,"
                + "\"impl\":\"ganglion\",\"median_ms\":%.4f,\"min_ms\":%.4f,\"repeat\":%d,\"optimizer\":\"adam\","
                + "\"parameters\":%d,\"config\":%s,\"loss\":%.6f}%n", args[0], nums[0], nums[1], ms[ms.length / 2], ms[0],
                nums[2], step.model().module().parameterCount(), step.model().config().toJson(), step.lastLoss());
    }
}
