package dev.ganglion.models.recurrent;

/**
 * Pointwise part of one {@link Variant} cell step on double arrays (batch-major rows of width
 * {@code G·H}); the GEMMs are done by the caller. Forward: {@code gates ← act(pre + gx + b_hh)}
 * (in place over {@code pre}), then {@code c'}, {@code h'}; backward: {@code ∂pre}, {@code ∂c} from
 * {@code ∂h'}, {@code ∂c'} and the saved gates. Arithmetic is in double, stored as double.
 * Scalar float64 reference of {@link CellMathF32} (used by float64 runs and GradCheck).
 */
final class CellMathF64 {
    private CellMathF64() {}

    static double sigmoid(double x) {
        return 1.0 / (1.0 + Math.exp(-x));
    }

    /**
     * One forward step for {@code rows} batch rows. {@code gates} holds {@code h W_hhᵀ} on entry and
     * the activated gates on exit; {@code f} is {@code σ(φ)} for {@link Variant#FIX_SUBLSTM}, else null.
     */
    static void forward(Variant v, int rows, int h, double[] gx, int gxOff, double[] bias, double[] gates, int gOff,
                        double[] cPrev, int cpOff, double[] f, double[] c, int cOff, double[] hOut, int hOff) {
        int w = v.gates() * h;
        for (int b = 0; b < rows; b++) {
            int g = gOff + b * w;
            int x = gxOff + b * w;
            for (int j = 0; j < w; j++) {
                gates[g + j] = (double) (gates[g + j] + gx[x + j] + bias[j]);
            }
            int s = b * h;
            for (int k = 0; k < h; k++) {
                double cp = cPrev[cpOff + s + k];
                double cn;
                double hn;
                if (v == Variant.LSTM) {
                    double i = sigmoid(gates[g + k]);
                    double fg = sigmoid(gates[g + h + k]);
                    double z = Math.tanh(gates[g + 2 * h + k]);
                    double o = sigmoid(gates[g + 3 * h + k]);
                    gates[g + k] = (double) i;
                    gates[g + h + k] = (double) fg;
                    gates[g + 2 * h + k] = (double) z;
                    gates[g + 3 * h + k] = (double) o;
                    cn = fg * cp + i * z;
                    hn = o * Math.tanh((double) cn);
                } else {
                    boolean fix = v == Variant.FIX_SUBLSTM;
                    int zAt = fix ? h : 2 * h;
                    double i = sigmoid(gates[g + k]);
                    double fg = fix ? f[k] : sigmoid(gates[g + h + k]);
                    double z = sigmoid(gates[g + zAt + k]);
                    double o = sigmoid(gates[g + zAt + h + k]);
                    gates[g + k] = (double) i;
                    if (!fix) {
                        gates[g + h + k] = (double) fg;
                    }
                    gates[g + zAt + k] = (double) z;
                    gates[g + zAt + h + k] = (double) o;
                    cn = fg * cp + z - i;
                    hn = sigmoid((double) cn) - o;
                }
                c[cOff + s + k] = (double) cn;
                hOut[hOff + s + k] = (double) hn;
            }
        }
    }

    /**
     * One backward step. On entry {@code dc} holds {@code ∂c'} and {@code dh} {@code ∂h'}; on exit
     * {@code dc} holds {@code ∂c} (the previous state's), {@code dPre} the pre-activation gradient,
     * and {@code dPhi[k]} has gained {@code Σ_b ∂c'·c·σ'(φ)} (fix-subLSTM only).
     */
    static void backward(Variant v, int rows, int h, double[] gates, int gOff, double[] cPrev, int cpOff,
                         double[] c, int cOff, double[] dh, double[] dc, double[] f, double[] dPhi,
                         double[] dPre, int dpOff) {
        int w = v.gates() * h;
        for (int b = 0; b < rows; b++) {
            int g = gOff + b * w;
            int d = dpOff + b * w;
            int s = b * h;
            for (int k = 0; k < h; k++) {
                double cp = cPrev[cpOff + s + k];
                double cn = c[cOff + s + k];
                double dhk = dh[s + k];
                double i = gates[g + k];
                if (v == Variant.LSTM) {
                    double fg = gates[g + h + k];
                    double z = gates[g + 2 * h + k];
                    double o = gates[g + 3 * h + k];
                    double tc = Math.tanh(cn);
                    double dcn = dc[s + k] + dhk * o * (1 - tc * tc);
                    dPre[d + k] = (double) (dcn * z * i * (1 - i));
                    dPre[d + h + k] = (double) (dcn * cp * fg * (1 - fg));
                    dPre[d + 2 * h + k] = (double) (dcn * i * (1 - z * z));
                    dPre[d + 3 * h + k] = (double) (dhk * tc * o * (1 - o));
                    dc[s + k] = (double) (dcn * fg);
                } else {
                    boolean fix = v == Variant.FIX_SUBLSTM;
                    int zAt = fix ? h : 2 * h;
                    double fg = fix ? f[k] : gates[g + h + k];
                    double z = gates[g + zAt + k];
                    double o = gates[g + zAt + h + k];
                    double sc = sigmoid(cn);
                    double dcn = dc[s + k] + dhk * sc * (1 - sc);
                    dPre[d + k] = (double) (-dcn * i * (1 - i));
                    if (fix) {
                        dPhi[k] += dcn * cp * fg * (1 - fg);
                    } else {
                        dPre[d + h + k] = (double) (dcn * cp * fg * (1 - fg));
                    }
                    dPre[d + zAt + k] = (double) (dcn * z * (1 - z));
                    dPre[d + zAt + h + k] = (double) (-dhk * o * (1 - o));
                    dc[s + k] = (double) (dcn * fg);
                }
            }
        }
    }
}
