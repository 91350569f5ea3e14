package dev.ganglion.autodiff.nn;

import dev.ganglion.engine.sparse.Csr;
import java.util.Arrays;

/** Maps the stored entries of one sparsity pattern onto another of the same shape. */
final class Rewire {
    private Rewire() {}

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
