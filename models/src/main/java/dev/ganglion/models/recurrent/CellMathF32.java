package dev.ganglion.models.recurrent;

import dev.ganglion.engine.kernel.UnaryKernel;
import dev.ganglion.engine.kernel.UnaryOp;

/**
 * Pointwise part of one {@link Variant} cell step on float arrays (batch-major rows of width
 * {@code G·H}); the GEMMs are done by the caller. Forward: {@code gates ← act(pre + gx + b_hh)} (in
 * place over {@code pre}), then {@code c'}, {@code h'}; backward: {@code ∂pre}, {@code ∂c} from
 * {@code ∂h'}, {@code ∂c'} and the saved gates.
 *
 * <p>The transcendental parts (σ, tanh over whole gate blocks and over {@code c'}) go through the
 * engine's {@link UnaryKernel} (SIMD where enabled): they dominate the cell's cost. The remaining
 * loops are plain float multiply-adds over contiguous rows, left to the JIT's auto-vectorisation.
 * {@link CellMathF64} is the scalar float64 reference of the same math.
 */
final class CellMathF32 {
    private static final UnaryKernel UNARY = UnaryKernel.active();

    private CellMathF32() {}

    private static void act(UnaryOp op, float[] x, int off, int n) {
        UNARY.apply(op, 0, 0, x, off, 1, x, off, n);
    }

    /**
     * One forward step for {@code rows} batch rows. {@code gates} holds {@code h W_hhᵀ} on entry and
     * the activated gates on exit; {@code f} is {@code σ(φ)} for {@link Variant#FIX_SUBLSTM}, else null.
     */
    static void forward(Variant v, int rows, int h, float[] gx, int gxOff, float[] bias, float[] gates, int gOff,
                        float[] cPrev, int cpOff, float[] f, float[] c, int cOff, float[] hOut, int hOff) {
        int w = v.gates() * h;
        for (int b = 0; b < rows; b++) {
            int g = gOff + b * w;
            int x = gxOff + b * w;
            for (int j = 0; j < w; j++) {
                gates[g + j] += gx[x + j] + bias[j];
            }
            if (v == Variant.LSTM) {
                act(UnaryOp.SIGMOID, gates, g, 2 * h);
                act(UnaryOp.TANH, gates, g + 2 * h, h);
                act(UnaryOp.SIGMOID, gates, g + 3 * h, h);
            }
        }
        if (v != Variant.LSTM) {
            act(UnaryOp.SIGMOID, gates, gOff, rows * w); // every gate is a sigmoid: one call for the block
        }
        for (int b = 0; b < rows; b++) {
            int g = gOff + b * w;
            int cs = cOff + b * h;
            int ps = cpOff + b * h;
            switch (v) {
                case LSTM -> {
                    for (int k = 0; k < h; k++) {
                        c[cs + k] = gates[g + h + k] * cPrev[ps + k] + gates[g + k] * gates[g + 2 * h + k];
                    }
                }
                case SUBLSTM -> {
                    for (int k = 0; k < h; k++) {
                        c[cs + k] = gates[g + h + k] * cPrev[ps + k] + gates[g + 2 * h + k] - gates[g + k];
                    }
                }
                case FIX_SUBLSTM -> {
                    for (int k = 0; k < h; k++) {
                        c[cs + k] = f[k] * cPrev[ps + k] + gates[g + h + k] - gates[g + k];
                    }
                }
            }
        }
        UNARY.apply(v == Variant.LSTM ? UnaryOp.TANH : UnaryOp.SIGMOID, 0, 0, c, cOff, 1, hOut, hOff, rows * h);
        int oAt = (v.gates() - 1) * h;
        for (int b = 0; b < rows; b++) {
            int g = gOff + b * w + oAt;
            int hs = hOff + b * h;
            if (v == Variant.LSTM) {
                for (int k = 0; k < h; k++) {
                    hOut[hs + k] *= gates[g + k];
                }
            } else {
                for (int k = 0; k < h; k++) {
                    hOut[hs + k] -= gates[g + k];
                }
            }
        }
    }

