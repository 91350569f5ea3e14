package dev.ganglion.cuda;

import java.util.Arrays;

/**
 * The sparsity structure of a {@code rows×cols} matrix stored block-sparse-row: a grid of
 * {@code rowBlock×colBlock} blocks, {@code rowOffsets[br]..rowOffsets[br+1]} indexing the stored
 * blocks of block-row {@code br}, whose block-columns are {@code colIndices} (strictly increasing
 * within a block-row). Values are stored block after block, each block row-major. CSR is the case
 * {@code rowBlock = colBlock = 1}. Validated on construction; immutable.
 */
public record SparsePattern(int rows, int cols, int rowBlock, int colBlock, int[] rowOffsets, int[] colIndices) {

    /** Validates the structure and takes defensive copies of the arrays; {@link IllegalArgumentException} if invalid. */
    public SparsePattern {
        validate(rows, cols, rowBlock, colBlock, rowOffsets, colIndices);
        rowOffsets = rowOffsets.clone();
        colIndices = colIndices.clone();
    }

    /** A CSR pattern (blocks of 1×1). */
    public static SparsePattern csr(int rows, int cols, int[] rowOffsets, int[] colIndices) {
        return new SparsePattern(rows, cols, 1, 1, rowOffsets, colIndices);
    }

    /** Number of block-rows, {@code rows / rowBlock}. */
    public int blockRows() {
        return rows / rowBlock;
    }

    /** Number of block-columns, {@code cols / colBlock}. */
    public int blockCols() {
        return cols / colBlock;
    }

    /** Number of stored blocks (nnz for CSR). */
    public int blocks() {
        return colIndices.length;
    }

    /** Number of stored values: blocks × rowBlock × colBlock. */
    public int values() {
        return blocks() * rowBlock * colBlock;
    }

    /** Block-row of each stored block (the inverse of rowOffsets). */
    int[] blockRowOf() {
        int[] out = new int[blocks()];
        for (int br = 0; br < blockRows(); br++) {
            Arrays.fill(out, rowOffsets[br], rowOffsets[br + 1], br);
        }
        return out;
    }

    /** A copy of the {@code blockRows() + 1} offsets into {@link #colIndices()}, one per block-row and a final total. */
    @Override
    public int[] rowOffsets() {
        return rowOffsets.clone();
    }

    /** A copy of the block-column of each stored block, block-row by block-row. */
    @Override
    public int[] colIndices() {
        return colIndices.clone();
    }

    private static void validate(int rows, int cols, int rowBlock, int colBlock, int[] rowOffsets,
                                 int[] colIndices) {
        String what = "SparsePattern " + rows + "×" + cols + " in " + rowBlock + "×" + colBlock + " blocks";
        if (rows < 0 || cols < 0 || rowBlock < 1 || colBlock < 1) {
            throw new IllegalArgumentException(what + ": sizes must be ≥ 0 and blocks ≥ 1");
        }
        if (rows % rowBlock != 0 || cols % colBlock != 0) {
            throw new IllegalArgumentException(what + ": the block size must divide the matrix size");
        }
        long values = (long) colIndices.length * rowBlock * colBlock;
        if (values > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(what + ": " + colIndices.length + " blocks hold " + values
                    + " values, more than an int-indexed array can (" + Integer.MAX_VALUE + ")");
        }
        int blockRows = rows / rowBlock;
        if (rowOffsets.length != blockRows + 1) {
            throw new IllegalArgumentException(what + ": rowOffsets has " + rowOffsets.length
                    + " entries, expected " + (blockRows + 1));
        }
        if (rowOffsets[0] != 0 || rowOffsets[blockRows] != colIndices.length) {
            throw new IllegalArgumentException(what + ": rowOffsets must run from 0 to " + colIndices.length
                    + " (the number of colIndices), got " + rowOffsets[0] + ".." + rowOffsets[blockRows]);
        }
        for (int br = 0; br < blockRows; br++) {
            if (rowOffsets[br + 1] < rowOffsets[br]) {
                throw new IllegalArgumentException(what + ": rowOffsets decrease at block-row " + br);
            }
        }
        for (int br = 0; br < blockRows; br++) {
            for (int p = rowOffsets[br]; p < rowOffsets[br + 1]; p++) {
                int bc = colIndices[p];
                if (bc < 0 || bc >= cols / colBlock) {
                    throw new IllegalArgumentException(what + ": column index " + bc + " at " + p
                            + " outside 0.." + (cols / colBlock - 1));
                }
                if (p > rowOffsets[br] && bc <= colIndices[p - 1]) {
                    throw new IllegalArgumentException(what + ": column indices of block-row " + br
                            + " not strictly increasing at " + p);
                }
            }
        }
    }
}
