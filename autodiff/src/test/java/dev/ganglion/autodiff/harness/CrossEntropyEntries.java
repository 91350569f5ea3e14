package dev.ganglion.autodiff.harness;

import static dev.ganglion.autodiff.harness.Inputs.rand;

import dev.ganglion.autodiff.Op;
import dev.ganglion.autodiff.Var;
import dev.ganglion.autodiff.nn.CrossEntropyOptions;
import dev.ganglion.autodiff.nn.Losses;
import dev.ganglion.autodiff.nn.Reduction;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Harness entries of {@link Losses#crossEntropyWithLogits(Var, int[], CrossEntropyOptions)} with
 * options (a {@link Op#CUSTOM} node): class weights with zeros among them, ignore indices inside
 * and outside {@code [0, C)}, label smoothing, every reduction, spatial and unbatched logits, C = 1
 * and 33, N = 1 and 17. The reference is written another way than the op: each position's loss is
 * {@code −Σ_c q_c·log softmax(z)[c]} for the target distribution
 * {@code q = (1 − ε)·w_y·onehot(y) + (ε/C)·w}.
 */
final class CrossEntropyEntries {
    private CrossEntropyEntries() {}

    private static final CrossEntropyOptions O = CrossEntropyOptions.DEFAULT;

    static List<Sample> samples() {
        List<Sample> s = new ArrayList<>();
        int[] t5 = {6, 2, 0, 2, 4};
        Tensor w7 = weights(7);
        add(s, "weights MEAN", rand(400, 5, 7), t5, O.withWeight(w7));
        add(s, "weights SUM", rand(401, 5, 7), t5, O.withWeight(w7).withReduction(Reduction.SUM));
        add(s, "weights NONE", rand(402, 5, 7), t5, O.withWeight(w7).withReduction(Reduction.NONE));
        add(s, "weights N=1 C=33", rand(403, 1, 33), new int[] {20}, O.withWeight(weights(33)));
        int[] ignored = {3, -100, 0, -100, 1, 2};
        add(s, "ignore -100 MEAN", rand(404, 6, 4), ignored, O.withIgnoreIndex(-100));
        add(s, "ignore -100 weights MEAN", rand(405, 6, 4), ignored, O.withIgnoreIndex(-100).withWeight(weights(4)));
        add(s, "ignore class 2 SUM", rand(406, 5, 7), t5, O.withIgnoreIndex(2).withReduction(Reduction.SUM));
        add(s, "all ignored SUM", rand(407, 3, 4), new int[] {1, 1, 1}, O.withIgnoreIndex(1).withLabelSmoothing(0.3)
                .withReduction(Reduction.SUM));
        add(s, "smoothing 0.1 MEAN", rand(408, 5, 7), t5, O.withLabelSmoothing(0.1));
        add(s, "smoothing 1 weights MEAN", rand(409, 5, 7), t5, O.withLabelSmoothing(1).withWeight(w7));
        int[] t17 = new int[17];
        for (int j = 0; j < t17.length; j++) {
            t17[j] = j % 5 == 3 ? -1 : (j * 5 + 2) % 7;
        }
        add(s, "smoothing weights ignore NONE N=17", rand(410, 17, 7), t17,
                O.withLabelSmoothing(0.2).withWeight(w7).withIgnoreIndex(-1).withReduction(Reduction.NONE));
        add(s, "smoothing weights ignore MEAN C=33", rand(411, 3, 33), new int[] {32, 0, 7},
                O.withLabelSmoothing(0.05).withWeight(weights(33)).withIgnoreIndex(0));
        add(s, "C=1 smoothing weights SUM", rand(412, 4, 1), new int[] {0, 0, 0, 0},
                O.withLabelSmoothing(0.5).withWeight(weights(1)).withReduction(Reduction.SUM));
        int[] spatial = new int[2 * 3 * 5];
        for (int j = 0; j < spatial.length; j++) {
            spatial[j] = j % 7 == 4 ? -100 : (j * 3 + 1) % 4;
        }
        add(s, "spatial [2, 4, 3, 5] weights ignore smoothing MEAN", rand(413, 2, 4, 3, 5), spatial,
                O.withWeight(weights(4)).withIgnoreIndex(-100).withLabelSmoothing(0.25));
        int[] plain = new int[2 * 3 * 5];
        for (int j = 0; j < plain.length; j++) {
            plain[j] = (j * 3 + 1) % 7;
        }
        add(s, "spatial [2, 7, 3, 5] NONE", rand(414, 2, 7, 3, 5), plain, O.withReduction(Reduction.NONE));
        add(s, "spatial [2, 3, 2] SUM", rand(415, 2, 3, 2), new int[] {0, 2, 1, 1}, O.withReduction(Reduction.SUM));
        add(s, "unbatched [7] smoothing weights NONE", rand(416, 7), new int[] {4},
                O.withLabelSmoothing(0.1).withWeight(w7).withReduction(Reduction.NONE));
        add(s, "unbatched [7] weights MEAN", rand(417, 7), new int[] {5}, O.withWeight(w7));
        return s;
    }

    static List<ErrorCase> errors() {
        List<ErrorCase> e = new ArrayList<>();
        Var z = Var.parameter(Tensor.zeros(2, 5, 3));
        int[] six = {0, 1, 2, 3, 4, 0};
        e.add(error("target outside [0, C) and not the ignore index", () -> Losses.crossEntropyWithLogits(z,
                new int[] {0, 1, 2, 3, 5, 0}, O.withIgnoreIndex(-100))));
        e.add(error("target count", () -> Losses.crossEntropyWithLogits(z, new int[] {0, 1}, O.withIgnoreIndex(-100))));
        e.add(error("weight length", () -> Losses.crossEntropyWithLogits(z, six, O.withWeight(weights(4)))));
        e.add(error("weight rank", () -> O.withWeight(Tensor.zeros(1, 5))));
        e.add(error("label smoothing above 1", () -> O.withLabelSmoothing(1.5)));
        e.add(error("scalar logits", () -> Losses.crossEntropyWithLogits(Var.parameter(Tensor.scalar(1)), new int[] {0},
                O.withLabelSmoothing(0.1))));
        return e;
    }

    private static ErrorCase error(String name, Runnable call) {
        return new ErrorCase(Op.CUSTOM, "crossEntropyWithLogits " + name, call, "crossEntropyWithLogits");
    }

    private static void add(List<Sample> s, String name, Tensor logits, int[] targets, CrossEntropyOptions o) {
        s.add(new Sample(Op.CUSTOM, "crossEntropyWithLogits " + name, new Tensor[] {logits},
                v -> Losses.crossEntropyWithLogits(v[0], targets, o), in -> reference(in[0], targets, o)));
    }

    /** {@code ((3c + 1) mod 7)/4}: zero for c = 2, 9, 16, .... */
    static Tensor weights(int classes) {
        double[] w = new double[classes];
        for (int c = 0; c < classes; c++) {
            w[c] = ((3 * c + 1) % 7) / 4.0;
        }
        return Tensor.wrap(w, Shape.of(classes));
    }

    /** The loss by target distributions, position by position; see the class comment. */
    static Tensor reference(Tensor logits, int[] targets, CrossEntropyOptions o) {
        Shape s = logits.shape();
        int classes = s.rank() == 1 ? s.dim(0) : s.dim(1);
        int spread = s.rank() <= 2 ? 1 : s.size() / (s.dim(0) * classes);
        double[] w = o.weight().map(Tensor::toDoubleArray).orElse(null);
        double eps = o.labelSmoothing();
        double[] losses = new double[targets.length];
        double total = 0;
        double counted = 0;
        for (int j = 0; j < targets.length; j++) {
            int y = targets[j];
            if (o.ignoreIndex().isPresent() && o.ignoreIndex().getAsInt() == y) {
                continue;
            }
            double[] row = new double[classes];
            for (int c = 0; c < classes; c++) {
                int n = j / spread;
                row[c] = logits.get(References.unflatten(s, (n * classes + c) * spread + j % spread));
            }
            double[] logp = References.logSoftmax(row);
            double wy = w == null ? 1 : w[y];
            for (int c = 0; c < classes; c++) {
                double q = (c == y ? (1 - eps) * wy : 0) + eps / classes * (w == null ? 1 : w[c]);
                losses[j] -= q * logp[c];
            }
            total += losses[j];
            counted += wy;
        }
        return switch (o.reduction()) {
            case NONE -> Tensor.wrap(losses, s.rank() == 1 ? Shape.scalar() : lossShape(s));
            case SUM -> Tensor.wrap(new double[] {total}, Shape.scalar());
            case MEAN -> Tensor.wrap(new double[] {total / counted}, Shape.scalar());
        };
    }

    private static Shape lossShape(Shape logits) {
        int[] d = new int[logits.rank() - 1];
        d[0] = logits.dim(0);
        for (int a = 2; a < logits.rank(); a++) {
            d[a - 1] = logits.dim(a);
        }
        return Shape.of(d);
    }
}
