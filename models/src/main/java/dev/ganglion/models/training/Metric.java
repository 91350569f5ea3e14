package dev.ganglion.models.training;

import dev.ganglion.autodiff.Var;
import dev.ganglion.autodiff.nn.Losses;
import dev.ganglion.engine.Tensor;

/**
 * The evaluation metric of a task, and the training loss that goes with it: MSE for regression
 * (metrics {@link #RRSE}, {@link #MSE}), cross-entropy on logits for classification ({@link #ACCURACY}).
 */
public enum Metric {
    /** Root relative squared error {@code √(Σ(y−ŷ)²/Σ(y−ȳ)²)}; lower is better, 1 = predicting the mean. */
    RRSE("rrse", false),
    /** Mean squared error {@code Σ(y−ŷ)²/n}; lower is better. */
    MSE("mse", false),
    /** Fraction of samples whose arg-max logit is the label; higher is better. */
    ACCURACY("accuracy", true);

    private final String label;
    private final boolean higherIsBetter;

    Metric(String label, boolean higherIsBetter) {
        this.label = label;
        this.higherIsBetter = higherIsBetter;
    }

    /** The name in logs and JSON ({@code rrse}, {@code mse}, {@code accuracy}). */
    public String label() {
        return label;
    }

    /** True for accuracy. */
    public boolean higherIsBetter() {
        return higherIsBetter;
    }

    /** The training loss of a batch: {@code mean((ŷ−y)²)} or {@code mean(−log softmax(ŷ)[label])}. */
    public Var loss(Var output, Split batch) {
        return batch.classification() ? Losses.crossEntropyWithLogits(output, batch.labels())
                : Losses.mse(output, Var.constant(batch.targets()));
    }

    /** The metric of outputs {@code out [N, d_out]} (regression values or logits) against a whole split. */
    public double compute(Tensor out, Split split) {
        float[] o = out.contiguous().toFloatArray();
        int n = split.size();
        if (n == 0) {
            return Double.NaN;
        }
        int d = o.length / n;
        return switch (this) {
            case ACCURACY -> accuracy(o, d, split.labels());
            case MSE -> squaredError(o, split.targets().toFloatArray()) / o.length;
            case RRSE -> rrse(o, split.targets().toFloatArray());
        };
    }

    private static double accuracy(float[] logits, int classes, int[] labels) {
        int hits = 0;
        for (int i = 0; i < labels.length; i++) {
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if (logits[i * classes + c] > logits[i * classes + best]) {
                    best = c;
                }
            }
            hits += best == labels[i] ? 1 : 0;
        }
        return (double) hits / labels.length;
    }

    private static double squaredError(float[] o, float[] y) {
        double s = 0;
        for (int i = 0; i < o.length; i++) {
            double e = (double) y[i] - o[i];
            s += e * e;
        }
        return s;
    }

    private static double rrse(float[] o, float[] y) {
        double mean = 0;
        for (float v : y) {
            mean += v;
        }
        mean /= y.length;
        double var = 0;
        for (float v : y) {
            var += (v - mean) * (v - mean);
        }
        return Math.sqrt(squaredError(o, y) / var);
    }
}
