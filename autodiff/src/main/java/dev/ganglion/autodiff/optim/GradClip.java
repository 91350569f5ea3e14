package dev.ganglion.autodiff.optim;

import dev.ganglion.autodiff.Var;
import dev.ganglion.engine.DType;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.ops.Elementwise;
import java.util.List;

/**
 * Gradient clipping, as {@code torch.nn.utils.clip_grad_norm_} / {@code clip_grad_value_}, in place
 * on the parameters' gradients where they are contiguous float32 or float64 buffers (as a kept
 * {@code .grad} is); any other gradient (a strided or broadcast view) is replaced by a clipped copy.
 * Parameters without a gradient are ignored.
 */
public final class GradClip {
    private GradClip() {}

    /** {@link #clipGradNorm(List, double, double, boolean)} with the 2-norm, non-finite norms allowed. */
    public static double clipGradNorm(List<Var> params, double maxNorm) {
        return clipGradNorm(params, maxNorm, 2, false);
    }

    /**
     * Scales all gradients together by {@code c = maxNorm/(‖g‖ + 1e-6)} when {@code c < 1}, where
     * {@code ‖g‖} is the {@code normType}-norm of all gradients concatenated ({@code p ≥ 1}, or
     * {@link Double#POSITIVE_INFINITY} for the largest magnitude), summed in double. As in torch, a
     * NaN norm makes {@code c} NaN and every gradient NaN, and an infinite one makes {@code c = 0}.
     *
     * @return the total norm before clipping (as torch returns it)
     * @throws IllegalArgumentException for a negative maxNorm or p &lt; 1; with {@code errorIfNonfinite},
     *     for a NaN or infinite total norm (nothing is scaled then)
     */
    public static double clipGradNorm(List<Var> params, double maxNorm, double normType, boolean errorIfNonfinite) {
        if (!(maxNorm >= 0)) {
            throw new IllegalArgumentException("clipGradNorm: maxNorm must be ≥ 0, got " + maxNorm);
        }
        if (!(normType >= 1)) {
            throw new IllegalArgumentException("clipGradNorm: normType must be ≥ 1 or infinity, got " + normType);
        }
        double total = totalNorm(params, normType);
        if (errorIfNonfinite && !Double.isFinite(total)) {
            throw new IllegalArgumentException("clipGradNorm: the total " + normType + "-norm of the gradients is "
                    + total + "; pass errorIfNonfinite = false to clip anyway");
        }
        double coef = maxNorm / (total + 1e-6);
        if (!(coef >= 1)) {   // NaN included, as torch's clamp(max = 1) keeps it
            scaleAll(params, coef);
        }
        return total;
    }

    /**
     * Clamps every gradient element to {@code [−clip, clip]}.
     *
     * @throws IllegalArgumentException for a negative clip
     */
    public static void clipGradValue(List<Var> params, double clip) {
        if (!(clip >= 0)) {
            throw new IllegalArgumentException("clipGradValue: clip must be ≥ 0, got " + clip);
        }
        for (int k = 0; k < params.size(); k++) {
            Var p = params.get(k);
            Tensor g = p.grad();
            if (g == null) {
                continue;
            }
            if (g.dtype() == DType.F32 && g.isContiguous()) {
                float[] a = g.floatArray();
                float c = (float) clip;
                for (int i = g.offset(); i < g.offset() + g.size(); i++) {
                    a[i] = Math.max(-c, Math.min(c, a[i]));   // NaN stays NaN, as in torch
                }
                g.markWritten();
            } else if (g.dtype() == DType.F64 && g.isContiguous()) {
                double[] a = g.doubleArray();
                for (int i = g.offset(); i < g.offset() + g.size(); i++) {
                    a[i] = Math.max(-clip, Math.min(clip, a[i]));
                }
                g.markWritten();
            } else {
                p.setGrad(Elementwise.clamp(g, -clip, clip));
            }
        }
    }

    /** The {@code p}-norm of all gradients concatenated, accumulated in double. */
    public static double totalNorm(List<Var> params, double normType) {
        boolean inf = normType == Double.POSITIVE_INFINITY;
        double acc = 0;
        for (int k = 0; k < params.size(); k++) { // indexed: no iterator in a step that must not allocate
            Tensor g = params.get(k).grad();
            if (g == null) {
                continue;
            }
            if (g.dtype() == DType.F32 && g.isContiguous()) {
                acc = accumulate(g.floatArray(), g.offset(), g.size(), normType, inf, acc);
            } else {
                double[] d = g.toDoubleArray();
                for (double v : d) {
                    acc = inf ? Math.max(acc, Math.abs(v)) : acc + Math.pow(Math.abs(v), normType);
                }
            }
        }
        return inf || normType == 1 ? acc : normType == 2 ? Math.sqrt(acc) : Math.pow(acc, 1 / normType);
    }

    private static double accumulate(float[] a, int off, int n, double normType, boolean inf, double acc) {
        if (inf) {
            for (int i = off; i < off + n; i++) {
                acc = Math.max(acc, Math.abs(a[i])); // NOTE: Math.max propagates NaN, as torch's max does
            }
        } else if (normType == 2) {
            for (int i = off; i < off + n; i++) {
                acc += (double) a[i] * a[i];
            }
        } else {
            for (int i = off; i < off + n; i++) {
                acc += Math.pow(Math.abs(a[i]), normType);
            }
        }
        return acc;
    }

    private static void scaleAll(List<Var> params, double coef) {
        for (int k = 0; k < params.size(); k++) {
            Var p = params.get(k);
            Tensor g = p.grad();
            if (g == null) {
                continue;
            }
            if (g.dtype() == DType.F32 && g.isContiguous()) {
                float[] a = g.floatArray();
                float c = (float) coef;
                for (int i = g.offset(); i < g.offset() + g.size(); i++) {
                    a[i] *= c;
                }
                g.markWritten();
            } else if (g.dtype() == DType.F64 && g.isContiguous()) {
                double[] a = g.doubleArray();
                for (int i = g.offset(); i < g.offset() + g.size(); i++) {
                    a[i] *= coef;
                }
                g.markWritten();
            } else {
                p.setGrad(Elementwise.scale(g, coef));
            }
        }
    }
}
