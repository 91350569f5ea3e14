package dev.ganglion.autodiff.nn;

import dev.ganglion.autodiff.LinalgOps;
import dev.ganglion.autodiff.Var;
import dev.ganglion.engine.Rng;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.sparse.Bsr;

/**
 * Block-sparse affine layer {@code y = x·Wᵀ + b} with {@code W} a fixed pattern of {@code r×c} blocks
 * (BSR). Runs on the BSR kernels through autodiff ({@link LinalgOps#sparseLinear}): the weight
 * gradient is computed at the stored blocks only.
 *
 * <p>Parameters: {@code weight [nnzb, r, c]} (the stored blocks, in the pattern's order) and
 * {@code bias [out]}. Init (with an {@link Rng}) {@code U(±1/√f)} with {@code f} the mean number of
 * inputs an output sees ({@code nnz/out}, at least 1).
 */
public final class BlockSparseLinear extends Layer {
    private final Bsr pattern;
    private final Var weight;
    private final Var bias;

    /** The pattern of {@code pattern} (its values ignored), initialised from {@code rng} (weight, then bias). */
    public BlockSparseLinear(Bsr pattern, boolean bias, Rng rng) {
        this.pattern = pattern;
        double fanIn = Math.max(1, (double) pattern.nnz() / Math.max(1, pattern.rows()));
        int[] dims = pattern.values().shape().dims();
        this.weight = registerParameter("weight", Init.fanIn(rng, fanIn, dims));
        this.bias = bias ? registerParameter("bias", Init.fanIn(rng, fanIn, pattern.rows())) : null;
    }

    /** A layer over a copy of {@code initial}'s blocks and of {@code biasOrNull} ({@code [rows]}). */
    public BlockSparseLinear(Bsr initial, Tensor biasOrNull) {
        this.pattern = initial;
        this.weight = registerParameter("weight", initial.values().copy());
        this.bias = biasOrNull == null ? null : registerParameter("bias", SparseLayers.checkBias(this, biasOrNull, initial.rows(),
                initial.dtype()));
    }

    /** The stored blocks {@code [nnzb, r, c]}. */
    public Var weight() {
        return weight;
    }

    /** {@code [out]}, or null. */
    public Var bias() {
        return bias;
    }

    /** The current weight as a {@link Bsr} sharing the parameter's values. */
    public Bsr matrix() {
        return pattern.withValues(weight.value());
    }

    @Override
    public Var forward(Var x) {
        Shapes.checkLastAxis(this, x, pattern.cols());
        return SparseLayers.addBias(LinalgOps.sparseLinear(x, pattern, weight), bias);
    }

    @Override
    public String toString() {
        return "BlockSparseLinear(" + pattern.cols() + " → " + pattern.rows() + ", " + pattern.nnzBlocks() + " blocks of "
                + pattern.blockRows() + "×" + pattern.blockCols() + ")";
    }
}
