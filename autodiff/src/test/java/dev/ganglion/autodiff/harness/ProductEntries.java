package dev.ganglion.autodiff.harness;

import static dev.ganglion.autodiff.harness.Inputs.rand;

import dev.ganglion.autodiff.CustomFunction;
import dev.ganglion.autodiff.LinalgOps;
import dev.ganglion.autodiff.LossOps;
import dev.ganglion.autodiff.Op;
import dev.ganglion.autodiff.PointwiseOps;
import dev.ganglion.autodiff.Var;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.ops.Elementwise;
import dev.ganglion.engine.sparse.BlockDiagonal;
import dev.ganglion.engine.sparse.Bsr;
import dev.ganglion.engine.sparse.Csr;
import dev.ganglion.engine.sparse.SparseMatrix;
import java.util.ArrayList;
import java.util.List;

/** Harness entries of the dense and sparse products, the fused loss and custom functions. */
final class ProductEntries {
    private ProductEntries() {}

    /** (a, b) shapes: plain, batched with broadcast, both batched, vector cases, K = 0. */
    private static final int[][][] MATMUL_SHAPES = {
        {{3, 4}, {4, 5}}, {{2, 3, 4}, {4, 5}}, {{2, 1, 3, 4}, {3, 4, 2}}, {{4}, {4, 3}}, {{3, 4}, {4}}, {{4}, {4}},
        {{3, 0}, {0, 2}}, {{1, 1}, {1, 1}}};

    static List<Sample> samples() {
        List<Sample> s = new ArrayList<>();
        long seed = 300;
        for (int[][] d : MATMUL_SHAPES) {
            s.add(new Sample(Op.MATMUL, "", in(rand(seed++, d[0]), rand(seed++, d[1])), v -> LinalgOps.matmul(v[0], v[1]),
                    in -> LinalgReferences.matmul(in[0], in[1]), 1e-5));
        }
        s.add(new Sample(Op.LINEAR, "with bias, 3-D input", in(rand(1, 2, 3, 4), rand(2, 5, 4), rand(3, 5)),
                v -> LinalgOps.linear(v[0], v[1], v[2]), in -> LinalgReferences.linear(in[0], in[1], in[2])));
        s.add(new Sample(Op.LINEAR, "no bias, vector input", in(rand(4, 4), rand(5, 3, 4)),
                v -> LinalgOps.linear(v[0], v[1], null), in -> LinalgReferences.linear(in[0], in[1], null)));
        s.add(new Sample(Op.LINEAR, "empty batch", in(rand(6, 0, 4), rand(7, 3, 4), rand(8, 3)),
                v -> LinalgOps.linear(v[0], v[1], v[2]), in -> LinalgReferences.linear(in[0], in[1], in[2])));
        s.add(new Sample(Op.LINEAR_RELU, "with bias, 3-D input", in(rand(31, 2, 3, 4), rand(32, 5, 4), rand(33, 5)),
                v -> LinalgOps.linearRelu(v[0], v[1], v[2]), in -> relu(LinalgReferences.linear(in[0], in[1], in[2]))));
        s.add(new Sample(Op.LINEAR_RELU, "no bias, vector input", in(rand(34, 4), rand(35, 3, 4)),
                v -> LinalgOps.linearRelu(v[0], v[1], null), in -> relu(LinalgReferences.linear(in[0], in[1], null))));
        s.add(new Sample(Op.LINEAR_RELU, "with bias, vector input", in(rand(36, 4), rand(37, 3, 4), rand(38, 3)),
                v -> LinalgOps.linearRelu(v[0], v[1], v[2]), in -> relu(LinalgReferences.linear(in[0], in[1], in[2]))));
        sparse(s, Op.BLOCK_DIAGONAL, BlockDiagonal.fromDense(rand(9, 6, 8), 2));
        sparse(s, Op.BSR, Bsr.random(6, 8, 2, 2, 0.5, 10));
        sparse(s, Op.CSR, Csr.random(5, 7, 0.4, 11));
        int[] targets = {2, 0, 4, 4};
        s.add(new Sample(Op.CROSS_ENTROPY, "4 rows", in(rand(12, 4, 5)), v -> LossOps.crossEntropyWithLogits(v[0], targets),
                in -> LinalgReferences.crossEntropy(in[0], targets)));
        s.add(new Sample(Op.CROSS_ENTROPY, "one class", in(rand(13, 2, 1)),
                v -> LossOps.crossEntropyWithLogits(v[0], new int[] {0, 0}), in -> Tensor.wrap(new double[] {0}, Shape.scalar())));
        custom(s);
        return s;
    }

    private static Tensor relu(Tensor y) {
        return References.map(y, v -> Math.max(v, 0));
    }

    private static void sparse(List<Sample> s, Op op, SparseMatrix pattern) {
        Tensor values = rand(op.ordinal(), pattern.values().shape().dims());
        for (int[] batch : new int[][] {{3}, {2, 2}, {0}}) {
            int[] dims = java.util.Arrays.copyOf(batch, batch.length + 1);
            dims[batch.length] = pattern.cols();
            s.add(new Sample(op, "batch " + java.util.Arrays.toString(batch), in(rand(op.ordinal() + 50L, dims), values),
                    v -> LinalgOps.sparseLinear(v[0], pattern, v[1]),
                    in -> LinalgReferences.linear(in[0], dense(pattern, in[1]), null)));
        }
    }

