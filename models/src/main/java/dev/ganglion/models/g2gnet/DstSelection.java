package dev.ganglion.models.g2gnet;

import dev.ganglion.engine.DType;
import dev.ganglion.engine.Rng;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.ops.Linalg;
import java.util.Arrays;

/**
 * The choices of dynamic sparse training on one layer, over entries {@code i·n_in + j} of its
 * {@code [n_out, n_in]} mask: which live connections to prune, which dead ones to regrow, and the
 * Hebbian score {@code C = rownorm(Post)·rownorm(Pre)ᵀ}.
 * NOTE: ties are broken by the lower entry index, so every choice is deterministic.
 */
public final class DstSelection {
    private DstSelection() {}

    /**
     * {@code C [n_out, n_in]} (row-major) from {@code pre [S, n_in]} and {@code post [S, n_out]}: the
     * cosine similarity between each output neuron's and each input neuron's activity over the S
     * samples (a neuron that never fires has a zero row). The one dense {@code n_out×n_in} matrix.
     */
    public static float[] hebbianScores(Tensor pre, Tensor post) {
        if (pre.rank() != 2 || post.rank() != 2 || pre.dim(0) != post.dim(0)) {
            throw new IllegalArgumentException("DstSelection.hebbianScores: pre " + pre.shape() + " and post "
                    + post.shape() + "; expected [S, n_in] and [S, n_out]");
        }
        Tensor pn = rowNormalised(post.to(DType.F32).mT().contiguous());
        Tensor qn = rowNormalised(pre.to(DType.F32).mT().contiguous());
        return Linalg.matmul(pn, qn.mT()).contiguous().toFloatArray();
    }

    /** Each row of {@code [n, S]} divided by its L2 norm (zero rows stay zero). */
    private static Tensor rowNormalised(Tensor t) {
        float[] a = t.toFloatArray();
        int s = t.dim(1);
        for (int r = 0; r < t.dim(0); r++) {
            double sq = 0;
            for (int k = 0; k < s; k++) {
                sq += (double) a[r * s + k] * a[r * s + k];
            }
            float inv = sq > 0 ? (float) (1 / Math.sqrt(sq)) : 0f;
            for (int k = 0; k < s; k++) {
                a[r * s + k] *= inv;
            }
        }
        return Tensor.wrap(a, Shape.of(t.dim(0), s));
    }

    /** The {@code n} entries with {@code mask[e] == live} of lowest (or highest) {@code score[e]}. */
    public static int[] extremes(float[] score, boolean[] mask, boolean live, int n, boolean highest) {
        int count = 0;
        for (boolean m : mask) {
            count += m == live ? 1 : 0;
        }
        if (n > count) {
            throw new IllegalArgumentException("DstSelection: " + n + " entries asked among " + count);
        }
        long[] keys = new long[count];
        int k = 0;
        for (int e = 0; e < mask.length; e++) {
            if (mask[e] == live) {
                int bits = sortable(highest ? -score[e] : score[e]);
                keys[k++] = ((long) bits << 32) | e; // score first, then index: a total order
            }
        }
        return lowEntries(keys, n);
    }

    /**
     * The entries (low 32 bits) of the {@code n} smallest of {@code keys} (distinct), ascending; the
     * keys are reordered. A selection, not a sort: a rewiring picks ~10 % of a layer's live entries
     * among up to a million keys, and sorting them all took most of its time.
     */
    private static int[] lowEntries(long[] keys, int n) {
        selectSmallest(keys, n);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = (int) keys[i];
        }
        Arrays.sort(out);
        return out;
    }

    /**
     * Reorders distinct {@code keys} so that the first {@code n} are the {@code n} smallest, in no
     * particular order: quickselect with median-of-three pivots (expected {@code O(length)}), which
     * sorts the remaining range once it has recursed {@code 2·log₂ length} times, so it is never
     * worse than {@code O(length·log length)}.
     */
    static void selectSmallest(long[] keys, int n) {
        int lo = 0;
        int hi = keys.length - 1;
        int depth = 2 * (32 - Integer.numberOfLeadingZeros(keys.length));
        // Invariant: every key left of lo is smaller than every key in [lo, hi], and every key right
        // of hi larger; done once index n (the first key not selected) lies outside [lo, hi] or the
        // range is a single key.
        while (lo < hi && n >= lo && n <= hi) {
            if (depth-- == 0) {
                Arrays.sort(keys, lo, hi + 1);
                return;
            }
            int mid = (lo + hi) >>> 1;
            long pivot = Math.max(Math.min(keys[lo], keys[mid]), Math.min(Math.max(keys[lo], keys[mid]), keys[hi]));
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (keys[i] < pivot) {
                    i++;
                }
                while (keys[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    long t = keys[i];
                    keys[i++] = keys[j];
                    keys[j--] = t;
                }
            }
            // [lo, j] ≤ pivot ≤ [i, hi], and anything between j and i equals the pivot
            if (n <= j) {
                hi = j;
            } else if (n >= i) {
                lo = i;
            } else {
                return;
            }
        }
    }

    /** Maps a float to an int whose signed order is the float order (−0 before +0; NaN last). */
    private static int sortable(float f) {
        int b = Float.floatToIntBits(f == 0f ? 0f : f);
        return b >= 0 ? b : b ^ 0x7fffffff;
    }

    /** {@code n} distinct entries with {@code mask[e] == live}, uniformly at random, ascending. */
    public static int[] random(boolean[] mask, boolean live, int n, Rng rng) {
        int[] pool = new int[mask.length];
        int count = 0;
        for (int e = 0; e < mask.length; e++) {
            if (mask[e] == live) {
                pool[count++] = e;
            }
        }
        if (n > count) {
            throw new IllegalArgumentException("DstSelection: " + n + " entries asked among " + count);
        }
        for (int i = 0; i < n; i++) { // partial Fisher–Yates: the first n of a uniform shuffle
            int j = i + rng.nextInt(count - i);
            int t = pool[i];
            pool[i] = pool[j];
            pool[j] = t;
        }
        int[] out = Arrays.copyOf(pool, n);
        Arrays.sort(out);
        return out;
    }

    /**
     * The {@code n} live entries of smallest {@code |value|} (magnitude pruning), from the live values
     * and their entries ({@code row·n_in + col}), ascending; no dense matrix.
     */
    public static int[] smallestMagnitudes(float[] values, int[] entries, int n) {
        if (n > values.length) {
            throw new IllegalArgumentException("DstSelection: " + n + " entries asked among " + values.length);
        }
        long[] keys = new long[values.length];
        for (int p = 0; p < values.length; p++) {
            keys[p] = ((long) sortable(Math.abs(values[p])) << 32) | entries[p];
        }
        return lowEntries(keys, n);
    }
}
