/**
 * Sparse weights and their products with dense batches, in PyTorch Linear layout
 * ({@code W ∈ R^{out×in}}, {@code Y = X·Wᵀ}): {@link dev.ganglion.engine.sparse.BlockDiagonal},
 * {@link dev.ganglion.engine.sparse.Bsr}, {@link dev.ganglion.engine.sparse.Csr}, and
 * {@link dev.ganglion.engine.sparse.SparseOps} with the forward product and both backward products,
 * on batch-major operands or, for a stack of sparse layers, feature-major ones
 * ({@link dev.ganglion.engine.kernel.BatchLayout}).
 */
package dev.ganglion.engine.sparse;
