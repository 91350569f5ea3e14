package dev.ganglion.models.recurrent;

import dev.ganglion.engine.kernel.GemmKernel;

/**
 * A {@link Variant} layer over a whole sequence on float arrays, time-major ({@code [T, B, ·]},
 * contiguous): per step one GEMM {@code h_{t−1} W_hhᵀ} and the fused pointwise cell
 * ({@link CellMathF32}); backward walks the steps in reverse with one GEMM per step for
 * {@code ∂h_{t−1} = ∂pre_t W_hh} and computes {@code ∂W_hh = Σ_t ∂pre_tᵀ h_{t−1}} as two large GEMMs
 * at the end (one for the initial state, one for the rest). The {@link LayerF64} twin is the same code on double arrays.
 */
final class LayerF32 {
    private LayerF32() {}

    /**
     * Forward. {@code gx [T, B, G·H]} is {@code x W_ihᵀ + b_ih}; writes {@code gates [T, B, G·H]}
     * (activated), {@code c} and {@code h} {@code [T, B, H]}.
     */
    static void forward(Variant v, int steps, int rows, int hid, float[] gx, float[] bias, float[] h0, float[] c0,
                        float[] whh, float[] f, float[] gates, float[] c, float[] h) {
        int w = v.gates() * hid;
        int sb = rows * hid;
        for (int t = 0; t < steps; t++) {
            float[] hp = t == 0 ? h0 : h;
            int hpOff = t == 0 ? 0 : (t - 1) * sb;
            float[] cp = t == 0 ? c0 : c;
            GemmKernel.active().gemm(false, true, rows, w, hid, 1f, hp, hpOff, hid, whh, 0, hid, 0f, gates, t * rows * w, w);
            CellMathF32.forward(v, rows, hid, gx, t * rows * w, bias, gates, t * rows * w, cp, hpOff, f, c, t * sb, h, t * sb);
        }
    }

    /**
     * Backward from {@code dhAll [T, B, H]} (gradient of every {@code h_t}) and {@code dcLast [B, H]}
     * (of the final {@code c_T}). Writes {@code dPre [T, B, G·H]} (the gradient of {@code gx} and, summed,
     * of {@code b_hh}), {@code dh0}, {@code dc0 [B, H]}, {@code dWhh [G·H, H]}; adds to {@code dPhi}.
     */
    static void backward(Variant v, int steps, int rows, int hid, float[] gates, float[] c, float[] h, float[] h0,
                         float[] c0, float[] whh, float[] f, float[] dhAll, float[] dcLast,
                         float[] dPre, float[] dh0, float[] dc0, float[] dWhh, double[] dPhi) {
        int w = v.gates() * hid;
        int sb = rows * hid;
        float[] dh = new float[sb];
        float[] dhRec = new float[sb];
        float[] scratch = new float[sb]; // σ(c) or tanh(c) of one step, by the unary kernel
        System.arraycopy(dcLast, 0, dc0, 0, sb); // dc0 carries ∂c_t backwards through the loop
        for (int t = steps - 1; t >= 0; t--) {
            for (int i = 0; i < sb; i++) {
                dh[i] = (float) (dhAll[t * sb + i] + dhRec[i]);
            }
            float[] cp = t == 0 ? c0 : c;
            int cpOff = t == 0 ? 0 : (t - 1) * sb;
            CellMathF32.backward(v, rows, hid, gates, t * rows * w, cp, cpOff, c, t * sb, dh, dc0, f, dPhi, dPre, t * rows * w, scratch);
            GemmKernel.active().gemm(false, false, rows, hid, w, 1f, dPre, t * rows * w, w, whh, 0, hid, 0f, dhRec, 0, hid);
        }
        System.arraycopy(dhRec, 0, dh0, 0, sb);
        // NOTE: ∂W_hh = Σ_t ∂pre_tᵀ h_{t−1}; h_{t−1} is h0 for t = 0 and h[t−1] after, so two products.
        GemmKernel.active().gemm(true, false, w, hid, rows, 1f, dPre, 0, w, h0, 0, hid, 0f, dWhh, 0, hid);
        if (steps > 1) {
            GemmKernel.active().gemm(true, false, w, hid, (steps - 1) * rows, 1f, dPre, rows * w, w, h, 0, hid, 1f, dWhh, 0, hid);
        }
    }
}
