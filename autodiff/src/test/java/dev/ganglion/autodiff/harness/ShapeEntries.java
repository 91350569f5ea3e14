package dev.ganglion.autodiff.harness;

import static dev.ganglion.autodiff.harness.Inputs.rand;

import dev.ganglion.autodiff.IndexOps;
import dev.ganglion.autodiff.Op;
import dev.ganglion.autodiff.PointwiseOps;
import dev.ganglion.autodiff.Var;
import dev.ganglion.autodiff.ViewOps;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Harness entries of the views and the joining and indexing ops. View references index the input
 * directly (no view ops); indexing references are loops ({@link LinalgReferences}).
 */
final class ShapeEntries {
    private ShapeEntries() {}

    static List<Sample> samples() {
        List<Sample> s = new ArrayList<>();
        Tensor x = rand(1, 2, 3, 4);
        s.add(new Sample(Op.RESHAPE, "[2,3,4] → [6,-1]", in(x), v -> ViewOps.reshape(v[0], 6, -1),
                in -> Tensor.wrap(in[0].toDoubleArray(), Shape.of(6, 4))));
        s.add(new Sample(Op.RESHAPE, "empty", in(rand(2, 0, 3)), v -> ViewOps.reshape(v[0], 3, 0),
                in -> Tensor.wrap(new double[0], Shape.of(3, 0))));
        s.add(new Sample(Op.PERMUTE, "(2, 0, 1)", in(x), v -> ViewOps.permute(v[0], 2, 0, -2),
                in -> References.build(Shape.of(4, 2, 3), i -> in[0].get(i[1], i[2], i[0]))));
        s.add(new Sample(Op.TRANSPOSE, "(0, -1)", in(x), v -> ViewOps.transpose(v[0], 0, -1),
                in -> References.build(Shape.of(4, 3, 2), i -> in[0].get(i[2], i[1], i[0]))));
        s.add(new Sample(Op.SLICE, "step 2", in(x), v -> ViewOps.slice(v[0], 2, 1, 4, 2),
                in -> References.build(Shape.of(2, 3, 2), i -> in[0].get(i[0], i[1], 1 + 2 * i[2]))));
        s.add(new Sample(Op.SLICE, "negative start", in(x), v -> ViewOps.slice(v[0], -2, -2, 3, 1),
                in -> References.build(Shape.of(2, 2, 4), i -> in[0].get(i[0], 1 + i[1], i[2]))));
        s.add(new Sample(Op.SLICE, "empty", in(x), v -> ViewOps.slice(v[0], 0, 1, 1, 1),
                in -> Tensor.wrap(new double[0], Shape.of(0, 3, 4))));
        // bounds as Python's x[start:end:step]: clamped to the axis, end ≤ start empty (they were errors)
        s.add(new Sample(Op.SLICE, "start before the axis, clamped", in(x), v -> ViewOps.slice(v[0], 2, -100, 3, 2),
                in -> References.build(Shape.of(2, 3, 2), i -> in[0].get(i[0], i[1], 2 * i[2]))));
        s.add(new Sample(Op.SLICE, "end past the axis, negative start", in(x), v -> ViewOps.slice(v[0], 2, -3, 100, 2),
                in -> References.build(Shape.of(2, 3, 2), i -> in[0].get(i[0], i[1], 1 + 2 * i[2]))));
        s.add(new Sample(Op.SLICE, "end before start, empty", in(x), v -> ViewOps.slice(v[0], 1, 2, 1, 1),
                in -> Tensor.wrap(new double[0], Shape.of(2, 0, 4))));
        s.add(new Sample(Op.SELECT, "index -1 of axis 1", in(x), v -> ViewOps.select(v[0], 1, -1),
                in -> References.build(Shape.of(2, 4), i -> in[0].get(i[0], 2, i[1]))));
        s.add(new Sample(Op.EXPAND, "[3,1] → [2,3,4]", in(rand(2, 3, 1)), v -> ViewOps.expand(v[0], 2, 3, 4),
                in -> References.build(Shape.of(2, 3, 4), i -> in[0].get(i[1], 0))));
        s.add(new Sample(Op.EXPAND, "keep with -1", in(rand(3, 1, 4)), v -> ViewOps.expand(v[0], 5, -1),
                in -> References.build(Shape.of(5, 4), i -> in[0].get(0, i[1]))));
        s.add(new Sample(Op.UNSQUEEZE, "middle", in(x), v -> ViewOps.unsqueeze(v[0], 1),
                in -> References.build(Shape.of(2, 1, 3, 4), i -> in[0].get(i[0], i[2], i[3]))));
        s.add(new Sample(Op.UNSQUEEZE, "end", in(rand(4, 3)), v -> ViewOps.unsqueeze(v[0], -1),
                in -> References.build(Shape.of(3, 1), i -> in[0].get(i[0]))));
        s.add(new Sample(Op.SQUEEZE, "size-1 axis", in(rand(5, 3, 1, 2)), v -> ViewOps.squeeze(v[0], 1),
                in -> References.build(Shape.of(3, 2), i -> in[0].get(i[0], 0, i[1]))));
        index(s, x);
        return s;
    }

