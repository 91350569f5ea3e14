package dev.ganglion.models.circuitnet;

import dev.ganglion.autodiff.CustomContext;
import dev.ganglion.autodiff.CustomFunction;
import dev.ganglion.autodiff.Var;
import dev.ganglion.engine.DType;
import dev.ganglion.engine.Parallel;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.kernel.RankOneAttentionKernel;

/**
 * CircuitNet's neuron-wise attention as one fused op over rows r (sample × CMU):
 * {@code o_i = Σ_j p_ij u_j}, {@code p_i· = softmax_j(a_i·b_j)}, with {@code a = q⊙x/√N},
 * {@code b = k⊙x}, {@code u = v⊙x} (those products stay ordinary autodiff ops).
 *
 * <p>Why fused: the scores are rank one per row ({@code s_ij = a_i·b_j}), so one node with a
 * closed-form backward replaces the plain graph's broadcast product, scale, softmax and batched
 * matrix-vector nodes and their intermediate {@code [B, C, N, N]} gradients. The arithmetic is the
 * engine's {@link RankOneAttentionKernel} (SIMD for float32, the double reference for float64),
 * which keeps the probabilities {@code p [rows, N, N]} and the output o for backward, so backward
 * needs no exponential and no second product. Rows in parallel.
 *
 * <p>The backward, {@code ∂u_j = Σ_i p_ij g_i}, {@code ∂s_ij = p_ij g_i (u_j − o_i)},
 * {@code ∂a_i = Σ_j ∂s_ij b_j}, {@code ∂b_j = Σ_i ∂s_ij a_i}, is also recorded as plain ops
 * ({@link #backwardGraph}), p and o formed again from the inputs, for gradients of gradients.
 */
final class CircuitAttention implements CustomFunction {
    static final CircuitAttention INSTANCE = new CircuitAttention();
    private static final RankOneAttentionKernel KERNEL = RankOneAttentionKernel.active();
    /** Rows per parallel chunk: one row costs about 4·N² multiply-adds. */
    private static final int GRAIN = 16;

    private CircuitAttention() {}

    /** {@code o} for {@code a, b, u} of one shape {@code [..., N]}. */
    static Var apply(Var a, Var b, Var u) {
        return INSTANCE.applyAll(a, b, u)[0];
    }

    @Override
    public String name() {
        return "circuitAttention";
    }

    @Override
    public Tensor[] forward(CustomContext ctx, Tensor... in) {
        Shape shape = in[0].shape();
        int n = shape.dim(shape.rank() - 1);
        int rows = shape.size() / Math.max(n, 1);
        Tensor o;
        Object p;
        if (in[0].dtype() == DType.F64) {
            double[] a = in[0].toDoubleArray();
            double[] b = in[1].toDoubleArray();
            double[] u = in[2].toDoubleArray();
            double[] pd = new double[rows * n * n];
            double[] od = new double[a.length];
            Parallel.forRange(rows, GRAIN, (from, to) -> KERNEL.forward(from, to, n, a, b, u, pd, od));
            p = pd;
            o = Tensor.wrap(od, shape);
        } else {
            float[] a = in[0].toFloatArray();
            float[] b = in[1].toFloatArray();
            float[] u = in[2].toFloatArray();
            float[] pf = new float[rows * n * n];
            float[] of = new float[a.length];
            Parallel.forRange(rows, GRAIN, (from, to) -> KERNEL.forward(from, to, n, a, b, u, pf, of));
            p = pf;
            o = Tensor.wrap(of, shape);
        }
        ctx.save(in[0], in[1], in[2], o);
        ctx.setState(p);
        return new Tensor[] {o};
    }

    @Override
    public Tensor[] backward(CustomContext ctx, Tensor... grads) {
        Tensor ta = ctx.saved(0);
        Shape shape = ta.shape();
        int n = shape.dim(shape.rank() - 1);
        int rows = shape.size() / Math.max(n, 1);
        if (ta.dtype() == DType.F64) {
            double[] a = ta.toDoubleArray();
            double[] b = ctx.saved(1).toDoubleArray();
            double[] u = ctx.saved(2).toDoubleArray();
            double[] o = ctx.saved(3).toDoubleArray();
            double[] p = (double[]) ctx.state();
            double[] g = grads[0].toDoubleArray();
            double[] da = new double[a.length];
            double[] db = new double[a.length];
            double[] du = new double[a.length];
            Parallel.forRange(rows, GRAIN, (from, to) -> KERNEL.backward(from, to, n, a, b, u, p, o, g, da, db, du));
            return new Tensor[] {Tensor.wrap(da, shape), Tensor.wrap(db, shape), Tensor.wrap(du, shape)};
        }
        float[] a = ta.toFloatArray();
        float[] b = ctx.saved(1).toFloatArray();
        float[] u = ctx.saved(2).toFloatArray();
        float[] o = ctx.saved(3).toFloatArray();
        float[] p = (float[]) ctx.state();
        float[] g = grads[0].toFloatArray();
        float[] da = new float[a.length];
        float[] db = new float[a.length];
        float[] du = new float[a.length];
        Parallel.forRange(rows, GRAIN, (from, to) -> KERNEL.backward(from, to, n, a, b, u, p, o, g, da, db, du));
        return new Tensor[] {Tensor.wrap(da, shape), Tensor.wrap(db, shape), Tensor.wrap(du, shape)};
    }

    @Override
    public Var[] backwardGraph(CustomContext ctx, Var[] in, Var[] grads) {
        int last = in[0].rank(); // the j axis of [..., N(i), N(j)]; i is last − 1
        Var a = in[0].unsqueeze(last);
        Var b = in[1].unsqueeze(last - 1);
        Var u = in[2].unsqueeze(last - 1);
        Var p = a.mul(b).softmax(last);
        Var o = p.mul(u).sum(true, last);
        Var pg = p.mul(grads[0].unsqueeze(last));
        Var ds = pg.mul(u.sub(o));
        return new Var[] {ds.mul(b).sum(false, last), ds.mul(a).sum(false, last - 1), pg.sum(false, last - 1)};
    }
}
