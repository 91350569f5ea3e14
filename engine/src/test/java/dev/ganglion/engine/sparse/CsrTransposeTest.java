package dev.ganglion.engine.sparse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ganglion.engine.DType;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.kernel.BatchLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * {@link Csr#transpose} against the dense transpose, and the column-major index it reads: built on
 * first use, so a very wide matrix costs nothing until a product needs its columns.
 */
class CsrTransposeTest {
    @Test
    void transposeIsTheDenseTransposeAtAwkwardSizesWithEmptyRowsAndColumns() {
        int[][] sizes = {{0, 0}, {1, 1}, {1, 7}, {7, 1}, {13, 7}, {7, 13}, {31, 100}};
        for (int[] rc : sizes) {
            for (DType dtype : new DType[] {DType.F32, DType.F64}) {
                int rows = rc[0];
                int cols = rc[1];
                Tensor mask = SparseTesting.mask(rows, cols, 0.3, rows * 31L + cols);
                if (rows > 2 && cols > 2) { // an empty row and an empty column for sure
                    double[] m = mask.toDoubleArray();
                    for (int j = 0; j < cols; j++) {
                        m[cols + j] = 0;
                    }
                    for (int i = 0; i < rows; i++) {
                        m[i * cols + 2] = 0;
                    }
                    mask = Tensor.of(m, rows, cols).to(DType.F32);
                }
                Tensor dense = SparseTesting.random(rows * 7L + cols, rows, cols).to(dtype);
                Csr w = Csr.fromDense(dense, mask);
                Csr t = w.transpose();
                String what = rows + "×" + cols + " " + dtype;
                assertThat(t.rows()).as(what).isEqualTo(cols);
                assertThat(t.cols()).as(what).isEqualTo(rows);
                assertThat(t.dtype()).as(what).isEqualTo(dtype);
                assertThat(t.toDense().toDoubleArray()).as(what).containsExactly(w.toDense().mT().copy().toDoubleArray());
                // T.values[k] = W.values[order[k]]
                int[] order = w.transposeOrder();
                double[] wv = w.values().toDoubleArray();
                double[] tv = t.values().toDoubleArray();
                assertThat(order).as(what).hasSize(w.nnz());
                for (int k = 0; k < order.length; k++) {
                    assertThat(tv[k]).as(what + " entry " + k).isEqualTo(wv[order[k]]);
                }
                // a copy, not W's storage; transposing twice gives W back
                assertThat(t.values().sharesStorage(w.values())).isFalse();
                Csr tt = t.transpose();
                assertThat(tt.rowPtr()).as(what).containsExactly(w.rowPtr());
                assertThat(tt.colIdx()).as(what).containsExactly(w.colIdx());
                assertThat(tt.values().toDoubleArray()).as(what).containsExactly(wv);
            }
        }
    }

    @Test
    void transposedWeightGivesTheSameLayerAsTheWeight() {
        Csr w = Csr.random(13, 29, 0.2, 5);
        Tensor x = SparseTesting.random(9, 6, 29);
        Tensor y = Tensor.zeros(Shape.of(6, 13), DType.F32);
        SparseOps.linearTransposedInto(BatchLayout.BATCH_MAJOR, x, w.transpose(), y, false);
        assertThat(y.toFloatArray()).containsExactly(SparseOps.linearInputGrad(x, w.transpose().transpose().transpose()).toFloatArray());
        SparseTesting.assertNear("Y", y.toDoubleArray(), SparseOps.linear(x, w).toDoubleArray(), 29);
    }

    @Test
    void aMatrixTooWideForAColumnPointerArrayIsBuiltAndRefusedOnlyWhereItsColumnsAreNeeded() {
        // the column-major index used to be built eagerly: new int[cols + 1] overflowed
        // (NegativeArraySizeException) at 2^31 − 1 columns and took gigabytes below that
        Csr w = Csr.of(1, Integer.MAX_VALUE, new int[] {0, 1}, new int[] {Integer.MAX_VALUE - 1}, Tensor.ones(1));
        assertThat(w.nnz()).isEqualTo(1);
        assertThat(w.colIdx()).containsExactly(Integer.MAX_VALUE - 1);
        assertThatThrownBy(w::transpose).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Csr.transpose").hasMessageContaining("2147483647 columns")
                .hasMessageContaining("2147483648 column pointers");
        Csr wide = Csr.of(3, Integer.MAX_VALUE - 9, new int[] {0, 1, 1, 2}, new int[] {5, 0}, Tensor.ones(2));
        assertThat(wide.toString()).contains("2 entries");
        Bsr blocks = Bsr.of(2, Integer.MAX_VALUE - 1, 1, 1, new int[] {0, 0, 1}, new int[] {3}, Tensor.ones(1, 1, 1));
        assertThat(blocks.nnzBlocks()).isEqualTo(1);
    }

    @Test
    void concurrentFirstUsesAgreeOnTheColumnMajorIndex() throws Exception {
        for (int round = 0; round < 20; round++) {
            Csr w = Csr.random(40, 300, 0.1, round);
            int[] expected = Csr.of(40, 300, w.rowPtr(), w.colIdx(), w.values()).transposeOrder();
            Tensor dy = SparseTesting.random(round, 3, 40);
            float[] dx = SparseOps.linearInputGrad(dy, Csr.of(40, 300, w.rowPtr(), w.colIdx(), w.values())).toFloatArray();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Callable<Object[]>> tasks = new ArrayList<>();
                for (int k = 0; k < 4; k++) {
                    tasks.add(() -> new Object[] {w.transposeOrder(), SparseOps.linearInputGrad(dy, w).toFloatArray()});
                }
                for (Future<Object[]> f : pool.invokeAll(tasks)) {
                    assertThat((int[]) f.get()[0]).containsExactly(expected);
                    assertThat((float[]) f.get()[1]).containsExactly(dx);
                }
            } finally {
                pool.shutdown();
            }
        }
    }
}
