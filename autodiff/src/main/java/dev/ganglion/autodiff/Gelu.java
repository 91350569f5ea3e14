package dev.ganglion.autodiff;

/**
 * The form of {@link PointwiseOps#gelu(Var, Gelu)}, PyTorch's {@code approximate} argument of
 * {@code torch.nn.functional.gelu}.
 */
public enum Gelu {
    /** {@code y = x·Φ(x) = ½·x·(1 + erf(x/√2))}, PyTorch's {@code approximate='none'} (its default). */
    NONE,
    /** {@code y = ½·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))}, PyTorch's {@code approximate='tanh'}. */
    TANH
}
