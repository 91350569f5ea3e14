/**
 * Reverse-mode automatic differentiation over the engine's tensors, define-by-run.
 *
 * <h2>Model</h2>
 * A {@link dev.ganglion.autodiff.Var} wraps a {@link dev.ganglion.engine.Tensor}. Ops on
 * {@code Var}s (the families {@link dev.ganglion.autodiff.PointwiseOps},
 * {@link dev.ganglion.autodiff.ReductionOps}, {@link dev.ganglion.autodiff.ViewOps},
 * {@link dev.ganglion.autodiff.IndexOps}, {@link dev.ganglion.autodiff.LinalgOps},
 * {@link dev.ganglion.autodiff.LossOps}, user {@link dev.ganglion.autodiff.CustomFunction}s) compute
 * with the engine and, when grad mode is on and an input requires grad, record one small node: the
 * {@link dev.ganglion.autodiff.Op}, the input {@code Var}s, the tensors the rule needs and a few
 * attributes. Every rule lives in one exhaustive {@code switch} over {@code Op} (the gradient table).
 * A few ops are compositions of recorded ones, exact and with no {@code Op} of their own
 * ({@code leakyRelu}, {@code elu}, {@code var}, {@code std}, {@code flatten}, {@code stack},
 * {@code chunk}); the harness samples each under the op that makes its result. Two are fused the
 * other way, one node for a whole formula with its backward written out: softmax cross-entropy
 * ({@link dev.ganglion.autodiff.LossOps}) and layer normalisation
 * ({@link dev.ganglion.autodiff.ReductionOps#layerNorm}, which keeps each row's mean and 1/σ).
 *
 * <h2>Activations</h2>
 * In {@link dev.ganglion.autodiff.PointwiseOps}, with PyTorch's values and gradients (at ±∞ and NaN
 * too, but where noted): {@code relu}, {@code sigmoid}, {@code tanh}, {@code silu}, {@code gelu}
 * (exact or {@link dev.ganglion.autodiff.Gelu#TANH}, one fused node each), {@code softplus} (with
 * PyTorch's β and threshold), {@code leakyRelu}, {@code elu}, and {@code erf}; as layers,
 * {@link dev.ganglion.autodiff.nn.Activation}.
 *
 * <h2>Backward</h2>
 * {@link dev.ganglion.autodiff.Var#backward()} and {@link dev.ganglion.autodiff.Autodiff#grad} order
 * the graph with an explicit-stack depth-first search (no recursion: unrolls of any length), run
 * each rule once all consumers of its outputs have contributed, add up gradients of values used
 * several times, and sum gradients of broadcast inputs back to their shapes in one place. A saved
 * tensor written in place since the forward (its storage version moved) is reported with an
 * {@link java.lang.IllegalStateException} naming the op.
 *
 * <h2>Higher derivatives</h2>
 * {@link dev.ganglion.autodiff.Autodiff#gradGraph} (PyTorch's {@code create_graph=True}) runs the
 * same table with every rule's arithmetic recorded as ops on {@code Var}s, so its gradients can be
 * used in a loss and differentiated again: Hessian-vector products, gradient penalties, third
 * derivatives. The rules are written once, generically over the carrier of the gradients (tensors
 * or {@code Var}s). A custom function takes part when it writes its backward a second time in
 * {@code Var} ops ({@link dev.ganglion.autodiff.CustomFunction#backwardGraph}) and is refused by
 * name otherwise. {@link dev.ganglion.autodiff.Derivatives} builds Jacobian- and Hessian-vector
 * products and whole Jacobians and Hessians of functions on it.
 *
 * <h2>Memory</h2>
 * A node is reachable only from its output {@code Var}s and never references them. During backward,
 * each node drops its saved tensors, its inputs and its pending gradients right after its rule has
 * run (unless the graph is retained), so activations become garbage while the walk proceeds and
 * the graph is spent afterwards. Dropping the output of a forward without backward frees its graph
 * just the same. Leaf gradients are the only buffers that outlive a backward; {@code zeroGrad()}
 * releases them. {@link dev.ganglion.autodiff.NoGrad} scopes record nothing at all.
 *
 * <h2>Checking</h2>
 * {@link dev.ganglion.autodiff.GradCheck} compares any function's gradients with central
 * differences in float64; every built-in op passes it in the test harness, and so do the recorded
 * gradients of every op {@code gradGraph} supports (second derivatives).
 */
package dev.ganglion.autodiff;
