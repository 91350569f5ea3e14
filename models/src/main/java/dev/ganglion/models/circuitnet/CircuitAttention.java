package dev.ganglion.models.circuitnet;

import dev.ganglion.autodiff.CustomContext;
import dev.ganglion.autodiff.CustomFunction;
import dev.ganglion.autodiff.Var;
import dev.ganglion.engine.DType;
import dev.ganglion.engine.Parallel;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.ops.Elementwise;

/**
 * CircuitNet's neuron-wise attention as one fused op over rows r (sample × CMU):
 * {@code o_i = Σ_j p_ij u_j}, {@code p_i· = softmax_j(a_i·b_j)}, with {@code a = q⊙x/√N},
 * {@code b = k⊙x}, {@code u = v⊙x} (those products stay ordinary autodiff ops).
 *
 * <p>Why fused: the scores are rank one per row ({@code s_ij = a_i·b_j}), so one node with a
 * closed-form backward replaces the plain graph's broadcast product, scale, softmax and batched
 * matrix-vector nodes and their intermediate {@code [B, C, N, N]} gradients. The probabilities
 * {@code p [rows, N, N]} take their exponentials from the engine's SIMD kernel and are kept for
 * backward with the output o, so backward needs no exponential and no second product:
 * {@code du_j = Σ_i p_ij g_i}, {@code ds_ij = p_ij·g_i·(u_j − o_i)}, {@code da_i = Σ_j ds_ij b_j},
 * {@code db_j = Σ_i ds_ij a_i}. Arithmetic in double, results in the inputs' dtype; rows in
 * parallel.
 */
final class CircuitAttention implements CustomFunction {
    static final CircuitAttention INSTANCE = new CircuitAttention();
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
        double[] a = in[0].toDoubleArray();
        double[] b = in[1].toDoubleArray();
        double[] u = in[2].toDoubleArray();
        double[] p = probabilities(a, b, rows, n, in[0].dtype());
        double[] o = new double[a.length];
        Parallel.forRange(rows, GRAIN, (from, to) -> {
            for (int r = from; r < to; r++) {
                for (int i = 0; i < n; i++) {
                    o[r * n + i] = dot(p, (r * n + i) * n, u, r * n, n);
                }
            }
        });
        ctx.save(in[0], in[1], in[2]);
        ctx.setState(new Kept(p, o));
        return new Tensor[] {Tensor.wrap(o, shape).to(in[0].dtype())};
    }

    /**
     * {@code p_ij = softmax_j(a_i·b_j)} per row, {@code [rows·N·N]}: shifted scores written in the
     * inputs' dtype, exponentials by the engine's SIMD kernel, normalisation here.
     * NOTE: the row maximum of a rank-one score is {@code a_i·max b} or {@code a_i·min b} by the sign of a_i.
     */
    private static double[] probabilities(double[] a, double[] b, int rows, int n, DType dtype) {
        int size = rows * n * n;
        float[] sf = dtype == DType.F32 ? new float[size] : null;
        double[] sd = sf == null ? new double[size] : null;
        Parallel.forRange(rows, GRAIN, (from, to) -> {
            for (int r = from; r < to; r++) {
                double hi = Double.NEGATIVE_INFINITY;
                double lo = Double.POSITIVE_INFINITY;
                for (int j = 0; j < n; j++) {
                    hi = Math.max(hi, b[r * n + j]);
                    lo = Math.min(lo, b[r * n + j]);
                }
                for (int i = 0; i < n; i++) {
                    double ai = a[r * n + i];
                    double max = ai >= 0 ? ai * hi : ai * lo;
                    int off = (r * n + i) * n;
                    for (int j = 0; j < n; j++) {
                        double v = ai * b[r * n + j] - max;
                        if (sf != null) {
                            sf[off + j] = (float) v;
                        } else {
                            sd[off + j] = v;
                        }
                    }
                }
            }
        });
        Tensor e = Elementwise.exp(sf != null ? Tensor.wrap(sf, Shape.of(size)) : Tensor.wrap(sd, Shape.of(size)));
        double[] p = new double[size];
        float[] ef = sf != null ? e.floatArray() : null;
        double[] ed = sf != null ? null : e.doubleArray();
        int eo = e.offset();
        Parallel.forRange(rows * n, GRAIN * n, (from, to) -> {
            for (int k = from * n; k < to * n; k += n) {
                for (int j = 0; j < n; j++) {
                    p[k + j] = ef != null ? ef[eo + k + j] : ed[eo + k + j];
                }
                double inv = 1 / sum(p, k, n);
                for (int j = 0; j < n; j++) {
                    p[k + j] *= inv;
                }
            }
        });
        return p;
    }

    /** What backward takes from forward: the probabilities {@code p [rows·N·N]} and the output {@code o}. */
    private record Kept(double[] p, double[] o) {}

    private static double dot(double[] p, int po, double[] u, int uo, int n) {
        double s = 0;
        for (int j = 0; j < n; j++) {
            s += p[po + j] * u[uo + j];
        }
        return s;
    }

    /** {@code Σ_j p[k+j]} for j < n. */
    private static double sum(double[] p, int k, int n) {
        double s = 0;
        for (int j = 0; j < n; j++) {
            s += p[k + j];
        }
        return s;
    }

    @Override
    public Tensor[] backward(CustomContext ctx, Tensor... grads) {
        Tensor ta = ctx.saved(0);
        Shape shape = ta.shape();
        int n = shape.dim(shape.rank() - 1);
        double[] a = ta.toDoubleArray();
        double[] b = ctx.saved(1).toDoubleArray();
        double[] u = ctx.saved(2).toDoubleArray();
        Kept kept = (Kept) ctx.state();
        double[] p = kept.p();
        double[] o = kept.o();
        double[] g = grads[0].toDoubleArray();
        double[] da = new double[a.length];
        double[] db = new double[a.length];
        double[] du = new double[a.length];
        Parallel.forRange(a.length / Math.max(n, 1), GRAIN, (from, to) -> {
            for (int r = from; r < to; r++) {
                int off = r * n;
                for (int i = 0; i < n; i++) {
                    int po = (off + i) * n;
                    double gi = g[off + i];
                    double oi = o[off + i];
                    double ai = a[off + i];
                    double dai = 0;
                    for (int j = 0; j < n; j++) {
                        double pg = p[po + j] * gi;
                        du[off + j] += pg;
                        double ds = pg * (u[off + j] - oi);
                        dai += ds * b[off + j];
                        db[off + j] += ds * ai;
                    }
                    da[off + i] = dai;
                }
            }
        });
        return new Tensor[] {Tensor.wrap(da, shape).to(ta.dtype()), Tensor.wrap(db, shape).to(ta.dtype()),
                Tensor.wrap(du, shape).to(ta.dtype())};
    }
}