    /** The dense {@code [rows, cols]} matrix of a pattern over {@code values}, built entry by entry. */
    static Tensor dense(SparseMatrix pattern, Tensor values) {
        Tensor d = Tensor.zeros(Shape.of(pattern.rows(), pattern.cols()), values.dtype());
        double[] v = values.toDoubleArray();
        pattern.forEachEntry((r, c, p) -> d.set(v[p], r, c));
        return d;
    }

    /** {@code y = x³} as one custom op, and a two-output {@code (a·b, a + b)} combined by the sample. */
    static final CustomFunction CUBE = CustomFunction.of("cube",
            (ctx, in) -> {
                ctx.save(in[0]);
                return Elementwise.pow(in[0], 3);
            },
            (ctx, g) -> new Tensor[] {Elementwise.mul(g, Elementwise.scale(Elementwise.square(ctx.saved(0)), 3))});

    static final CustomFunction PRODUCT_AND_SUM = new CustomFunction() {
        @Override
        public Tensor[] forward(dev.ganglion.autodiff.CustomContext ctx, Tensor... in) {
            ctx.save(in[0], in[1]);
            return new Tensor[] {Elementwise.mul(in[0], in[1]), Elementwise.add(in[0], in[1])};
        }

        @Override
        public Tensor[] backward(dev.ganglion.autodiff.CustomContext ctx, Tensor... g) {
            Tensor a = ctx.saved(0);
            Tensor b = ctx.saved(1);
            return new Tensor[] {Elementwise.add(Elementwise.mul(g[0], b), g[1]), Elementwise.add(Elementwise.mul(g[0], a), g[1])};
        }

        @Override
        public Var[] backwardGraph(dev.ganglion.autodiff.CustomContext ctx, Var[] in, Var[] g) {
            return new Var[] {g[0].mul(in[1]).add(g[1]), g[0].mul(in[0]).add(g[1])};
        }
    };

    private static void custom(List<Sample> s) {
        s.add(new Sample(Op.CUSTOM, "cube", in(rand(14, 3, 4)), v -> CUBE.apply(v[0]),
                in -> References.map(in[0], x -> x * x * x)));
        s.add(new Sample(Op.CUSTOM, "two outputs, broadcast", in(rand(15, 3, 4), rand(16, 4)), v -> {
            Var[] o = PRODUCT_AND_SUM.applyAll(v[0], v[1]);
            return PointwiseOps.sub(o[0], PointwiseOps.scale(o[1], 0.5));
        }, in -> References.zip(in[0], in[1], (a, b) -> a * b - 0.5 * (a + b))));
        s.add(new Sample(Op.CUSTOM, "unused output", in(rand(17, 2, 3), rand(18, 2, 3)), v -> PRODUCT_AND_SUM.applyAll(v[0], v[1])[1],
                in -> References.zip(in[0], in[1], Double::sum)));
    }

    static List<ErrorCase> errors() {
        List<ErrorCase> e = new ArrayList<>();
        Var a = Var.parameter(Tensor.zeros(3, 4));
        Var b = Var.parameter(Tensor.zeros(5, 2));
        e.add(new ErrorCase(Op.MATMUL, "inner sizes differ", () -> LinalgOps.matmul(a, b), "matmul"));
        e.add(new ErrorCase(Op.LINEAR, "in features differ", () -> LinalgOps.linear(a, b, null), "linear"));
        e.add(new ErrorCase(Op.LINEAR, "bias size", () -> LinalgOps.linear(a, Var.parameter(Tensor.zeros(2, 4)),
                Var.parameter(Tensor.zeros(3))), "linear"));
        e.add(new ErrorCase(Op.LINEAR_RELU, "in features differ", () -> LinalgOps.linearRelu(a, b, null), "linear"));
        SparseMatrix bd = BlockDiagonal.fromDense(Tensor.zeros(6, 8), 2);
        SparseMatrix bsr = Bsr.random(6, 8, 2, 2, 0.5, 1);
        SparseMatrix csr = Csr.random(5, 7, 0.4, 1);
        // each names the call made, then the engine call that found the problem
        e.add(new ErrorCase(Op.BLOCK_DIAGONAL, "x features", () -> LinalgOps.sparseLinear(a, bd, Var.parameter(bd.values())),
                "sparseLinear: SparseOps.linear: "));
        e.add(new ErrorCase(Op.BSR, "values shape", () -> LinalgOps.sparseLinear(Var.parameter(Tensor.zeros(2, 8)), bsr,
                Var.parameter(Tensor.zeros(3))), "sparseLinear: Bsr"));
        e.add(new ErrorCase(Op.CSR, "x features", () -> LinalgOps.sparseLinear(a, csr, Var.parameter(csr.values())),
                "sparseLinear: SparseOps.linear: "));
        e.add(new ErrorCase(Op.CSR, "no pattern", () -> LinalgOps.sparseLinear(a, null, Var.parameter(csr.values())),
                "sparseLinear: pattern is null"));
        e.add(new ErrorCase(Op.CROSS_ENTROPY, "target out of range",
                () -> LossOps.crossEntropyWithLogits(a, new int[] {0, 4, 1}), "crossEntropyWithLogits"));
        e.add(new ErrorCase(Op.CROSS_ENTROPY, "1-D logits",
                () -> LossOps.crossEntropyWithLogits(Var.parameter(Tensor.zeros(4)), new int[] {0}), "crossEntropyWithLogits"));
        e.add(new ErrorCase(Op.CUSTOM, "backward arity", () -> {
            CustomFunction bad = CustomFunction.of("bad", (ctx, in) -> in[0], (ctx, g) -> new Tensor[0]);
            bad.apply(a).sum().backward();
        }, "bad"));
        return e;
    }

    private static Tensor[] in(Tensor... t) {
        return t;
    }
}
