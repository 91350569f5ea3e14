package dev.ganglion.autodiff.harness;

import static dev.ganglion.autodiff.harness.Inputs.distinct;
import static dev.ganglion.autodiff.harness.Inputs.rand;

import dev.ganglion.autodiff.Op;
import dev.ganglion.autodiff.ReductionOps;
import dev.ganglion.autodiff.Var;
import dev.ganglion.engine.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Harness entries of the reductions and normalisations. */
final class ReductionEntries {
    private ReductionEntries() {}

    static List<Sample> samples() {
        List<Sample> s = new ArrayList<>();
        Tensor x = rand(1, 2, 3, 4);
        s.add(new Sample(Op.SUM, "all", in(x), v -> ReductionOps.sum(v[0]), in -> all(in[0], References::sum)));
        s.add(new Sample(Op.SUM, "axes 0,2", in(x), v -> ReductionOps.sum(v[0], false, 0, 2),
                in -> References.reduce(in[0], new int[] {0, 2}, false, References::sum)));
        s.add(new Sample(Op.SUM, "axis -1 keepDims", in(x), v -> ReductionOps.sum(v[0], true, -1),
                in -> References.reduce(in[0], new int[] {2}, true, References::sum)));
        s.add(new Sample(Op.SUM, "empty axis", in(rand(2, 0, 3)), v -> ReductionOps.sum(v[0], false, 0),
                in -> References.reduce(in[0], new int[] {0}, false, References::sum)));
        s.add(new Sample(Op.SUM, "scalar", in(rand(3)), v -> ReductionOps.sum(v[0]), in -> in[0].copy()));
        s.add(new Sample(Op.MEAN, "all", in(x), v -> ReductionOps.mean(v[0]), in -> all(in[0], ReductionEntries::mean)));
        s.add(new Sample(Op.MEAN, "axis 1 keepDims", in(x), v -> ReductionOps.mean(v[0], true, 1),
                in -> References.reduce(in[0], new int[] {1}, true, ReductionEntries::mean)));
        s.add(new Sample(Op.MEAN, "size-1 axis", in(rand(4, 3, 1)), v -> ReductionOps.mean(v[0], false, 1),
                in -> References.reduce(in[0], new int[] {1}, false, ReductionEntries::mean)));
        for (int[] c : new int[][] {{-1, 0}, {0, 1}, {1, 0}}) {
            int axis = c[0];
            boolean keep = c[1] == 1;
            int norm = axis < 0 ? axis + 3 : axis;
            Tensor d = distinct(10 + norm, 2, 3, 4);
            s.add(new Sample(Op.MAX, "axis " + axis + (keep ? " keepDims" : ""), in(d), v -> ReductionOps.max(v[0], axis, keep),
                    in -> References.reduce(in[0], new int[] {norm}, keep, a -> Arrays.stream(a).max().getAsDouble())));
            s.add(new Sample(Op.MIN, "axis " + axis + (keep ? " keepDims" : ""), in(d), v -> ReductionOps.min(v[0], axis, keep),
                    in -> References.reduce(in[0], new int[] {norm}, keep, a -> Arrays.stream(a).min().getAsDouble())));
            s.add(new Sample(Op.LOGSUMEXP, "axis " + axis + (keep ? " keepDims" : ""), in(d),
                    v -> ReductionOps.logsumexp(v[0], axis, keep),
                    in -> References.reduce(in[0], new int[] {norm}, keep, References::logsumexp)));
            s.add(new Sample(Op.SOFTMAX, "axis " + axis, in(d), v -> ReductionOps.softmax(v[0], axis),
                    in -> References.alongAxis(in[0], norm, References::softmax)));
            s.add(new Sample(Op.LOG_SOFTMAX, "axis " + axis, in(d), v -> ReductionOps.logSoftmax(v[0], axis),
                    in -> References.alongAxis(in[0], norm, References::logSoftmax)));
        }
        Tensor one = rand(5, 3, 1);
        s.add(new Sample(Op.MAX, "size-1 axis", in(one), v -> ReductionOps.max(v[0], 1, false),
                in -> References.reduce(in[0], new int[] {1}, false, a -> a[0])));
        s.add(new Sample(Op.MIN, "empty batch", in(rand(6, 0, 4)), v -> ReductionOps.min(v[0], 1, true),
                in -> References.reduce(in[0], new int[] {1}, true, a -> Arrays.stream(a).min().getAsDouble())));
        s.add(new Sample(Op.SOFTMAX, "size-1 axis", in(one), v -> ReductionOps.softmax(v[0], 1),
                in -> References.alongAxis(in[0], 1, References::softmax)));
        s.add(new Sample(Op.LOG_SOFTMAX, "empty batch", in(rand(7, 0, 4)), v -> ReductionOps.logSoftmax(v[0], -1),
                in -> References.alongAxis(in[0], 1, References::logSoftmax)));
        s.add(new Sample(Op.LOGSUMEXP, "large logits", in(References.map(distinct(8, 2, 5), a -> a * 2000)),
                v -> ReductionOps.logsumexp(v[0], 1, false),
                in -> References.reduce(in[0], new int[] {1}, false, References::logsumexp)));
        return s;
    }

    static List<ErrorCase> errors() {
        Var x = Var.parameter(Tensor.zeros(2, 3));
        Var empty = Var.parameter(Tensor.zeros(2, 0));
        List<ErrorCase> e = new ArrayList<>();
        e.add(new ErrorCase(Op.SUM, "axis out of range", () -> ReductionOps.sum(x, false, 2), "sum"));
        e.add(new ErrorCase(Op.MEAN, "repeated axis", () -> ReductionOps.mean(x, false, 1, -1), "mean"));
        e.add(new ErrorCase(Op.MAX, "empty axis", () -> ReductionOps.max(empty, 1, false), "max"));
        e.add(new ErrorCase(Op.MIN, "axis out of range", () -> ReductionOps.min(x, -3, false), "min"));
        e.add(new ErrorCase(Op.LOGSUMEXP, "axis out of range", () -> ReductionOps.logsumexp(x, 5, false), "logsumexp"));
        e.add(new ErrorCase(Op.SOFTMAX, "axis out of range", () -> ReductionOps.softmax(x, 2), "softmax"));
        e.add(new ErrorCase(Op.LOG_SOFTMAX, "axis out of range", () -> ReductionOps.logSoftmax(x, -3), "logSoftmax"));
        return e;
    }

    private static Tensor[] in(Tensor... t) {
        return t;
    }

    private static double mean(double[] v) {
        return References.sum(v) / v.length;
    }

    private static Tensor all(Tensor x, java.util.function.ToDoubleFunction<double[]> f) {
        int[] axes = new int[x.rank()];
        for (int i = 0; i < axes.length; i++) {
            axes[i] = i;
        }
        return References.reduce(x, axes, false, f);
    }
}
