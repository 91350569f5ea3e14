package dev.ganglion.engine.sparse;

import dev.ganglion.engine.DType;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import java.util.Arrays;

/** Coordinate triplets to a CSR: {@link Csr#fromCoo}. */
final class SparseCoo {
    private SparseCoo() {}

    /**
     * Sorts the triplets {@code (r[k], c[k], v[k])} by row, then column, and sums duplicates in
     * their order in the arrays (a stable sort: ties keep k ascending), in the values' dtype.
     */
    static Csr toCsr(String op, int rows, int cols, int[] r, int[] c, Tensor v) {
        check(op, rows, cols, r, c, v);
        int n = r.length;
        int[] ptr = new int[rows + 1];
        for (int k = 0; k < n; k++) {
            ptr[r[k] + 1]++;
        }
        for (int q = 0; q < rows; q++) {
            ptr[q + 1] += ptr[q];
        }
        // within a row: column in the high word, the triplet's position k in the low one, so one
        // sort of longs orders by column and keeps duplicates in their given order
        long[] keys = new long[n];
        int[] next = Arrays.copyOf(ptr, rows);
        for (int k = 0; k < n; k++) {
            keys[next[r[k]]++] = ((long) c[k] << 32) | k;
        }
        double[] vs = v.contiguous().toDoubleArray();
        boolean f32 = v.dtype() == DType.F32;
        int[] rowPtr = new int[rows + 1];
        int[] colIdx = new int[n];
        double[] sums = new double[n];
        int m = 0;
        for (int q = 0; q < rows; q++) {
            Arrays.sort(keys, ptr[q], ptr[q + 1]);
            for (int p = ptr[q]; p < ptr[q + 1]; p++) {
                int col = (int) (keys[p] >>> 32);
                double value = vs[(int) keys[p]];
                if (m > rowPtr[q] && colIdx[m - 1] == col) {
                    // NOTE: summed in the values' dtype, left to right: ((v_first + v_second) + …)
                    sums[m - 1] = f32 ? (float) sums[m - 1] + (float) value : sums[m - 1] + value;
                } else {
                    colIdx[m] = col;
                    sums[m++] = value;
                }
            }
            rowPtr[q + 1] = m;
        }
        // float32 sums are floats already, so the conversion is exact
        Tensor values = Tensor.wrap(Arrays.copyOf(sums, m), Shape.of(m)).to(v.dtype());
        return Csr.of(rows, cols, rowPtr, Arrays.copyOf(colIdx, m), values);
    }

    private static void check(String op, int rows, int cols, int[] r, int[] c, Tensor v) {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException(op + ": negative shape [" + rows + ", " + cols + "]");
        }
        if ((long) rows + 1 > Shape.MAX_ELEMENTS) {
            throw new IllegalArgumentException(op + ": " + rows + " rows need " + ((long) rows + 1)
                    + " row pointers, more than a Java array holds (" + Shape.MAX_ELEMENTS + ")");
        }
        if (r == null || c == null || v == null) {
            throw new IllegalArgumentException(op + ": r, c and v must not be null");
        }
        if (r.length != c.length || r.length != v.size()) {
            throw new IllegalArgumentException(op + ": r, c and v have " + r.length + ", " + c.length + " and "
                    + v.size() + " entries (v of shape " + v.shape() + "); expected one of each per entry");
        }
        for (int k = 0; k < r.length; k++) {
            if (r[k] < 0 || r[k] >= rows) {
                throw new IllegalArgumentException(op + ": r[" + k + "] = " + r[k] + " is out of range [0, " + rows
                        + ") of rows");
            }
            if (c[k] < 0 || c[k] >= cols) {
                throw new IllegalArgumentException(op + ": c[" + k + "] = " + c[k] + " is out of range [0, " + cols
                        + ") of columns");
            }
        }
    }
}
