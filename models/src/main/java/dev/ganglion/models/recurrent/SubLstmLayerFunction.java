package dev.ganglion.models.recurrent;

import dev.ganglion.autodiff.CustomContext;
import dev.ganglion.autodiff.CustomFunction;
import dev.ganglion.autodiff.Var;
import dev.ganglion.engine.DType;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;

/**
 * One recurrent layer of a {@link Variant} cell over {@code T ≥ 1} steps as a single fused op with a
 * hand-written backward (BPTT inside): inputs {@code gx [T, B, G·H]} ({@code x W_ihᵀ + b_ih},
 * time-major), {@code h0, c0 [B, H]}, {@code W_hh [G·H, H]}, {@code b_hh [G·H]} and, for fix-subLSTM,
 * {@code φ [H]}; outputs {@code h [T, B, H]} (every step) and {@code c_T [B, H]}.
 *
 * <p>Per step the forward is one GEMM and one pointwise pass (gates → c, h); the backward one
 * pointwise pass and one GEMM, then {@code ∂W_hh} in two large GEMMs. With {@code T = 1} this is the
 * fused cell step. F32 and F64 inputs are supported (all of one dtype). The backward is also
 * recorded as plain ops ({@link SubLstmLayerGraph}) for gradients of gradients.
 */
public final class SubLstmLayerFunction implements CustomFunction {
    private final Variant variant;

    /** The layer op of {@code variant}. */
    public SubLstmLayerFunction(Variant variant) {
        this.variant = variant;
    }

    @Override
    public String name() {
        return "SubLstmLayer(" + variant.configName() + ")";
    }

    /** Applies the op: {@code {h [T, B, H], c_T [B, H]}}; {@code phiOrNull} only for fix-subLSTM. */
    public Var[] apply(Var gx, Var h0, Var c0, Var whh, Var bhh, Var phiOrNull) {
        if (variant.fixedForget() != (phiOrNull != null)) {
            throw new IllegalArgumentException(name() + ": φ must be given exactly for fix-subLSTM");
        }
        return phiOrNull == null ? applyAll(gx, h0, c0, whh, bhh) : applyAll(gx, h0, c0, whh, bhh, phiOrNull);
    }

    private record Saved(int steps, int rows, int hid, double[] f) {}

    @Override
    public Tensor[] forward(CustomContext ctx, Tensor... in) {
        checkShapes(in);
        int steps = in[0].dim(0);
        int rows = in[0].dim(1);
        int hid = in[1].dim(1);
        int w = variant.gates() * hid;
        DType dt = in[0].dtype();
        Tensor gx = flat(in[0]);
        Tensor h0 = flat(in[1]);
        Tensor c0 = flat(in[2]);
        Tensor whh = flat(in[3]);
        Tensor bhh = flat(in[4]);
        double[] f = variant.fixedForget() ? sigmoid(in[5]) : null;
        Tensor gates = Tensor.zeros(Shape.of(steps, rows, w), dt);
        Tensor c = Tensor.zeros(Shape.of(steps, rows, hid), dt);
        Tensor h = Tensor.zeros(Shape.of(steps, rows, hid), dt);
        if (dt == DType.F32) {
            LayerF32.forward(variant, steps, rows, hid, gx.floatArray(), bhh.floatArray(), h0.floatArray(),
                    c0.floatArray(), whh.floatArray(), toFloats(f), gates.floatArray(), c.floatArray(), h.floatArray());
        } else {
            LayerF64.forward(variant, steps, rows, hid, gx.doubleArray(), bhh.doubleArray(), h0.doubleArray(),
                    c0.doubleArray(), whh.doubleArray(), f, gates.doubleArray(), c.doubleArray(), h.doubleArray());
        }
        gates.markWritten();
        c.markWritten();
        h.markWritten();
        ctx.save(gates, c, h, h0, c0, whh);
        ctx.setState(new Saved(steps, rows, hid, f));
        Tensor cLast = c.select(0, steps - 1);
        return new Tensor[] {h, cLast};
    }

