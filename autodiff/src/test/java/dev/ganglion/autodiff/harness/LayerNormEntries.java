package dev.ganglion.autodiff.harness;

import static dev.ganglion.autodiff.harness.Inputs.rand;

import dev.ganglion.autodiff.Op;
import dev.ganglion.autodiff.ReductionOps;
import dev.ganglion.autodiff.Var;
import dev.ganglion.engine.DType;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Harness entries of {@link ReductionOps#layerNorm}: every normalized rank, γ and β together, alone
 * and absent (each present one gradient-checked as an input), a 1-D x, a row of equal values and no
 * rows. The reference normalises each row with {@code √(Σ(x − μ)²/n + ε)} written out.
 */
final class LayerNormEntries {
    private LayerNormEntries() {}

    static List<Sample> samples() {
        List<Sample> s = new ArrayList<>();
        Tensor x = rand(500, 2, 3, 4);
        add(s, "over [4] with weight and bias", in(x, rand(501, 4), rand(502, 4)), new int[] {4}, true, true, 1e-5);
        add(s, "over [3, 4] with weight and bias", in(x, rand(503, 3, 4), rand(504, 3, 4)), new int[] {3, 4}, true, true,
                1e-5);
        add(s, "over [2, 3, 4], no weight or bias", in(x), new int[] {2, 3, 4}, false, false, 1e-5);
        add(s, "over [5], weight only", in(rand(505, 3, 5), rand(506, 5)), new int[] {5}, true, false, 1e-5);
        add(s, "over [5], bias only, eps 0.5", in(rand(507, 3, 5), rand(508, 5)), new int[] {5}, false, true, 0.5);
        add(s, "1-D", in(rand(509, 6), rand(510, 6), rand(511, 6)), new int[] {6}, true, true, 1e-5);
        Tensor equalRow = rand(512, 2, 4);
        for (int i = 0; i < 4; i++) {
            equalRow.set(0.75, 1, i);
        }
        add(s, "a row of equal values", in(equalRow, rand(513, 4), rand(514, 4)), new int[] {4}, true, true, 1e-3);
        add(s, "no rows", in(rand(515, 0, 4), rand(516, 4), rand(517, 4)), new int[] {4}, true, true, 1e-5);
        return s;
    }

    /** The inputs are x, then γ when {@code weight}, then β when {@code bias}. */
    private static void add(List<Sample> s, String name, Tensor[] inputs, int[] norm, boolean weight, boolean bias,
            double eps) {
        int b = weight ? 2 : 1;
        s.add(new Sample(Op.LAYER_NORM, name, inputs,
                v -> ReductionOps.layerNorm(v[0], norm, weight ? v[1] : null, bias ? v[b] : null, eps),
                in -> reference(in[0], Shape.of(norm).size(), weight ? in[1] : null, bias ? in[b] : null, eps)));
    }

    private static Tensor reference(Tensor x, int n, Tensor weight, Tensor bias, double eps) {
        double[] v = x.toDoubleArray();
        double[] y = new double[v.length];
        for (int r = 0; r < v.length / n; r++) {
            double[] row = Arrays.copyOfRange(v, r * n, (r + 1) * n);
            double mean = References.sum(row) / n;
            double[] squares = Arrays.stream(row).map(a -> (a - mean) * (a - mean)).toArray();
            double sd = Math.sqrt(References.sum(squares) / n + eps);
            for (int i = 0; i < n; i++) {
                double g = weight == null ? 1 : weight.toDoubleArray()[i];
                double b = bias == null ? 0 : bias.toDoubleArray()[i];
                y[r * n + i] = (row[i] - mean) / sd * g + b;
            }
        }
        return Tensor.wrap(y, x.shape());
    }

    static List<ErrorCase> errors() {
        List<ErrorCase> e = new ArrayList<>();
        Var x = Var.parameter(Tensor.zeros(2, 3, 4));
        Var w4 = Var.parameter(Tensor.ones(4));
        e.add(error("normalized shape is not x's trailing shape", () -> ReductionOps.layerNorm(x, new int[] {3}, null, null, 1e-5),
                "layerNorm: normalized shape [3] needs x of shape [*, 3], got [2, 3, 4]"));
        e.add(error("normalized shape longer than x", () -> ReductionOps.layerNorm(x, new int[] {1, 2, 3, 4}, null, null, 1e-5),
                "got [2, 3, 4]"));
        e.add(error("empty normalized shape", () -> ReductionOps.layerNorm(x, new int[0], null, null, 1e-5),
                "layerNorm: the normalized shape is empty"));
        e.add(error("weight shape", () -> ReductionOps.layerNorm(x, new int[] {3, 4}, w4, null, 1e-5),
                "layerNorm: weight of shape [4] for normalized shape [3, 4] (x [2, 3, 4])"));
        e.add(error("bias dtype", () -> ReductionOps.layerNorm(x, new int[] {4}, w4,
                Var.parameter(Tensor.zeros(Shape.of(4), DType.F64)), 1e-5), "layerNorm: bias: dtype mismatch"));
        e.add(error("negative eps", () -> ReductionOps.layerNorm(x, new int[] {4}, null, null, -1),
                "layerNorm: eps must be ≥ 0, got -1.0 for normalized shape [4]"));
        e.add(error("NaN eps", () -> ReductionOps.layerNorm(x, new int[] {4}, null, null, Double.NaN), "layerNorm: eps"));
        return e;
    }

    private static ErrorCase error(String name, Runnable call, String message) {
        return new ErrorCase(Op.LAYER_NORM, name, call, message);
    }

    private static Tensor[] in(Tensor... t) {
        return t;
    }
}
