package dev.ganglion.bench;

import dev.ganglion.autodiff.Var;
import dev.ganglion.autodiff.nn.Activation;
import dev.ganglion.autodiff.nn.Layer;
import dev.ganglion.autodiff.nn.Linear;
import dev.ganglion.autodiff.nn.Losses;
import dev.ganglion.autodiff.nn.Sequential;
import dev.ganglion.autodiff.optim.Optimizer;
import dev.ganglion.autodiff.optim.Optimizers;
import dev.ganglion.engine.Rng;
import dev.ganglion.engine.Shape;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One training step of the {@code mlp} of models.md ({@code d_in → H → act → … → Linear(H → C)}):
 * forward, mean cross-entropy against random class targets drawn anew each step
 * ({@link FreshTargets}), {@code zeroGrad}, backward, optimizer step. {@code zeroGrad} keeps the
 * gradient buffers and zeroes them in place by default; with
 * {@link #keepGradientBuffers keepGradientBuffers(false)} it sets them to null, as PyTorch's
 * {@code zero_grad(set_to_none=True)} in {@code step_bench.py} does. The model and the batch
 * {@code x ~ N(0, 1)} are built once by the constructor; {@link #run()} is exactly one step.
 * {@code MlpStepBenchmark} times it under JMH.
 *
 * <p>Default shape (the benchmark): 784-1024-1024-10 (two hidden layers, 1,863,690
 * parameters), batch 128, Adam with lr 1e-3, relu. {@code ganglion bench step-mlp} and
 * {@code step_bench.py mlp} time the registry's {@code mlp} instead, whose defaults have three hidden
 * layers (2,913,290 parameters); they time this shape only with {@code --set num_layers=2 --set
 * hidden_size=1024} (as {@code bench/run-results.sh} does).
 */
public final class StepMlp {
    private final int batch;
    private final int[] widths;
    private final String optimizerName;
    private final Layer net;
    private final Optimizer optimizer;
    private final Var x;
    private final FreshTargets targets;
    private double lastLoss = Double.NaN;
    private boolean keepGradients = true;

    /**
     * @param widths {@code d_in, H, …, H, C}: {@code widths.length − 2} hidden layers and the head
     * @param optimizer a name of {@link Optimizers#create} (PyTorch defaults, no weight decay)
     */
    public StepMlp(int batch, int[] widths, String optimizer, double lr, String activation, long seed) {
        if (batch < 1 || widths.length < 2) {
            throw new IllegalArgumentException("step-mlp: need batch ≥ 1 and at least input and output widths, got batch "
                    + batch + ", " + widths.length + " widths");
        }
        this.batch = batch;
        this.widths = widths.clone();
        this.optimizerName = optimizer;
        Rng rng = new Rng(seed);
        Sequential s = new Sequential();
        for (int l = 0; l + 2 < widths.length; l++) {
            s.add(new Linear(widths[l], widths[l + 1], rng)).add(Activation.of(activation));
        }
        s.add(new Linear(widths[widths.length - 2], widths[widths.length - 1], rng));
        this.net = s;
        this.optimizer = Optimizers.create(optimizer, net.parameters(), lr, 0);
        Rng data = new Rng(seed + 1);
        this.x = Var.constant(data.normal(Shape.of(batch, widths[0]), 0, 1));
        this.targets = new FreshTargets(data, batch, widths[widths.length - 1]);
    }

    /** The configuration: 784-1024-1024-10, Adam (lr 1e-3), relu, seed 0. */
    public static StepMlp standard(int batch) {
        return new StepMlp(batch, new int[] {784, 1024, 1024, 10}, "adam", 1e-3, "relu", 0);
    }

    /**
     * Whether {@link #run()} zeroes the gradient buffers in place (the default: the backward then
     * accumulates into them, allocating about 7 MB less per step at the standard shape) or drops
     * them as PyTorch's {@code zero_grad(set_to_none=True)} does. Returns this.
     */
    public StepMlp keepGradientBuffers(boolean keep) {
        this.keepGradients = keep;
        return this;
    }

    /** One training step: forward, loss, zero grad, backward, update. */
    public void run() {
        Var loss = Losses.crossEntropyWithLogits(net.forward(x), targets.next());
        optimizer.zeroGrad(!keepGradients);
        loss.backward();
        optimizer.step();
        lastLoss = loss.item();
    }

    /** The loss of the last step (NaN before the first). */
    public double lastLoss() {
        return lastLoss;
    }

    /** Parameter elements. */
    public long parameterCount() {
        return net.parameterCount();
    }

    /** The size parameters, as the bench JSON's {@code shape}: batch, input/hidden/output sizes, layers. */
    public Map<String, Object> shape() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("batch", batch);
        s.put("input_size", widths[0]);
        s.put("hidden_size", widths.length > 2 ? widths[1] : 0);
        s.put("num_layers", widths.length - 2);
        s.put("output_size", widths[widths.length - 1]);
        return s;
    }

    /** Flops of the step's products: forward {@code 2·B·Σ in·out}, backward twice that less the unneeded first {@code dx}. */
    public double flops() {
        double forward = 0;
        for (int l = 0; l + 1 < widths.length; l++) {
            forward += 2.0 * batch * widths[l] * widths[l + 1];
        }
        double firstInputGrad = 2.0 * batch * widths[0] * widths[1];
        return 3 * forward - firstInputGrad;
    }

    public String optimizer() {
        return optimizerName;
    }

    /**
     * Times the standard step: {@code StepMlp [batch=128] [threads=1] [repeat=30] [warmup=15]}; prints
     * one JSON line in the bench format ({@code median_ms}, {@code min_ms}, the loss after the run).
     */
    public static void main(String[] args) {
        int batch = args.length > 0 ? Integer.parseInt(args[0]) : 128;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        int repeat = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        int warmup = args.length > 3 ? Integer.parseInt(args[3]) : 15;
        dev.ganglion.engine.Parallel.setThreads(threads);
        StepMlp step = standard(batch);
        for (int i = 0; i < warmup; i++) {
            step.run();
        }
        double[] ms = new double[repeat];
        for (int i = 0; i < repeat; i++) {
            long t0 = System.nanoTime();
            step.run();
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        java.util.Arrays.sort(ms);
        System.out.printf(java.util.Locale.ROOT, "{\"kernel\":\"step-mlp\",\"shape\":%s,\"pass\":\"all\",\"device\":\"cpu\","
                + "\"threads\":%d,\"impl\":\"ganglion\",\"median_ms\":%.4f,\"gflops\":null,\"peak_gflops\":null,"
                + "\"min_ms\":%.4f,\"repeat\":%d,\"optimizer\":\"adam\",\"parameters\":%d,\"loss\":%.6f}%n",
                step.shape().toString().replace("=", "\":").replace("{", "{\"").replace(", ", ",\""), threads,
                ms[repeat / 2], ms[0], repeat, step.parameterCount(), step.lastLoss());
    }
}
