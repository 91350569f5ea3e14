package dev.ganglion.bench;

import dev.ganglion.autodiff.Var;
import dev.ganglion.autodiff.nn.Losses;
import dev.ganglion.autodiff.optim.Adam;
import dev.ganglion.autodiff.optim.Optimizer;
import dev.ganglion.autodiff.optim.Sgd;
import dev.ganglion.engine.Rng;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.models.ConfigJson;
import dev.ganglion.models.ModelConfig;
import dev.ganglion.models.ModelRegistry;
import dev.ganglion.models.NeuralModel;
import dev.ganglion.models.training.TrainDefaults;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code step-MODEL}: one training step of a registered model, the {@link BenchCase} of {@code
 * ganglion bench step-MODEL}. A step is forward, mean cross-entropy against random class targets
 * (on the last time step's output for recurrent models), zero-grad, backward and one optimizer
 * update. The batch {@code x ~ N(0, 1)} is drawn once, the targets anew at each step
 * ({@link FreshTargets}: a fixed batch would be fitted, and then timed with subnormal gradients).
 * Gradients are zeroed in place ({@code zeroGrad(false)}, as {@code Trainer} does), so a linear
 * layer's weight gradient, a sparse layer's values gradient and G2GNet's fused layer's write
 * straight into their kept buffers; PyTorch's side drops them ({@code set_to_none=True}, its faster
 * form, in which they are stolen from the backward).
 *
 * <p>Sizes match {@code models/src/test/python/step_bench.py} (the {@code --compare} side): recurrent
 * models read rows of 28 features ({@code input_size} 28, lstm family {@code hidden_size} 100),
 * feed-forward ones 784 pixels; 10 classes. {@code sets} override any config field (models.md),
 * e.g. {@code num_layers=2} makes {@code step-mlp} the 784-1024-1024-10 MLP.
 */
public final class ModelStepCase implements BenchCase {
    private final String model;
    private final int batch;
    private final int seqLen;
    private final String optimizerName;
    private final Map<String, String> sets;
    private final NeuralModel net;
    private final Optimizer optimizer;
    private final Var x;
    private final FreshTargets targets;
    private double lastLoss = Double.NaN;

    /**
     * @param optimizer {@code adam} or {@code sgd} (PyTorch defaults apart from {@code lr})
     * @param seqLen    time steps (recurrent models only; ignored otherwise)
     */
    public ModelStepCase(String model, int batch, int seqLen, String optimizer, double lr, long seed,
                         Map<String, String> sets) {
        if (batch < 1 || seqLen < 1) {
            throw new IllegalArgumentException("step-" + model + ": --batch and --seq-len must be ≥ 1, got "
                    + batch + " and " + seqLen);
        }
        if (!List.of("adam", "sgd").contains(optimizer)) {
            throw new IllegalArgumentException("step-" + model + ": --optimizer must be adam or sgd, got '" + optimizer + "'");
        }
        ModelRegistry reg = ModelRegistry.standard();
        ModelConfig config = ModelConfig.of(reg.factory(model).schema(), defaults(model));
        for (Map.Entry<String, String> e : sets.entrySet()) {
            config = config.withText(e.getKey(), e.getValue());
        }
        Rng rng = new Rng(seed);
        this.model = model;
        this.batch = batch;
        this.net = reg.create(config, Map.of(), rng);
        this.seqLen = net.recurrent() ? seqLen : 0;
        this.optimizerName = optimizer;
        this.sets = Map.copyOf(sets);
        int dIn = net.config().getInt("input_size");
        this.x = Var.constant(net.recurrent() ? rng.normal(Shape.of(batch, seqLen, dIn), 0, 1)
                : rng.normal(Shape.of(batch, dIn), 0, 1));
        this.targets = new FreshTargets(rng, batch, net.config().getInt("output_size"));
        List<Var> params = net.trainableParameters();
        this.optimizer = optimizer.equals("sgd") ? new Sgd(params, lr) : new Adam(params, lr);
    }

    /**
     * The {@code sets} that {@code model}'s config has fields for, in their order: what a second
     * model timed beside this one ({@code --versus}) takes of the first one's {@code --set}s.
     */
    public static Map<String, String> applicable(String model, Map<String, String> sets) {
        var schema = ModelRegistry.standard().factory(model).schema();
        Map<String, String> kept = new LinkedHashMap<>();
        sets.forEach((k, v) -> {
            if (schema.has(k)) {
                kept.put(k, v);
            }
        });
        return kept;
    }

    private static Map<String, Object> defaults(String model) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("input_size", TrainDefaults.recurrent(model) ? 28 : 784);
        d.put("output_size", 10);
        if (List.of("lstm", "sublstm", "fix-sublstm").contains(model)) {
            d.put("hidden_size", 100);
        }
        return d;
    }

    @Override
    public String kernel() {
        return "step-" + model;
    }

    @Override
    public String pass() {
        return "all";
    }

    /** {@code batch}, {@code seq_len} (recurrent models), {@code optimizer}, then each {@code --set} field, typed. */
    @Override
    public Map<String, Object> shape() {
        Map<String, Object> shape = new LinkedHashMap<>();
        shape.put("batch", batch);
        if (net.recurrent()) {
            shape.put("seq_len", seqLen);
        }
        shape.put("optimizer", optimizerName);
        sets.keySet().stream().sorted().forEach(k -> shape.put(k, net.config().values().get(k)));
        return shape;
    }

    /** Not counted: {@code median_ms} is the figure (cli.md). */
    @Override
    public double flops() {
        return Double.NaN;
    }

    @Override
    public void run() {
        Var y = net.forward(x);
        Var logits = net.recurrent() ? y.select(1, y.dim(1) - 1) : y;
        Var loss = Losses.crossEntropyWithLogits(logits, targets.next());
        optimizer.zeroGrad(false); // kept buffers, as the Trainer does: see the class comment
        loss.backward();
        optimizer.step();
        lastLoss = loss.item();
    }

    /** The loss of the last {@link #run}, NaN before the first. */
    public double lastLoss() {
        return lastLoss;
    }

    /** Trainable parameter count and the full config, for the JSON line. */
    @Override
    public Map<String, Object> details() {
        long n = 0;
        for (Var v : net.trainableParameters()) {
            n += v.size();
        }
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("parameters", n);
        d.put("config", ConfigJson.parseObject(net.config().toJson()));
        return d;
    }
}
