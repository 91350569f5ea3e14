/**
 * Sparse weights and their products with dense batches, in PyTorch Linear layout
 * ({@code W ∈ R^{out×in}}, {@code Y = X·Wᵀ}): {@link dev.ganglion.engine.sparse.BlockDiagonal},
 * {@link dev.ganglion.engine.sparse.Bsr}, {@link dev.ganglion.engine.sparse.Csr}, and
 * {@link dev.ganglion.engine.sparse.SparseOps} with the forward product and both backward products.
 */
package dev.ganglion.engine.sparse;
