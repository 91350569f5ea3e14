package dev.ganglion.engine.kernel;

import java.util.Arrays;

/**
 * A validated, immutable compressed-row index: {@code majors} rows over {@code minors} columns,
 * entries of row q at positions {@code ptr[q] … ptr[q+1]−1} with column {@code idx[p]}, sorted and
 * unique within each row. For CSR the entries are single elements; for BSR they are blocks (rows and
 * columns counted in blocks).
 *
 * <p>The column-major twin (CSC) is built once at construction: {@code tPtr}, {@code tIdx} (the row
 * of each entry) and {@code tPerm} (its position in row order), so the input-gradient product
 * {@code dX = dY·W} can run over columns without atomics. Kernels in this package read the arrays
 * directly; callers elsewhere get copies.
 */
public final class SparseIndex {
    final int majors;
    final int minors;
    final int[] ptr;
    final int[] idx;
    final int[] tPtr;
    final int[] tIdx;
    final int[] tPerm;
    /** The inverse of {@code tPerm}: the column-order position of row-order entry p. */
    final int[] tPos;

    private SparseIndex(int majors, int minors, int[] ptr, int[] idx) {
        this.majors = majors;
        this.minors = minors;
        this.ptr = ptr;
        this.idx = idx;
        this.tPtr = new int[minors + 1];
        this.tIdx = new int[idx.length];
        this.tPerm = new int[idx.length];
        this.tPos = new int[idx.length];
        buildTranspose();
    }

    /**
     * Validates and copies {@code ptr} (length {@code majors+1}, starting at 0, non-decreasing, ending
     * at {@code idx.length}) and {@code idx} (each in {@code [0, minors)}, strictly increasing within
     * a row); {@code op} names the caller in error messages.
     */
    public static SparseIndex of(String op, int majors, int minors, int[] ptr, int[] idx) {
        if (majors < 0 || minors < 0) {
            throw new IllegalArgumentException(op + ": negative dimensions " + majors + "×" + minors);
        }
        if (ptr == null || idx == null) {
            throw new IllegalArgumentException(op + ": rowPtr and colIdx must not be null");
        }
        if (ptr.length != (long) majors + 1) {
            throw new IllegalArgumentException(op + ": rowPtr has length " + ptr.length + ", expected rows+1 = "
                    + ((long) majors + 1) + " for " + majors + " rows");
        }
        if (ptr[0] != 0 || ptr[majors] != idx.length) {
            throw new IllegalArgumentException(op + ": rowPtr must start at 0 and end at colIdx.length = "
                    + idx.length + ", got rowPtr[0] = " + ptr[0] + ", rowPtr[" + majors + "] = " + ptr[majors]);
        }
        // every row's bounds before any row's entries: with start 0 and end idx.length, a
        // non-decreasing rowPtr keeps each row inside colIdx
        for (int q = 0; q < majors; q++) {
            if (ptr[q + 1] < ptr[q]) {
                throw new IllegalArgumentException(op + ": rowPtr decreases at row " + q + " (" + ptr[q] + " > "
                        + ptr[q + 1] + ")");
            }
        }
        for (int q = 0; q < majors; q++) {
            checkRow(op, q, minors, ptr, idx);
        }
        return new SparseIndex(majors, minors, ptr.clone(), idx.clone());
    }

    private static void checkRow(String op, int q, int minors, int[] ptr, int[] idx) {
        for (int p = ptr[q]; p < ptr[q + 1]; p++) {
            if (idx[p] < 0 || idx[p] >= minors) {
                throw new IllegalArgumentException(op + ": colIdx[" + p + "] = " + idx[p] + " in row " + q
                        + " is out of range [0, " + minors + ")");
            }
            if (p > ptr[q] && idx[p] <= idx[p - 1]) {
                throw new IllegalArgumentException(op + ": colIdx of row " + q + " must be sorted and unique, got "
                        + idx[p - 1] + " then " + idx[p] + " at position " + p);
            }
        }
    }

    /** Counting sort of the entries by column; rows stay ascending within each column. */
    private void buildTranspose() {
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