    private static void index(List<Sample> s, Tensor x) {
        Tensor y = rand(11, 2, 1, 4);
        Tensor z = rand(12, 2, 2, 4);
        Tensor none = rand(13, 2, 0, 4);
        s.add(new Sample(Op.CONCAT, "three parts, one empty, axis 1", in(x, y, none, z),
                v -> IndexOps.concat(1, v[0], v[1], v[2], v[3]), in -> LinalgReferences.concat(1, in)));
        s.add(new Sample(Op.CONCAT, "axis -1", in(rand(14, 3, 2), rand(15, 3, 5)), v -> IndexOps.concat(-1, v[0], v[1]),
                in -> LinalgReferences.concat(1, in)));
        s.add(new Sample(Op.SPLIT, "use one piece", in(x), v -> IndexOps.split(v[0], 1, 1, 2)[1],
                in -> in[0].slice(1, 1, 3).copy()));
        s.add(new Sample(Op.SPLIT, "use every piece", in(x), v -> {
            Var[] p = IndexOps.split(v[0], -1, 2, 0, 2);
            return PointwiseOps.mul(p[0], PointwiseOps.sub(p[2], p[1].sum()));
        }, in -> References.zip(in[0].slice(2, 0, 2).copy(), in[0].slice(2, 2, 4).copy(), (a, b) -> a * b)));
        int[] pick = {2, 0, 2, 1, 2};
        s.add(new Sample(Op.INDEX_SELECT, "repeated indices axis 1", in(x), v -> IndexOps.indexSelect(v[0], 1, pick),
                in -> LinalgReferences.indexSelect(in[0], 1, pick)));
        s.add(new Sample(Op.INDEX_SELECT, "empty index", in(x), v -> IndexOps.indexSelect(v[0], 0, new int[0]),
                in -> LinalgReferences.indexSelect(in[0], 0, new int[0])));
        Shape gs = Shape.of(2, 5, 4);
        int[] gi = Inputs.indices(21, gs.size(), 3);
        s.add(new Sample(Op.GATHER, "axis 1, repeats", in(x), v -> IndexOps.gather(v[0], 1, gi, gs),
                in -> LinalgReferences.gather(in[0], 1, gi, gs)));
        Shape ss = Shape.of(2, 3, 2);
        int[] si = Inputs.indices(22, ss.size(), 4);
        s.add(new Sample(Op.SCATTER_ADD, "axis -1, repeats", in(x, rand(23, 2, 3, 2)),
                v -> IndexOps.scatterAdd(v[0], -1, si, ss, v[1]),
                in -> LinalgReferences.scatterAdd(in[0], 2, si, ss, in[1])));
        // a source larger than the index: only its leading [2, 3, 2] part is scattered (gradient 0 elsewhere)
        s.add(new Sample(Op.SCATTER_ADD, "source larger than the index", in(x, rand(24, 2, 4, 3)),
                v -> IndexOps.scatterAdd(v[0], -1, si, ss, v[1]),
                in -> LinalgReferences.scatterAdd(in[0], 2, si, ss, in[1])));
    }

    static List<ErrorCase> errors() {
        Var x = Var.parameter(Tensor.zeros(2, 3));
        List<ErrorCase> e = new ArrayList<>();
        e.add(new ErrorCase(Op.RESHAPE, "wrong size", () -> ViewOps.reshape(x, 4, 2), "reshape"));
        e.add(new ErrorCase(Op.PERMUTE, "repeated axis", () -> ViewOps.permute(x, 0, 0), "permute"));
        e.add(new ErrorCase(Op.TRANSPOSE, "axis out of range", () -> ViewOps.transpose(x, 0, 2), "transpose"));
        e.add(new ErrorCase(Op.SLICE, "zero step", () -> ViewOps.slice(x, 1, 0, 3, 0), "slice: step must be positive"));
        e.add(new ErrorCase(Op.SELECT, "index out of range", () -> ViewOps.select(x, 0, 2), "select"));
        e.add(new ErrorCase(Op.EXPAND, "non-1 axis", () -> ViewOps.expand(x, 4, 3), "expand"));
        e.add(new ErrorCase(Op.UNSQUEEZE, "axis out of range", () -> ViewOps.unsqueeze(x, 4), "unsqueeze"));
        e.add(new ErrorCase(Op.SQUEEZE, "axis not 1", () -> ViewOps.squeeze(x, 0), "squeeze"));
        Var y = Var.parameter(Tensor.zeros(2, 4));
        e.add(new ErrorCase(Op.CONCAT, "other axes differ", () -> IndexOps.concat(0, x, y), "concat"));
        Var quarter = Var.constant(Tensor.ones(1).expand(1 << 30));   // four add up to 2^32: an int sum wrapped to 5
        e.add(new ErrorCase(Op.CONCAT, "sizes past one array", () -> IndexOps.concat(0, quarter, quarter, quarter,
                quarter, Var.constant(Tensor.ones(5))), "concat: shape [4294967301] is too large"));
        e.add(new ErrorCase(Op.SPLIT, "sizes do not sum", () -> IndexOps.split(x, 1, 1, 1), "split"));
        e.add(new ErrorCase(Op.INDEX_SELECT, "index out of range", () -> IndexOps.indexSelect(x, 1, new int[] {3}),
                "indexSelect"));
        e.add(new ErrorCase(Op.GATHER, "index length vs shape", () -> IndexOps.gather(x, 1, new int[] {0}, Shape.of(2, 2)),
                "gather"));
        e.add(new ErrorCase(Op.SCATTER_ADD, "index out of range",
                () -> IndexOps.scatterAdd(x, 1, new int[] {0, 3}, Shape.of(2, 1), y), "scatterAdd"));
        return e;
    }

    private static Tensor[] in(Tensor... t) {
        return t;
    }
}
