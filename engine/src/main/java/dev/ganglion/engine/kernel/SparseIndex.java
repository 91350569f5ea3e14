package dev.ganglion.engine.kernel;

import dev.ganglion.engine.Shape;
import java.util.Arrays;

/**
 * A validated, immutable compressed-row index: {@code majors} rows over {@code minors} columns,
 * entries of row q at positions {@code ptr[q] … ptr[q+1]−1} with column {@code idx[p]}, sorted and
 * unique within each row. For CSR the entries are single elements; for BSR they are blocks (rows and
 * columns counted in blocks, and named so in error messages).
 *
 * <p>The column-major twin (CSC) is built on first use, by the input-gradient
 * product {@code dX = dY·W} (which then runs over columns without atomics) or a transpose: a forward
 * pass never pays for it, and a very wide matrix (2^28 columns, one entry) costs its two arrays,
 * not a column-pointer array. Kernels in this package read the arrays directly; callers elsewhere
 * get copies.
 */
public final class SparseIndex {

    final int majors;
    final int minors;
    final int[] ptr;
    final int[] idx;
    private final String op;
    private final String row;
    private final String column;
    /**
     * Null until first use. NOTE: racy-idempotent, like {@code String.hashCode}: two threads may
     * each build it (the same arrays from the same immutable index) and either one wins; the final
     * fields of {@link Transposed} make a published one safe to read without a lock.
     */
    private Transposed transposed;

    /**
     * The column-major twin: column j's entries at positions {@code tPtr[j] … tPtr[j+1]−1}, rows
     * ascending, with row {@code tIdx[t]} and row-order position {@code tPerm[t]};
     * {@code tPos} is the inverse of {@code tPerm} (the column-order position of row-order entry p).
     */
    static final class Transposed {
        final int[] tPtr;
        final int[] tIdx;
        final int[] tPerm;
        final int[] tPos;

        private Transposed(int[] tPtr, int[] tIdx, int[] tPerm, int[] tPos) {
            this.tPtr = tPtr;
            this.tIdx = tIdx;
            this.tPerm = tPerm;
            this.tPos = tPos;
        }
    }

    private SparseIndex(String op, String row, String column, int majors, int minors, int[] ptr, int[] idx) {
        this.op = op;
        this.row = row;
        this.column = column;
        this.majors = majors;
        this.minors = minors;
        this.ptr = ptr;
        this.idx = idx;
    }

    /**
     * {@link #of(String, String, String, int, int, int[], int[])} with rows and columns named
     * "row" and "column".
     */
    public static SparseIndex of(String op, int majors, int minors, int[] ptr, int[] idx) {
        return of(op, "row", "column", majors, minors, ptr, idx);
    }

    /**
     * Validates and copies {@code ptr} (length {@code majors+1}, starting at 0, non-decreasing, ending
     * at {@code idx.length}) and {@code idx} (each in {@code [0, minors)}, strictly increasing within
     * a row); {@code op} names the caller in error messages, {@code row} and {@code column} its units
     * (singular, e.g. "block-row" and "block-column" for BSR).
     */
    public static SparseIndex of(String op, String row, String column, int majors, int minors, int[] ptr,
                                 int[] idx) {
        if (majors < 0 || minors < 0) {
            throw new IllegalArgumentException(op + ": negative dimensions " + majors + " " + row + "s × " + minors
                    + " " + column + "s");
        }
        if (ptr == null || idx == null) {
            throw new IllegalArgumentException(op + ": rowPtr and colIdx must not be null");
        }
        if (ptr.length != (long) majors + 1) {
            throw new IllegalArgumentException(op + ": rowPtr has length " + ptr.length + ", expected " + row + "s+1 = "
                    + ((long) majors + 1) + " for " + majors + " " + row + "s");
        }
        if (ptr[0] != 0 || ptr[majors] != idx.length) {
            throw new IllegalArgumentException(op + ": rowPtr must start at 0 and end at colIdx.length = "
                    + idx.length + ", got rowPtr[0] = " + ptr[0] + ", rowPtr[" + majors + "] = " + ptr[majors]);
        }
        // every row's bounds before any row's entries: with start 0 and end idx.length, a
        // non-decreasing rowPtr keeps each row inside colIdx
        for (int q = 0; q < majors; q++) {
            if (ptr[q + 1] < ptr[q]) {
                throw new IllegalArgumentException(op + ": rowPtr decreases at " + row + " " + q + " (" + ptr[q]
                        + " > " + ptr[q + 1] + ")");
            }
        }
        for (int q = 0; q < majors; q++) {
            checkRow(op, row, column, q, minors, ptr, idx);
        }
        return new SparseIndex(op, row, column, majors, minors, ptr.clone(), idx.clone());
    }

