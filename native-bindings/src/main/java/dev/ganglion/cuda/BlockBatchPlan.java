package dev.ganglion.cuda;

import java.util.ArrayList;
import java.util.List;

/**
 * A block-sparse product with W ({@code out×in}, {@link SparsePattern}) as pointer-array batched
 * GEMMs, one small row-major GEMM {@code C_q += op(A_q)·op(B_q)} per stored block q, all sharing the
 * shape below. Operands are element offsets from the bases of A, B and C.
 *
 * <p>Blocks that write the same part of C (same block-row in the forward pass, same block-column in
 * the input-gradient pass) go to different <i>waves</i>: a batched GEMM runs its products
 * concurrently, and two of them accumulating into one tile would race. Wave t holds the t-th block
 * of every block-row (or block-column), so the number of waves is the largest blocks-per-row.
 *
 * <p>This is the path that needs nothing beyond cuBLAS; cuSPARSE's BSR kernels compete with it in
 * the {@link PathTuner}.
 */
record BlockBatchPlan(boolean transA, boolean transB, int m, int n, int k, int lda, int ldb, int ldc,
                      List<Wave> waves) {

    /** Offsets (in elements) of each product's A, B and C operands. */
    record Wave(long[] a, long[] b, long[] c) {
        int size() {
            return a.length;
        }
    }

    ColumnMajorGemm cublas() {
        return ColumnMajorGemm.of(transA, transB, m, n, k, lda, ldb, ldc);
    }

    /**
     * {@code Y += X·Wᵀ}: A = X [batch×in], B = W's values, C = Y [batch×out]. Block q at
     * (br, bc): {@code Y[:, br·r..] += X[:, bc·c..] · W_qᵀ}. Waves by block-row.
     */
    static BlockBatchPlan forward(SparsePattern p, int batch) {
        int r = p.rowBlock();
        int c = p.colBlock();
        int[] rowOf = p.blockRowOf();
        int[] cols = p.colIndices();
        int[] rank = rankWithinRow(p);
        List<List<long[]>> waves = new ArrayList<>();
        for (int q = 0; q < p.blocks(); q++) {
            add(waves, rank[q], (long) cols[q] * c, (long) q * r * c, (long) rowOf[q] * r);
        }
        return new BlockBatchPlan(false, true, batch, r, c, p.cols(), c, p.rows(), toWaves(waves));
    }

    /**
     * {@code dX += dY·W}: A = dY [batch×out], B = W's values, C = dX [batch×in]. Block q at
     * (br, bc): {@code dX[:, bc·c..] += dY[:, br·r..] · W_q}. Waves by block-column.
     */
    static BlockBatchPlan inputGrad(SparsePattern p, int batch) {
        int r = p.rowBlock();
        int c = p.colBlock();
        int[] rowOf = p.blockRowOf();
        int[] cols = p.colIndices();
        int[] seenInColumn = new int[p.blockCols()];
        List<List<long[]>> waves = new ArrayList<>();
        for (int q = 0; q < p.blocks(); q++) {
            add(waves, seenInColumn[cols[q]]++, (long) rowOf[q] * r, (long) q * r * c, (long) cols[q] * c);
        }
        return new BlockBatchPlan(false, false, batch, c, r, p.rows(), c, p.cols(), toWaves(waves));
    }

    /**
     * {@code dW_q (+)= dY[:, br·r..]ᵀ · X[:, bc·c..]}: A = dY, B = X, C = W's gradient values. Every
     * block writes its own tile, so one wave.
     */
    static BlockBatchPlan weightGrad(SparsePattern p, int batch) {
        int r = p.rowBlock();
        int c = p.colBlock();
        int[] rowOf = p.blockRowOf();
        int[] cols = p.colIndices();
        List<List<long[]>> waves = new ArrayList<>();
        for (int q = 0; q < p.blocks(); q++) {
            add(waves, 0, (long) rowOf[q] * r, (long) cols[q] * c, (long) q * r * c);
        }
        return new BlockBatchPlan(true, false, r, c, batch, p.rows(), p.cols(), c, toWaves(waves));
    }

    private static int[] rankWithinRow(SparsePattern p) {
        int[] offsets = p.rowOffsets();
        int[] rank = new int[p.blocks()];
        for (int br = 0; br < p.blockRows(); br++) {
            for (int q = offsets[br]; q < offsets[br + 1]; q++) {
                rank[q] = q - offsets[br];
            }
        }
        return rank;
    }

    private static void add(List<List<long[]>> waves, int wave, long a, long b, long c) {
        while (waves.size() <= wave) {
            waves.add(new ArrayList<>());
        }
        waves.get(wave).add(new long[] {a, b, c});
    }

    private static List<Wave> toWaves(List<List<long[]>> waves) {
        List<Wave> out = new ArrayList<>(waves.size());
        for (List<long[]> w : waves) {
            long[] a = new long[w.size()];
            long[] b = new long[w.size()];
            long[] c = new long[w.size()];
            for (int i = 0; i < w.size(); i++) {
                a[i] = w.get(i)[0];
                b[i] = w.get(i)[1];
                c[i] = w.get(i)[2];
            }
            out.add(new Wave(a, b, c));
        }
        return List.copyOf(out);
    }
}