    @Override
    public Tensor[] backward(CustomContext ctx, Tensor... g) {
        Saved s = (Saved) ctx.state();
        Tensor gates = ctx.saved(0);
        Tensor c = ctx.saved(1);
        Tensor h = ctx.saved(2);
        Tensor h0 = ctx.saved(3);
        Tensor c0 = ctx.saved(4);
        Tensor whh = ctx.saved(5);
        DType dt = gates.dtype();
        int w = variant.gates() * s.hid();
        Tensor dPre = Tensor.zeros(gates.shape(), dt);
        Tensor dh0 = Tensor.zeros(h0.shape(), dt);
        Tensor dc0 = Tensor.zeros(c0.shape(), dt);
        Tensor dWhh = Tensor.zeros(whh.shape(), dt);
        double[] dPhi = new double[s.hid()];
        Tensor dhAll = flat(g[0]);
        Tensor dcLast = flat(g[1]);
        if (dt == DType.F32) {
            LayerF32.backward(variant, s.steps(), s.rows(), s.hid(), gates.floatArray(), c.floatArray(), h.floatArray(),
                    h0.floatArray(), c0.floatArray(), whh.floatArray(), toFloats(s.f()), dhAll.floatArray(),
                    dcLast.floatArray(),
                    dPre.floatArray(), dh0.floatArray(), dc0.floatArray(), dWhh.floatArray(), dPhi);
        } else {
            LayerF64.backward(variant, s.steps(), s.rows(), s.hid(), gates.doubleArray(), c.doubleArray(), h.doubleArray(),
                    h0.doubleArray(), c0.doubleArray(), whh.doubleArray(), s.f(), dhAll.doubleArray(), dcLast.doubleArray(),
                    dPre.doubleArray(), dh0.doubleArray(), dc0.doubleArray(), dWhh.doubleArray(), dPhi);
        }
        Tensor dBias = columnSums(dPre, s.steps() * s.rows(), w);
        Tensor[] out = new Tensor[variant.fixedForget() ? 6 : 5];
        out[0] = dPre.markWritten();
        out[1] = dh0.markWritten();
        out[2] = dc0.markWritten();
        out[3] = dWhh.markWritten();
        out[4] = dBias;
        if (variant.fixedForget()) {
            out[5] = toTensor(dPhi, dt); // Σ over steps and batch of ∂c'·c·σ'(φ), accumulated by the kernel
        }
        return out;
    }

    /** The backward as recorded ops: {@link SubLstmLayerGraph}. */
    @Override
    public Var[] backwardGraph(CustomContext ctx, Var[] in, Var[] g) {
        return SubLstmLayerGraph.backward(variant, in, g);
    }

    private void checkShapes(Tensor[] in) {
        int expected = variant.fixedForget() ? 6 : 5;
        if (in.length != expected) {
            throw new IllegalArgumentException(name() + ": expected " + expected + " inputs, got " + in.length);
        }
        Shape gx = in[0].shape();
        Shape h0 = in[1].shape();
        boolean ok = gx.rank() == 3 && gx.dim(0) >= 1 && h0.rank() == 2 && h0.dim(0) == gx.dim(1)
                && gx.dim(2) == variant.gates() * h0.dim(1) && in[2].shape().equals(h0)
                && in[3].shape().equals(Shape.of(gx.dim(2), h0.dim(1))) && in[4].shape().equals(Shape.of(gx.dim(2)))
                && (!variant.fixedForget() || in[5].shape().equals(Shape.of(h0.dim(1))));
        StringBuilder shapes = new StringBuilder();
        for (Tensor t : in) {
            shapes.append(' ').append(t.shape());
            ok &= t.dtype() == in[0].dtype();
        }
        if (!ok) {
            throw new IllegalArgumentException(name() + ": expected gx [T≥1, B, " + variant.gates()
                    + "·H], h0 [B, H], c0 [B, H], W_hh [" + variant.gates() + "·H, H], b_hh [" + variant.gates()
                    + "·H]" + (variant.fixedForget() ? ", φ [H]" : "") + " of one dtype; got" + shapes);
        }
    }

    /** A contiguous tensor whose storage starts at element 0 (copied when it does not). */
    static Tensor flat(Tensor t) {
        return t.isContiguous() && t.offset() == 0 ? t : t.copy();
    }

    private static float[] toFloats(double[] v) {
        if (v == null) {
            return null;
        }
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) v[i];
        }
        return out;
    }

    private static double[] sigmoid(Tensor phi) {
        double[] v = phi.toDoubleArray();
        for (int k = 0; k < v.length; k++) {
            v[k] = CellMathF64.sigmoid(phi.dtype() == DType.F32 ? (float) v[k] : v[k]);
            if (phi.dtype() == DType.F32) {
                v[k] = (float) v[k]; // NOTE: f rounded like a float32 σ(φ) so F32 runs match float32 references
            }
        }
        return v;
    }

    private static Tensor columnSums(Tensor m, int rows, int cols) {
        double[] acc = new double[cols];
        if (m.dtype() == DType.F32) {
            float[] v = m.floatArray();
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < cols; j++) {
                    acc[j] += v[r * cols + j];
                }
            }
        } else {
            double[] v = m.doubleArray();
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < cols; j++) {
                    acc[j] += v[r * cols + j];
                }
            }
        }
        return toTensor(acc, m.dtype());
    }

    private static Tensor toTensor(double[] v, DType dt) {
        Tensor t = Tensor.wrap(v, Shape.of(v.length));
        return dt == DType.F64 ? t : t.to(DType.F32);
    }
}
