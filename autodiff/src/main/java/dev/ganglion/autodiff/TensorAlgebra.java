package dev.ganglion.autodiff;

import dev.ganglion.engine.DType;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.kernel.BinaryOp;
import dev.ganglion.engine.ops.Elementwise;
import dev.ganglion.engine.ops.Indexing;
import dev.ganglion.engine.ops.Linalg;
import dev.ganglion.engine.ops.Reductions;

/**
 * The rules over plain tensors: an ordinary backward, which records nothing. Each method is the
 * engine's op (the fused gradient kernels included), so a rule costs what it did written on tensors.
 */
final class TensorAlgebra implements GradAlgebra<Tensor> {
    static final TensorAlgebra INSTANCE = new TensorAlgebra();

    private TensorAlgebra() {}

    @Override
    public Tensor[] array(int n) {
        return new Tensor[n];
    }

    @Override
    public Tensor value(Tensor x) {
        return x;
    }

    @Override
    public Tensor constant(Tensor t) {
        return t;
    }

    @Override
    public Tensor saved(Node n, int i) {
        return n.saved(i);
    }

    @Override
    public Tensor neg(Tensor x) {
        return Elementwise.neg(x);
    }

    @Override
    public Tensor exp(Tensor x) {
        return Elementwise.exp(x);
    }

    @Override
    public Tensor log(Tensor x) {
        return Elementwise.log(x);
    }

    @Override
    public Tensor sin(Tensor x) {
        return Elementwise.sin(x);
    }

    @Override
    public Tensor cos(Tensor x) {
        return Elementwise.cos(x);
    }

    @Override
    public Tensor sigmoid(Tensor x) {
        return Elementwise.sigmoid(x);
    }

    @Override
    public Tensor square(Tensor x) {
        return Elementwise.square(x);
    }

    @Override
    public Tensor scale(Tensor x, double s) {
        return Elementwise.scale(x, s);
    }

    @Override
    public Tensor addScalar(Tensor x, double s) {
        return Elementwise.addScalar(x, s);
    }

    @Override
    public Tensor pow(Tensor x, double p) {
        return Elementwise.pow(x, p);
    }

    @Override
    public Tensor add(Tensor a, Tensor b) {
        return Elementwise.add(a, b);
    }

    @Override
    public Tensor sub(Tensor a, Tensor b) {
        return Elementwise.sub(a, b);
    }

    @Override
    public Tensor mul(Tensor a, Tensor b) {
        return Elementwise.mul(a, b);
    }

    @Override
    public Tensor div(Tensor a, Tensor b) {
        return Elementwise.div(a, b);
    }

    @Override
    public Tensor pow(Tensor a, Tensor b) {
        return Elementwise.pow(a, b);
    }

    @Override
    public Tensor where(Tensor cond, Tensor a, Tensor b) {
        return Elementwise.where(cond, a, b);
    }

    @Override
    public Tensor to(Tensor x, DType dtype) {
        return x.to(dtype);
    }

    @Override
    public Tensor reluGrad(Tensor g, Tensor y) {
        return Elementwise.apply(BinaryOp.RELU_GRAD, g, y);
    }

    @Override
    public Tensor geluGrad(Tensor g, Tensor x) {
        return Elementwise.apply(BinaryOp.GELU_GRAD, g, x);
    }

    @Override
    public Tensor geluTanhGrad(Tensor g, Tensor x) {
        return Elementwise.apply(BinaryOp.GELU_TANH_GRAD, g, x);
    }

    @Override
    public Tensor sum(Tensor x, boolean keepDims, int... axes) {
        return Reductions.sum(x, keepDims, axes);
    }

    @Override
    public Tensor reshape(Tensor x, int... dims) {
        return x.reshape(dims);
    }

    @Override
    public Tensor permute(Tensor x, int... order) {
        return x.permute(order);
    }

    @Override
    public Tensor transpose(Tensor x, int a, int b) {
        return x.transpose(a, b);
    }

    @Override
    public Tensor unsqueeze(Tensor x, int axis) {
        return x.unsqueeze(axis);
    }

    @Override
    public Tensor squeeze(Tensor x, int axis) {
        return x.squeeze(axis);
    }

    @Override
    public Tensor expand(Tensor x, int... dims) {
        return x.expand(dims);
    }

    @Override
    public Tensor slice(Tensor x, int axis, int start, int end) {
        return x.slice(axis, start, end);
    }

    @Override
    public Tensor mT(Tensor x) {
        return x.mT();
    }

    @Override
    public Tensor matmul(Tensor a, Tensor b) {
        return Linalg.matmul(a, b);
    }

    @Override
    public Tensor matmulForLeaf(Tensor a, Tensor b, Var leaf, boolean intoLeaves) {
        // straight into a kept .grad buffer (a GEMM with β = 1, or β = 0 over a buffer that stands
        // for zeros) instead of a fresh tensor that the walk then adds
        CustomContext.LeafGrad kept = intoLeaves ? leaf.claimGradBuffer() : null;
        if (kept == null) {
            return Linalg.matmul(a, b);
        }
        Linalg.matmulInto(a, b, kept.buffer(), kept.accumulate());
        return null;
    }

    @Override
    public Tensor matmulForInput(Tensor a, Tensor b) {
        if (a.rank() != 2 || b.rank() != 2 || a.dim(1) != b.dim(0) || a.dtype() != b.dtype()) {
            return Linalg.matmul(a, b); // its checks and errors, and the batched forms
        }
        Tensor c = GradientLoans.inputGradBuffer(Shape.of(a.dim(0), b.dim(1)), a.dtype());
        Linalg.matmulInto(a, b, c, false);
        return c;
    }

    @Override
    public Tensor concat(int axis, Tensor[] parts) {
        return Indexing.concat(axis, parts);
    }

    @Override
    public Tensor unslice(Tensor g, Shape shape, int axis, int start, int step) {
        Tensor z = g.newZeros(shape);
        int count = g.dim(axis);
        if (count > 0) {
            z.slice(axis, start, start + (count - 1) * step + 1, step).copyFrom(g);
        }
        return z;
    }

    @Override
    public Tensor indexAdd(Tensor src, Shape shape, int axis, int[] index) {
        return Indexing.indexAddInto(src.newZeros(shape), axis, index, src);
    }

    @Override
    public Tensor scatterAdd(Tensor target, int axis, int[] index, Shape indexShape, Tensor src) {
        return Indexing.scatterAdd(target, axis, index, indexShape, src);
    }

    @Override
    public Tensor gather(Tensor x, int axis, int[] index, Shape indexShape) {
        return Indexing.gather(x, axis, index, indexShape);
    }

    @Override
    public Tensor[] fused(Node n, Tensor[] gs, boolean intoLeaves) {
        return switch (n.op) {
            case LINEAR_RELU -> LinalgGrads.linearRelu(n, gs[0], intoLeaves);
            case BLOCK_DIAGONAL, BSR, CSR -> LinalgGrads.sparse(n, gs[0], intoLeaves);
            case CROSS_ENTROPY -> new Tensor[] {CrossEntropy.backward(n, gs[0])};
            case LAYER_NORM -> ReductionOps.layerNormBackward(n, gs[0]);
            case CUSTOM -> CustomContext.backward(n, gs, intoLeaves);
            default -> throw new IllegalArgumentException("autodiff: " + n.op + " is not a fused op");
        };
    }
}
