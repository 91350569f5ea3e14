package dev.ganglion.autodiff.nn;

import dev.ganglion.autodiff.LinalgOps;
import dev.ganglion.autodiff.Var;
import dev.ganglion.engine.DType;
import dev.ganglion.engine.Rng;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.sparse.BlockDiagonal;

/**
 * Block-diagonal affine layer {@code y = x·Wᵀ + b} with {@code W = diag(W₀, …, W_{G−1})}, each block
 * {@code (out/G) × (in/G)}: group g of the outputs sees only group g of the inputs. Runs on the
 * block-diagonal kernel through autodiff ({@link LinalgOps#sparseLinear}), never a dense product.
 *
 * <p>Parameters: {@code weight [G, out/G, in/G]} (the blocks) and {@code bias [out]}. Init
 * {@code U(±1/√(in/G))}: PyTorch's default for the {@code in/G} inputs each output actually sees.
 */
public final class BlockDiagonalLinear extends Layer {
    private final BlockDiagonal pattern;
    private final Var weight;
    private final Var bias;

    /** {@code blocks} groups over {@code in → out}, initialised from {@code rng} (weight, then bias). */
    public BlockDiagonalLinear(int in, int out, int blocks, boolean bias, Rng rng) {
        this.pattern = BlockDiagonal.zeros(blocks, out, in, DType.F32); // validates the sizes
        int fanIn = in / blocks;
        this.weight = registerParameter("weight", Init.fanIn(rng, fanIn, blocks, out / blocks, in / blocks));
        this.bias = bias ? registerParameter("bias", Init.fanIn(rng, fanIn, out)) : null;
    }

    /** A layer over a copy of {@code initial}'s blocks and of {@code biasOrNull} ({@code [rows]}). */
    public BlockDiagonalLinear(BlockDiagonal initial, Tensor biasOrNull) {
        this.pattern = initial;
        this.weight = registerParameter("weight", initial.values().copy());
        this.bias = biasOrNull == null ? null : registerParameter("bias", SparseLayers.checkBias(this, biasOrNull, initial.rows(),
                initial.dtype()));
    }

    /** The blocks {@code [G, out/G, in/G]}. */
    public Var weight() {
        return weight;
    }

    /** {@code [out]}, or null. */
    public Var bias() {
        return bias;
    }

    /** Number of diagonal blocks. */
    public int blocks() {
        return pattern.blocks();
    }

    /** The current weight as a {@link BlockDiagonal} sharing the parameter's values. */
    public BlockDiagonal matrix() {
        return pattern.withValues(weight.value());
    }

    @Override
    public Var forward(Var x) {
        Shapes.checkLastAxis(this, x, pattern.cols());
        return SparseLayers.addBias(LinalgOps.sparseLinear(x, pattern, weight), bias);
    }

    @Override
    public String toString() {
        return "BlockDiagonalLinear(" + pattern.cols() + " → " + pattern.rows() + ", " + pattern.blocks() + " blocks)";
    }
}
