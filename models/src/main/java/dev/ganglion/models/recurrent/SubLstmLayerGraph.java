package dev.ganglion.models.recurrent;

import dev.ganglion.autodiff.IndexOps;
import dev.ganglion.autodiff.LinalgOps;
import dev.ganglion.autodiff.Var;

/**
 * {@link SubLstmLayerFunction}'s backward as recorded ops (its {@code backwardGraph}), so that
 * {@code Autodiff.gradGraph} differentiates through a recurrent layer: the forward is formed again
 * from the inputs step by step, then back-propagated through time with the cell's derivatives
 * written out. With gate activations {@code i, f, z, o}, {@code σ' = s(1 − s)} and
 * {@code tanh' = 1 − t²} taken from the activations, per step from the last:
 * <pre>
 * ∂h = g_h[t] + ∂h_next
 * LSTM:        ∂o = ∂h·tanh c,  ∂c += ∂h·o·tanh'(c),  ∂i = ∂c·z,  ∂z = ∂c·i
 * (fix-)subLSTM: ∂o = −∂h,      ∂c += ∂h·σ'(c),        ∂i = −∂c,   ∂z = ∂c
 * ∂f = ∂c·c_prev,  ∂c_prev = ∂c·f,  ∂pre = (∂i·σ'(i), ∂f·σ'(f), ∂z·act'(z), ∂o·σ'(o))
 * ∂h_next = ∂pre·W_hh,  ∂W_hh += ∂preᵀ·h_prev,  ∂b_hh += Σ_batch ∂pre,  ∂gx[t] = ∂pre
 * </pre>
 * and for fix-subLSTM (no f gate, {@code f = σ(φ)}) {@code ∂φ += Σ_batch ∂f·σ'(φ)}. This is the
 * arithmetic of the fused kernels, so first derivatives agree with theirs to rounding.
 */
final class SubLstmLayerGraph {
    private SubLstmLayerGraph() {}

    /** The gradients of {@code gx, h0, c0, W_hh, b_hh[, φ]} for output gradients {@code g_h [T, B, H], g_c [B, H]}. */
    static Var[] backward(Variant variant, Var[] in, Var[] g) {
        Var gx = in[0];
        Var whh = in[3];
        int steps = gx.dim(0);
        int hid = in[1].dim(1);
        Var fixed = variant.fixedForget() ? in[5].sigmoid() : null;
        Var[] h = new Var[steps];
        Var[] c = new Var[steps + 1];
        Var[][] gates = new Var[steps][];
        h[0] = in[1];
        c[0] = in[2];
        for (int t = 0; t < steps; t++) {
            Var pre = gx.select(0, t).add(LinalgOps.linear(h[t], whh, in[4]));
            Var[] a = gates(variant, pre, hid, fixed);
            gates[t] = a;
            Var kept = a[1].mul(c[t]);
            c[t + 1] = variant == Variant.LSTM ? kept.add(a[0].mul(a[2])) : kept.add(a[2]).sub(a[0]);
            if (t + 1 < steps) { // the last h is not needed: the output gradient stands for it
                h[t + 1] = variant == Variant.LSTM ? a[3].mul(c[t + 1].tanh()) : c[t + 1].sigmoid().sub(a[3]);
            }
        }
        Var fixedSlope = fixed == null ? null : sigmoidSlope(fixed);
        Var[] dPre = new Var[steps];
        Var dhNext = null;
        Var dc = g[1];
        Var dWhh = null;
        Var dPhi = null;
        for (int t = steps - 1; t >= 0; t--) {
            Var[] a = gates[t];
            Var dh = dhNext == null ? g[0].select(0, t) : g[0].select(0, t).add(dhNext);
            Var di;
            Var dz;
            Var dOut;
            if (variant == Variant.LSTM) {
                Var tc = c[t + 1].tanh();
                dOut = dh.mul(tc);
                dc = dc.add(dh.mul(a[3]).mul(tanhSlope(tc)));
                di = dc.mul(a[2]);
                dz = dc.mul(a[0]);
            } else {
                dOut = dh.neg();
                dc = dc.add(dh.mul(sigmoidSlope(c[t + 1].sigmoid())));
                di = dc.neg();
                dz = dc;
            }
            Var df = dc.mul(c[t]);
            Var preI = di.mul(sigmoidSlope(a[0]));
            Var preZ = dz.mul(variant == Variant.LSTM ? tanhSlope(a[2]) : sigmoidSlope(a[2]));
            Var preO = dOut.mul(sigmoidSlope(a[3]));
            if (fixed != null) {
                Var step = df.mul(fixedSlope).sum(false, 0);
                dPhi = dPhi == null ? step : dPhi.add(step);
                dPre[t] = IndexOps.concat(1, preI, preZ, preO);
            } else {
                dPre[t] = IndexOps.concat(1, preI, df.mul(sigmoidSlope(a[1])), preZ, preO);
            }
            dc = dc.mul(a[1]);
            dhNext = dPre[t].matmul(whh);
            Var stepW = dPre[t].transpose(0, 1).matmul(h[t]);
            dWhh = dWhh == null ? stepW : dWhh.add(stepW);
        }
        Var dgx = IndexOps.stack(0, dPre);
        Var dBias = dgx.sum(false, 0, 1);
        return fixed == null ? new Var[] {dgx, dhNext, dc, dWhh, dBias}
                : new Var[] {dgx, dhNext, dc, dWhh, dBias, dPhi};
    }

    /**
     * The activations of one step's pre-activation {@code [B, G·H]}: i, f, z, o, with f the
     * {@code fixed} σ(φ) for fix-subLSTM (whose pre-activation has no f block).
     */
    private static Var[] gates(Variant variant, Var pre, int hid, Var fixed) {
        Var[] a = new Var[4];
        int k = 0;
        for (int gate = 0; gate < 4; gate++) {
            if (gate == 1 && variant.fixedForget()) {
                a[1] = fixed;
                continue;
            }
            Var block = pre.slice(1, k * hid, (k + 1) * hid);
            a[gate] = gate == 2 && variant == Variant.LSTM ? block.tanh() : block.sigmoid();
            k++;
        }
        return a;
    }

    /** {@code σ'} from {@code s = σ(x)}: {@code s(1 − s)}. */
    private static Var sigmoidSlope(Var s) {
        return s.mul(s.neg().addScalar(1));
    }

    /** {@code tanh'} from {@code t = tanh x}: {@code 1 − t²}. */
    private static Var tanhSlope(Var t) {
        return t.square().neg().addScalar(1);
    }
}
