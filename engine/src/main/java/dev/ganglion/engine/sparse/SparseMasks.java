package dev.ganglion.engine.sparse;

import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;

/** Pattern builders shared by the formats: masks from tensors, seeded random patterns, compression. */
final class SparseMasks {
    private SparseMasks() {}

    /** {@code m[i][j] = mask[i, j] != 0} for a rank-2 tensor. */
    static boolean[][] of(Tensor mask) {
        int rows = mask.dim(0);
        int cols = mask.dim(1);
        double[] d = mask.toDoubleArray();
        boolean[][] m = new boolean[rows][cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                m[i][j] = d[i * cols + j] != 0;
            }
        }
        return m;
    }

    /** Block mask: a block is set when any element in it is. */
    static boolean[][] blocksOf(boolean[][] m, int r, int c) {
        int rows = m.length;
        int cols = rows == 0 ? 0 : m[0].length;
        boolean[][] b = new boolean[rows / r][cols / c];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                b[i / r][j / c] |= m[i][j];
            }
        }
        return b;
    }

    /**
     * {@code {rowPtr, colIdx}} of a pattern with exactly {@code round(density·cols)} entries per row,
     * columns uniform without replacement (a partial Fisher-Yates shuffle per row). Memory and time
     * O(cols + nnz): one row's permutation, its swaps undone after the row, never a rows×cols mask.
     */
    static int[][] random(String op, int rows, int cols, double density, long seed) {
        if (!(density >= 0 && density <= 1)) {
            throw new IllegalArgumentException(op + ": density must be in [0, 1], got " + density);
        }
        int perRow = (int) Math.round(density * cols);
        long nnz = (long) rows * perRow;
        if (nnz > Shape.MAX_ELEMENTS) {
            throw new IllegalArgumentException(op + ": " + rows + " rows of " + perRow + " entries make " + nnz
                    + ", more than one array holds (" + Shape.MAX_ELEMENTS + ")");
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        int[] ptr = new int[rows + 1];
        int[] idx = new int[(int) nnz];
        int[] order = new int[cols];
        for (int j = 0; j < cols; j++) {
            order[j] = j;
        }
        int[] swapped = new int[perRow];
        for (int i = 0; i < rows; i++) {
            int at = i * perRow;
            for (int k = 0; k < perRow; k++) {
                int t = k + rnd.nextInt(cols - k);
                int swap = order[k];
                order[k] = order[t];
                order[t] = swap;
                swapped[k] = t;
                idx[at + k] = order[k];
            }
            for (int k = 0; k < perRow; k++) { // back to the identity: only slots k and swapped[k] moved
                order[k] = k;
                order[swapped[k]] = swapped[k];
            }
            Arrays.sort(idx, at, at + perRow);
            ptr[i + 1] = at + perRow;
        }
        return new int[][] {ptr, idx};
    }

    /** {@code {rowPtr, colIdx}} of a boolean mask with {@code cols} columns. */
    static int[][] compress(boolean[][] m, int cols) {
        int rows = m.length;
        int[] ptr = new int[rows + 1];
        int nnz = 0;
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                nnz += m[i][j] ? 1 : 0;
            }
            ptr[i + 1] = nnz;
        }
        int[] idx = new int[nnz];
        int p = 0;
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                if (m[i][j]) {
                    idx[p++] = j;
                }
            }
        }
        return new int[][] {ptr, idx};
    }

    /** Float32 values uniform in {@code [−1, 1)} from a seed. */
    static Tensor uniform(Shape shape, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] v = new float[shape.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return Tensor.wrap(v, shape);
    }
}
