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

    /** A running form of this metric over the batches of an epoch, for progress reports. */
    public Running running() {
        return new Running(this);
    }

    /**
     * This metric over every sample added so far, as if they were one split: accuracy counts hits,
     * MSE sums squared errors, RRSE also sums {@code y} and {@code y²}
     * ({@code Σ(y−ȳ)² = Σy² − (Σy)²/n}).
     */
    public static final class Running {
        private final Metric metric;
        private double hits;
        private double squaredError;
        private double sum;
        private double sumOfSquares;
        private long count;

        private Running(Metric metric) {
            this.metric = metric;
        }

        /** Adds a batch's outputs {@code out [n, d_out]} (regression values or logits). */
        public void add(Tensor out, Split batch) {
            float[] o = out.contiguous().toFloatArray();
            if (metric == ACCURACY) {
                hits += hits(o, o.length / Math.max(1, batch.size()), batch.labels());
                count += batch.size();
                return;
            }
            float[] y = batch.targets().toFloatArray();
            squaredError += squaredError(o, y);
            for (float v : y) {
                sum += v;
                sumOfSquares += (double) v * v;
            }
            count += y.length;
        }

        /** The metric so far; NaN before any sample. */
        public double value() {
            if (count == 0) {
                return Double.NaN;
            }
            return switch (metric) {
                case ACCURACY -> hits / count;
                case MSE -> squaredError / count;
                case RRSE -> Math.sqrt(squaredError / Math.max(0, sumOfSquares - sum * sum / count));
            };
        }
    }

    private static double accuracy(float[] logits, int classes, int[] labels) {
        return (double) hits(logits, classes, labels) / labels.length;
    }

    private static int hits(float[] logits, int classes, int[] labels) {
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
        return hits;
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