    private static void checkRow(String op, String row, String column, int q, int minors, int[] ptr, int[] idx) {
        for (int p = ptr[q]; p < ptr[q + 1]; p++) {
            if (idx[p] < 0 || idx[p] >= minors) {
                throw new IllegalArgumentException(op + ": colIdx[" + p + "] = " + idx[p] + " in " + row + " " + q
                        + " is out of range [0, " + minors + ") of " + column + "s");
            }
            if (p > ptr[q] && idx[p] <= idx[p - 1]) {
                throw new IllegalArgumentException(op + ": colIdx of " + row + " " + q
                        + " must be sorted and unique, got " + idx[p - 1] + " then " + idx[p] + " at position " + p);
            }
        }
    }

    /**
     * The column-major twin, built on the first call ({@code caller} names the product that needs
     * it in the error for a matrix too wide for one). After that, one field read.
     */
    Transposed transposed(String caller) {
        Transposed t = transposed;
        if (t == null) {
            t = buildTranspose(caller);
            transposed = t;
        }
        return t;
    }

    /** Counting sort of the entries by column; rows stay ascending within each column. */
    private Transposed buildTranspose(String caller) {
        if ((long) minors + 1 > Shape.MAX_ELEMENTS) {
            throw new IllegalArgumentException(caller + ": the column-major index of this " + op + " ("
                    + majors + " " + row + "s × " + minors + " " + column + "s) needs " + ((long) minors + 1)
                    + " column pointers, more than a Java array holds (" + Shape.MAX_ELEMENTS + ")");
        }
        int[] tPtr = new int[minors + 1];
        int[] tIdx = new int[idx.length];
        int[] tPerm = new int[idx.length];
        int[] tPos = new int[idx.length];
        for (int p = 0; p < idx.length; p++) {
            tPtr[idx[p] + 1]++;
        }
        for (int j = 0; j < minors; j++) {
            tPtr[j + 1] += tPtr[j];
        }
        int[] next = Arrays.copyOf(tPtr, minors);
        for (int q = 0; q < majors; q++) {
            for (int p = ptr[q]; p < ptr[q + 1]; p++) {
                int at = next[idx[p]]++;
                tIdx[at] = q;
                tPerm[at] = p;
                tPos[p] = at;
            }
        }
        return new Transposed(tPtr, tIdx, tPerm, tPos);
    }

    /**
     * The transpose's index ({@code minors} rows over {@code majors} columns, row j listing the rows
     * of this index's column j in ascending order), built from the column-major twin; {@code caller}
     * names the operation in errors. Its entry k is this index's entry {@link #transposeOrder}{@code [k]}.
     */
    public SparseIndex transpose(String caller) {
        Transposed t = transposed(caller);
        return new SparseIndex(op, column, row, minors, majors, t.tPtr.clone(), t.tIdx.clone());
    }

    /**
     * A copy of the value permutation of {@link #transpose}: entry k of the transpose (in its row
     * order, i.e. this index's column order) is this index's entry {@code order[k]}.
     */
    public int[] transposeOrder(String caller) {
        return transposed(caller).tPerm.clone();
    }

    /** Number of rows (block-rows for BSR). */
    public int majors() {
        return majors;
    }

    /** Number of columns (block-columns for BSR). */
    public int minors() {
        return minors;
    }

    /** Number of stored entries (blocks for BSR). */
    public int entries() {
        return idx.length;
    }

    /** Entries in row {@code q}. */
    public int rowLength(int q) {
        return ptr[q + 1] - ptr[q];
    }

    /** A copy of the row pointers. */
    public int[] ptr() {
        return ptr.clone();
    }

    /** A copy of the column indices. */
    public int[] idx() {
        return idx.clone();
    }

    /** Position of the first entry of row {@code q}. */
    public int rowStart(int q) {
        return ptr[q];
    }

    /** Column of the entry at position {@code p}. */
    public int column(int p) {
        return idx[p];
    }

    /** Same structure? (Two indices built from equal arrays are equal.) */
    public boolean sameAs(SparseIndex o) {
        return this == o || (majors == o.majors && minors == o.minors
                && Arrays.equals(ptr, o.ptr) && Arrays.equals(idx, o.idx));
    }

    @Override
    public String toString() {
        return "SparseIndex[" + majors + "×" + minors + ", " + idx.length + " entries]";
    }
}
