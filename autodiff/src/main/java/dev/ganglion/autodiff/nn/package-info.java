/**
 * Network building blocks on autodiff {@link dev.ganglion.autodiff.Var}s: the
 * {@link dev.ganglion.autodiff.nn.Module} tree (hierarchical parameter names such as
 * {@code layers.0.weight}, buffers, train/eval mode, state dicts with strict loading), layers and
 * losses.
 *
 * <h2>Layers</h2>
 * Dense: {@link dev.ganglion.autodiff.nn.Linear} ({@code y = x·Wᵀ + b}, PyTorch's default init),
 * {@link dev.ganglion.autodiff.nn.Embedding}, {@link dev.ganglion.autodiff.nn.Dropout} (seeded,
 * inverted), {@link dev.ganglion.autodiff.nn.LayerNorm} (PyTorch's, over trailing axes, one fused
 * node), {@link dev.ganglion.autodiff.nn.Activation} (relu, tanh, sigmoid, silu, gelu, gelu_tanh,
 * identity), {@link dev.ganglion.autodiff.nn.Sequential}.
 * Sparse, each run on the engine's sparse kernels through autodiff (the weight gradient only at
 * stored entries, never a masked dense product):
 * {@link dev.ganglion.autodiff.nn.BlockDiagonalLinear},
 * {@link dev.ganglion.autodiff.nn.BlockSparseLinear} (BSR) and
 * {@link dev.ganglion.autodiff.nn.MaskedLinear} (CSR, {@code y = x·(W ⊙ M)ᵀ + b}).
 *
 * <h2>Losses</h2>
 * {@link dev.ganglion.autodiff.nn.Losses}: mean squared error, softmax cross-entropy (the fused op
 * of autodiff) and stable binary cross-entropy of logits, each with a
 * {@link dev.ganglion.autodiff.nn.Reduction}. Cross-entropy also takes PyTorch's options through
 * {@link dev.ganglion.autodiff.nn.CrossEntropyOptions} (class weights, an ignore index, label
 * smoothing) and logits with spatial axes {@code [N, C, d1, …, dk]} or none {@code [C]}.
 *
 * <p>Randomness always comes from a caller-given {@link dev.ganglion.engine.Rng}, so two models built
 * with the same seed are identical.
 *
 * <h2>Writing a layer, and importing {@code Module}</h2>
 * A layer with one input and one output ({@code y = f(x)}, what {@code Sequential} chains) extends
 * {@link dev.ganglion.autodiff.nn.Layer}; extend {@link dev.ganglion.autodiff.nn.Module} directly only
 * for a part with another signature (a recurrent cell taking a state) or one that only holds
 * parameters. Either way, {@code import dev.ganglion.autodiff.nn.*;} makes the simple name
 * {@code Module} ambiguous with {@code java.lang.Module}, which every file imports implicitly
 * ("reference to Module is ambiguous"): import it by name,
 * {@code import dev.ganglion.autodiff.nn.Module;}, which takes precedence over both. Code that names
 * only {@code Layer} and the layers compiles with the wildcard alone.
 */
package dev.ganglion.autodiff.nn;
