package dev.ganglion.models.training;

import dev.ganglion.engine.DType;
import dev.ganglion.engine.Rng;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import java.io.IOException;

/**
 * The built-in tasks of models.md section 5, generated on the fly from a seed, and IDX data. The
 * encodings mirror {@code models/src/test/python/ganglion_ref/tasks.py} exactly (the random streams
 * differ): all {@code train + test} samples come from one generator seeded with the task seed, first
 * the training samples.
 * <ul>
 *   <li>{@code function}: {@code x ~ U(−1,1)^8}, {@code y = x0·x1 + sin(πx2) + x3²x4 − 0.5x5 + exp(−x6²)x7}; RRSE.</li>
 *   <li>{@code adding}: {@code x [n,T,2]}, values U(0,1), markers one in [0,⌊T/2⌋) and one in [⌊T/2⌋,T);
 *       {@code y} the sum of the marked values; MSE.</li>
 *   <li>{@code recall}: {@code x [n,T,17]}: token one-hot (0..7) at step 0, a distractor one-hot
 *       (8..15) at steps 1..T−1, cue channel 16 at step T−1; label the token; accuracy.</li>
 *   <li>{@code mnist-rows}, {@code mnist-pixels}, {@code idx}: an IDX pair, a seeded permutation split
 *       (default 80 % / 20 % of the samples there); accuracy.</li>
 * </ul>
 */
public final class Tasks {
    /** Inputs of {@code function}. */
    public static final int FUNCTION_INPUTS = 8;
    /** Tokens of {@code recall}; its input width is {@code 2·8 + 1}. */
    public static final int RECALL_TOKENS = 8;
    /** Default training samples of built-in tasks. */
    public static final int DEFAULT_TRAIN = 8000;
    /** Default test samples of built-in tasks. */
    public static final int DEFAULT_TEST = 2000;

    private Tasks() {}

    /** Loads or generates the task of {@code spec}, shaped for the model family. */
    public static TaskData load(TaskSpec spec) throws IOException {
        return spec.idx() ? IdxTasks.load(spec) : builtIn(spec);
    }

    private static TaskData builtIn(TaskSpec spec) {
        int train = spec.trainSize() == 0 ? DEFAULT_TRAIN : spec.trainSize();
        int test = spec.testSize() == 0 ? DEFAULT_TEST : spec.testSize();
        long total = (long) train + test;
        if (total > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(spec.task() + ": train size " + train + " + test size " + test + " = " + total
                    + " samples, more than " + Integer.MAX_VALUE);
        }
        int n = (int) total;
        Rng rng = Rng.forPurpose(spec.seed(), "task.data");
        Split all = switch (spec.task()) {
            case "function" -> function(n, rng);
            case "adding" -> adding(n, spec.seqLen() == 0 ? 200 : spec.seqLen(), rng);
            default -> recall(n, spec.seqLen() == 0 ? 100 : spec.seqLen(), rng);
        };
        Metric metric = switch (spec.task()) {
            case "function" -> Metric.RRSE;
            case "adding" -> Metric.MSE;
            default -> Metric.ACCURACY;
        };
        Split shaped = shapeFor(all, spec.recurrent());
        int in = shaped.x().shape().dim(shaped.x().shape().rank() - 1);
        int out = metric == Metric.ACCURACY ? RECALL_TOKENS : 1;
        return new TaskData(spec.task(), shaped.range(0, train), shaped.range(train, n), metric, in, out);
    }

    /** Recurrent models read {@code [N, T, d]} ({@code function} becomes one step); feed-forward {@code [N, T·d]}. */
    static Split shapeFor(Split s, boolean recurrent) {
        Tensor x = s.x();
        int n = x.shape().dim(0);
        if (recurrent && x.shape().rank() == 2) {
            x = x.reshape(n, 1, x.shape().dim(1));
        } else if (!recurrent && x.shape().rank() == 3) {
            x = x.reshape(n, x.shape().dim(1) * x.shape().dim(2));
        }
        return new Split(x, s.targets(), s.labels());
    }

    /** {@code n} samples of {@code function}: {@code x [n, 8]}, {@code y [n, 1]}. */
    public static Split function(int n, Rng rng) {
        Tensor x = rng.uniform(Shape.of(n, FUNCTION_INPUTS), -1, 1);
        float[] v = x.toFloatArray();
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            int o = i * FUNCTION_INPUTS;
            double f = v[o] * v[o + 1] + Math.sin(Math.PI * v[o + 2]) + v[o + 3] * v[o + 3] * v[o + 4]
                    - 0.5 * v[o + 5] + Math.exp(-v[o + 6] * v[o + 6]) * v[o + 7];
            y[i] = (float) f;
        }
        return new Split(x, Tensor.wrap(y, Shape.of(n, 1)), null);
    }

    /** {@code n} adding problems of length {@code steps ≥ 2}: {@code x [n, T, 2]}, {@code y [n, 1]}. */
    public static Split adding(int n, int steps, Rng rng) {
        if (steps < 2) {
            throw new IllegalArgumentException("adding: needs T ≥ 2, got " + steps);
        }
        Shape xs = generated("adding", n, steps, 2);
        float[] values = rng.uniform(Shape.of(n, steps), 0, 1).toFloatArray();
        int half = steps / 2;
        int[] first = new int[n];
        int[] second = new int[n];
        for (int i = 0; i < n; i++) {
            first[i] = rng.nextInt(half);
        }
        for (int i = 0; i < n; i++) {
            second[i] = half + rng.nextInt(steps - half);
        }
        float[] x = new float[xs.size()];
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            for (int t = 0; t < steps; t++) {
                x[(i * steps + t) * 2] = values[i * steps + t];
            }
            x[(i * steps + first[i]) * 2 + 1] = 1;
            x[(i * steps + second[i]) * 2 + 1] = 1;
            y[i] = values[i * steps + first[i]] + values[i * steps + second[i]];
        }
        return new Split(Tensor.wrap(x, xs), Tensor.wrap(y, Shape.of(n, 1)), null);
    }

    /**
     * The shape of a generated input, refused naming the task when it is too large for one array or
     * for the heap (rather than an int product that wraps around).
     */
    private static Shape generated(String task, int... dims) {
        Shape s = Shape.of(task, dims);
        Tensor.requireHeap(task, s, DType.F32);
        return s;
    }

    /** {@code n} delayed-recall sequences of length {@code steps ≥ 1}: {@code x [n, T, 17]}, labels in [0, 8). */
    public static Split recall(int n, int steps, Rng rng) {
        if (steps < 1) {
            throw new IllegalArgumentException("recall: needs T ≥ 1, got " + steps);
        }
        int width = 2 * RECALL_TOKENS + 1;
        Shape xs = generated("recall", n, steps, width);
        int[] token = new int[n];
        for (int i = 0; i < n; i++) {
            token[i] = rng.nextInt(RECALL_TOKENS);
        }
        int[] distractor = new int[n * steps];
        for (int i = 0; i < distractor.length; i++) {
            distractor[i] = rng.nextInt(RECALL_TOKENS);
        }
        float[] x = new float[xs.size()];
        for (int i = 0; i < n; i++) {
            x[i * steps * width + token[i]] = 1;
            for (int t = 1; t < steps; t++) {
                x[(i * steps + t) * width + RECALL_TOKENS + distractor[i * steps + t]] = 1;
            }
            // NOTE: for T = 1 the cue shares step 0 with the token, as in the reference.
            x[(i * steps + steps - 1) * width + 2 * RECALL_TOKENS] = 1;
        }
        return new Split(Tensor.wrap(x, xs), null, token);
    }
}
