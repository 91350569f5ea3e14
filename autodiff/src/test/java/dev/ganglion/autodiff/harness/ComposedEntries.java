package dev.ganglion.autodiff.harness;

import static dev.ganglion.autodiff.harness.Inputs.rand;

import dev.ganglion.autodiff.IndexOps;
import dev.ganglion.autodiff.Op;
import dev.ganglion.autodiff.PointwiseOps;
import dev.ganglion.autodiff.ReductionOps;
import dev.ganglion.autodiff.Var;
import dev.ganglion.autodiff.ViewOps;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Harness entries of the ops composed of others (no {@link Op} of their own: leakyRelu, elu, var,
 * std, flatten, stack, chunk), each sampled under the op that makes its result, so
 * they get the same forward, gradient-check, strided and float32 runs as the primitives.
 */
final class ComposedEntries {
    private ComposedEntries() {}

    static List<Sample> samples() {
        List<Sample> s = new ArrayList<>();
        Tensor x = rand(31, 3, 4);
        s.add(new Sample(Op.WHERE, "leakyRelu 0.1", in(x), v -> PointwiseOps.leakyRelu(v[0], 0.1),
                in -> References.map(in[0], a -> a > 0 ? a : 0.1 * a)));
        s.add(new Sample(Op.WHERE, "elu 1.5", in(x), v -> PointwiseOps.elu(v[0], 1.5),
                in -> References.map(in[0], a -> a > 0 ? a : 1.5 * Math.expm1(a))));
        Tensor y = rand(33, 2, 3, 4);
        s.add(new Sample(Op.SUM, "var correction 1 axis 1", in(y), v -> ReductionOps.var(v[0], 1, false, 1),
                in -> References.reduce(in[0], new int[] {1}, false, a -> variance(a, 1))));
        s.add(new Sample(Op.SUM, "var correction 0 all", in(y), v -> ReductionOps.var(v[0], 0, false),
                in -> References.reduce(in[0], new int[] {0, 1, 2}, false, a -> variance(a, 0))));
        s.add(new Sample(Op.WHERE, "std correction 1 axes 0,2 keepDims", in(y), v -> ReductionOps.std(v[0], 1, true, 0, -1),
                in -> References.reduce(in[0], new int[] {0, 2}, true, a -> Math.sqrt(variance(a, 1)))));
        s.add(new Sample(Op.RESHAPE, "flatten 1..2", in(rand(34, 2, 3, 4, 2)), v -> ViewOps.flatten(v[0], 1, -2),
                in -> Tensor.wrap(in[0].toDoubleArray(), Shape.of(2, 12, 2))));
        s.add(new Sample(Op.CONCAT, "stack axis -1", in(rand(35, 2, 3), rand(36, 2, 3), rand(37, 2, 3)),
                v -> IndexOps.stack(-1, v[0], v[1], v[2]),
                in -> References.build(Shape.of(2, 3, 3), i -> in[i[2]].get(i[0], i[1]))));
        // chunks of 3, 3 and 1 joined in reverse: every piece's gradient goes back to its place
        s.add(new Sample(Op.SPLIT, "chunk 3 of 7, reversed", in(rand(38, 2, 7)), v -> {
            Var[] c = IndexOps.chunk(v[0], 3, 1);
            return IndexOps.concat(1, c[2], c[1], c[0]);
        }, in -> References.build(Shape.of(2, 7), i -> in[0].get(i[0], i[1] == 0 ? 6 : i[1] <= 3 ? i[1] + 2 : i[1] - 4))));
        return s;
    }

    static List<ErrorCase> errors() {
        Var x = Var.parameter(Tensor.zeros(2, 3));
        Var y = Var.parameter(Tensor.zeros(3, 2));
        List<ErrorCase> e = new ArrayList<>();
        e.add(new ErrorCase(Op.SUM, "var negative correction", () -> ReductionOps.var(x, -1, false), "var: correction"));
        e.add(new ErrorCase(Op.WHERE, "std axis out of range", () -> ReductionOps.std(x, 1, false, 2), "std"));
        e.add(new ErrorCase(Op.RESHAPE, "flatten start after end", () -> ViewOps.flatten(x, 1, 0), "flatten: startDim 1"));
        e.add(new ErrorCase(Op.CONCAT, "stack shapes differ", () -> IndexOps.stack(0, x, y), "stack: part 1 has shape [3, 2]"));
        e.add(new ErrorCase(Op.CONCAT, "stack nothing", () -> IndexOps.stack(0), "stack: needs at least one part"));
        e.add(new ErrorCase(Op.SPLIT, "chunk into 0", () -> IndexOps.chunk(x, 0, 1), "chunk: needs chunks ≥ 1"));
        return e;
    }

    private static double variance(double[] v, int correction) {
        double mean = References.sum(v) / v.length;
        double ss = 0;
        for (double d : v) {
            ss += (d - mean) * (d - mean);
        }
        return ss / (v.length - correction);
    }

    private static Tensor[] in(Tensor... t) {
        return t;
    }
}
