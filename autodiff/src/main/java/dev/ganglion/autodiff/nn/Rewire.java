package dev.ganglion.autodiff.nn;

import dev.ganglion.autodiff.Var;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.ops.Indexing;
import dev.ganglion.engine.sparse.Csr;
import java.util.Arrays;

/** Maps the stored entries of one sparsity pattern onto another of the same shape. */
public final class Rewire {
    private Rewire() {}

    /**
     * Moves a rewired layer's values and, when it has one, their gradient to the new order: entry i
     * takes old entry {@code from[i]}, or 0 for a new connection (a gradient left in the old order
     * would be read, or stepped with, at the wrong connections).
     */
    public static void move(Var values, int[] from) {
        Indexing.remapInto(values.value(), from);
        Tensor g = values.grad();
        if (g != null) {
            Indexing.remapInto(g, from);
        }
    }

    /**
     * For each stored entry of {@code next} (in its value order), the position of the same
     * {@code (row, col)} among {@code old}'s stored entries, or −1 when {@code old} does not store it.
     */
    static int[] sources(Csr old, Csr next) {
        int cols = old.cols();
        long[] keys = new long[old.nnz()];
        old.forEachEntry((r, c, p) -> keys[p] = (long) r * cols + c); // row-major order: already sorted
        int[] from = new int[next.nnz()];
        next.forEachEntry((r, c, p) -> {
            int at = Arrays.binarySearch(keys, (long) r * cols + c);
            from[p] = at >= 0 ? at : -1;
        });
        return from;
    }
}
