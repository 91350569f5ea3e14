package dev.ganglion.autodiff.nn;

import dev.ganglion.autodiff.IndexOps;
import dev.ganglion.autodiff.Var;
import dev.ganglion.engine.Rng;

/**
 * Lookup table {@code y[…, :] = W[ids[…], :]}, {@code W [count, dim]} (parameter {@code weight},
 * PyTorch's init {@code N(0, 1)}). The gradient adds {@code dy} rows back at the looked-up rows
 * (repeated ids accumulate).
 */
public final class Embedding extends Layer {
    private final int count;
    private final int dim;
    private final Var weight;

    /** A table of {@code count} vectors of size {@code dim}, {@code ~ N(0, 1)} from {@code rng}. */
    public Embedding(int count, int dim, Rng rng) {
        if (count < 1 || dim < 0) {
            throw new IllegalArgumentException("Embedding: need count ≥ 1 and dim ≥ 0, got " + count + " × " + dim);
        }
        this.count = count;
        this.dim = dim;
        this.weight = registerParameter("weight", Init.standardNormal(rng, count, dim));
    }

    /** {@code W [count, dim]}. */
    public Var weight() {
        return weight;
    }

    /**
     * Rows {@code ids} of the table: {@code [ids.length, dim]}.
     *
     * @throws IllegalArgumentException when an id is outside {@code [0, count)}
     */
    public Var forward(int[] ids) {
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= count) {
                throw new IllegalArgumentException(this + ": id " + ids[i] + " at position " + i
                        + " is outside [0, " + count + ")");
            }
        }
        return IndexOps.indexSelect(weight, 0, ids);
    }

    /**
     * The rows named by {@code ids}, a tensor of integral values of any shape: {@code [..., dim]}.
     * Gradients never flow to {@code ids}.
     *
     * @throws IllegalArgumentException when a value is not an integer in {@code [0, count)}
     */
    @Override
    public Var forward(Var ids) {
        double[] v = ids.value().toDoubleArray();
        int[] index = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            index[i] = (int) v[i];
            if (index[i] != v[i]) {
                throw new IllegalArgumentException(this + ": id " + v[i] + " at flat position " + i + " is not an integer");
            }
        }
        int[] dims = ids.shape().dims();
        int[] outDims = java.util.Arrays.copyOf(dims, dims.length + 1);
        outDims[dims.length] = dim;
        return forward(index).reshape(outDims);
    }

    @Override
    public String toString() {
        return "Embedding(" + count + " × " + dim + ")";
    }
}
