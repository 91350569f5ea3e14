package dev.ganglion.autodiff.optim;

import dev.ganglion.autodiff.Var;
import java.util.List;

/**
 * AdamW, PyTorch's {@code torch.optim.AdamW}: decoupled weight decay {@code p = p·(1 − lr·λ)}
 * first, then the {@link Adam} update with the raw gradient. State: {@code exp_avg}, {@code exp_avg_sq}.
 */
public final class AdamW extends Adam {
    /** β = (0.9, 0.999), ε = 1e-8, λ = 0.01 (PyTorch's defaults). */
    public AdamW(List<Var> params, double lr) {
        this(params, lr, 0.9, 0.999, 1e-8, 0.01);
    }

    /** The update of the class comment with β₁, β₂ ∈ [0, 1), ε ≥ 0 and decoupled weight decay λ ≥ 0. */
    public AdamW(List<Var> params, double lr, double beta1, double beta2, double eps, double weightDecay) {
        super("adamw", params, lr, beta1, beta2, eps, weightDecay, true);
    }
}
