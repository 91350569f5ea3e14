package dev.ganglion.models.recurrent;


/**
 * A {@link Variant} layer over a whole sequence on double arrays, time-major ({@code [T, B, ·]},
 * contiguous): per step one GEMM {@code h_{t−1} W_hhᵀ} and the fused pointwise cell
 * ({@link CellMathF64}); backward walks the steps in reverse with one GEMM per step for
 * {@code ∂h_{t−1} = ∂pre_t W_hh} and computes {@code ∂W_hh = Σ_t ∂pre_tᵀ h_{t−1}} as two large GEMMs
 * at the end (one for the initial state, one for the rest). Generated twin of {@link LayerF32} on double arrays (GradCheck, float64 runs).
 */
final class LayerF64 {
    private LayerF64() {}

    /**
     * Forward. {@code gx [T, B, G·H]} is {@code x W_ihᵀ + b_ih}; writes {@code gates [T, B, G·H]}
     * (activated), {@code c} and {@code h} {@code [T, B, H]}.
     */
    static void forward(Variant v, int steps, int rows, int hid, double[] gx, double[] bias, double[] h0, double[] c0,
                        double[] whh, double[] f, double[] gates, double[] c, double[] h) {
        int w = v.gates() * hid;
        int sb = rows * hid;
        for (int t = 0; t < steps; t++) {
            double[] hp = t == 0 ? h0 : h;
            int hpOff = t == 0 ? 0 : (t - 1) * sb;
            double[] cp = t == 0 ? c0 : c;
            DoubleGemm.gemm(false, true, rows, w, hid, 1.0, hp, hpOff, hid, whh, 0, hid, 0.0, gates, t * rows * w, w);
            CellMathF64.forward(v, rows, hid, gx, t * rows * w, bias, gates, t * rows * w, cp, hpOff, f, c, t * sb, h, t * sb);
        }
    }

    /**
     * Backward from {@code dhAll [T, B, H]} (gradient of every {@code h_t}) and {@code dcLast [B, H]}
     * (of the final {@code c_T}). Writes {@code dPre [T, B, G·H]} (the gradient of {@code gx} and, summed,
     * of {@code b_hh}), {@code dh0}, {@code dc0 [B, H]}, {@code dWhh [G·H, H]}; adds to {@code dPhi}.
     */
    static void backward(Variant v, int steps, int rows, int hid, double[] gates, double[] c, double[] h, double[] h0,
                         double[] c0, double[] whh, double[] f, double[] dhAll, double[] dcLast,
                         double[] dPre, double[] dh0, double[] dc0, double[] dWhh, double[] dPhi) {
        int w = v.gates() * hid;
        int sb = rows * hid;
        double[] dh = new double[sb];
        double[] dhRec = new double[sb];
               System.arraycopy(dcLast, 0, dc0, 0, sb); // dc0 carries ∂c_t backwards through the loop
        for (int t = steps - 1; t >= 0; t--) {
            for (int i = 0; i < sb; i++) {
                dh[i] = (double) (dhAll[t * sb + i] + dhRec[i]);
            }
            double[] cp = t == 0 ? c0 : c;
            int cpOff = t == 0 ? 0 : (t - 1) * sb;
            CellMathF64.backward(v, rows, hid, gates, t * rows * w, cp, cpOff, c, t * sb, dh, dc0, f, dPhi, dPre, t * rows * w);
            DoubleGemm.gemm(false, false, rows, hid, w, 1.0, dPre, t * rows * w, w, whh, 0, hid, 0.0, dhRec, 0, hid);
        }
        System.arraycopy(dhRec, 0, dh0, 0, sb);
        // NOTE: ∂W_hh = Σ_t ∂pre_tᵀ h_{t−1}; h_{t−1} is h0 for t = 0 and h[t−1] after, so two products.
        DoubleGemm.gemm(true, false, w, hid, rows, 1.0, dPre, 0, w, h0, 0, hid, 0.0, dWhh, 0, hid);
        if (steps > 1) {
            DoubleGemm.gemm(true, false, w, hid, (steps - 1) * rows, 1.0, dPre, rows * w, w, h, 0, hid, 1.0, dWhh, 0, hid);
        }
    }
}