    /**
     * One backward step. On entry {@code dc} holds {@code ∂c'} and {@code dh} {@code ∂h'}; on exit
     * {@code dc} holds {@code ∂c} (the previous state's), {@code dPre} the pre-activation gradient,
     * and {@code dPhi[k]} has gained {@code Σ_b ∂c'·c·σ'(φ)} (fix-subLSTM only). {@code scratch}
     * holds at least {@code rows·h} floats.
     */
    static void backward(Variant v, int rows, int h, float[] gates, int gOff, float[] cPrev, int cpOff,
                         float[] c, int cOff, float[] dh, float[] dc, float[] f, double[] dPhi,
                         float[] dPre, int dpOff, float[] scratch) {
        int w = v.gates() * h;
        UNARY.apply(v == Variant.LSTM ? UnaryOp.TANH : UnaryOp.SIGMOID, 0, 0, c, cOff, 1, scratch, 0, rows * h);
        for (int b = 0; b < rows; b++) {
            int g = gOff + b * w;
            int d = dpOff + b * w;
            int s = b * h;
            int ps = cpOff + s;
            switch (v) {
                case LSTM -> lstmRow(h, gates, g, cPrev, ps, dh, dc, s, dPre, d, scratch);
                case SUBLSTM -> subRow(h, gates, g, cPrev, ps, dh, dc, s, dPre, d, scratch);
                case FIX_SUBLSTM -> fixRow(h, gates, g, cPrev, ps, dh, dc, s, f, dPhi, dPre, d, scratch);
            }
        }
    }

    private static void lstmRow(int h, float[] gt, int g, float[] cp, int ps, float[] dh, float[] dc, int s,
                                float[] dp, int d, float[] tc) {
        for (int k = 0; k < h; k++) {
            float i = gt[g + k];
            float fg = gt[g + h + k];
            float z = gt[g + 2 * h + k];
            float o = gt[g + 3 * h + k];
            float t = tc[s + k];
            float dcn = dc[s + k] + dh[s + k] * o * (1 - t * t);
            dp[d + k] = dcn * z * i * (1 - i);
            dp[d + h + k] = dcn * cp[ps + k] * fg * (1 - fg);
            dp[d + 2 * h + k] = dcn * i * (1 - z * z);
            dp[d + 3 * h + k] = dh[s + k] * t * o * (1 - o);
            dc[s + k] = dcn * fg;
        }
    }

    private static void subRow(int h, float[] gt, int g, float[] cp, int ps, float[] dh, float[] dc, int s,
                               float[] dp, int d, float[] sc) {
        for (int k = 0; k < h; k++) {
            float i = gt[g + k];
            float fg = gt[g + h + k];
            float z = gt[g + 2 * h + k];
            float o = gt[g + 3 * h + k];
            float sg = sc[s + k];
            float dcn = dc[s + k] + dh[s + k] * sg * (1 - sg);
            dp[d + k] = -dcn * i * (1 - i);
            dp[d + h + k] = dcn * cp[ps + k] * fg * (1 - fg);
            dp[d + 2 * h + k] = dcn * z * (1 - z);
            dp[d + 3 * h + k] = -dh[s + k] * o * (1 - o);
            dc[s + k] = dcn * fg;
        }
    }

    private static void fixRow(int h, float[] gt, int g, float[] cp, int ps, float[] dh, float[] dc, int s,
                               float[] f, double[] dPhi, float[] dp, int d, float[] sc) {
        for (int k = 0; k < h; k++) {
            float i = gt[g + k];
            float z = gt[g + h + k];
            float o = gt[g + 2 * h + k];
            float sg = sc[s + k];
            float dcn = dc[s + k] + dh[s + k] * sg * (1 - sg);
            dp[d + k] = -dcn * i * (1 - i);
            dp[d + h + k] = dcn * z * (1 - z);
            dp[d + 2 * h + k] = -dh[s + k] * o * (1 - o);
            dPhi[k] += dcn * cp[ps + k] * f[k] * (1 - f[k]);
            dc[s + k] = dcn * f[k];
        }
    }
}
