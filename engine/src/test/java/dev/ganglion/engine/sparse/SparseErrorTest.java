package dev.ganglion.engine.sparse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ganglion.engine.DType;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.kernel.BatchLayout;
import dev.ganglion.engine.kernel.BlockDiagProducts;
import dev.ganglion.engine.kernel.BsrProducts;
import dev.ganglion.engine.kernel.CsrProducts;
import org.junit.jupiter.api.Test;

/** One test per error family: bad structure, bad shapes, bad dtypes, aliasing; always an IllegalArgumentException naming the op. */
class SparseErrorTest {
    private static final Tensor V3 = Tensor.zeros(3);

    @Test
    void badRowPointers() {
        assertThatThrownBy(() -> Csr.of(2, 3, new int[] {0, 3}, new int[] {0, 1, 2}, V3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Csr").hasMessageContaining("rowPtr has length 2");
        assertThatThrownBy(() -> Csr.of(2, 3, new int[] {1, 2, 3}, new int[] {0, 1, 2}, V3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must start at 0");
        assertThatThrownBy(() -> Csr.of(2, 3, new int[] {0, 2, 2}, new int[] {0, 1, 2}, V3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("end at colIdx.length = 3");
        assertThatThrownBy(() -> Csr.of(3, 3, new int[] {0, 2, 1, 3}, new int[] {0, 1, 2}, V3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("decreases at row 1");
        // an interior pointer past colIdx is caught as the decrease after it, before any row is read
        assertThatThrownBy(() -> Csr.of(2, 3, new int[] {0, 5, 3}, new int[] {0, 1, 2}, V3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("decreases at row 1 (5 > 3)");
        assertThatThrownBy(() -> Bsr.of(4, 4, 2, 2, new int[] {0, 3, 2}, new int[] {0, 1}, Tensor.zeros(8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("decreases at block-row 1 (3 > 2)");
        assertThatThrownBy(() -> Csr.of(Integer.MAX_VALUE, 3, new int[] {0}, new int[0], Tensor.zeros(0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected rows+1 = 2147483648");
        assertThatThrownBy(() -> Bsr.of(4, 4, 2, 2, new int[] {0, 1}, new int[] {0}, Tensor.zeros(4)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Bsr").hasMessageContaining("rowPtr");
    }

    @Test
    void bsrStructureErrorsCountBlockRowsAndBlockColumns() {
        // rows 4 in blocks of 2: two block-rows, so three pointers (not "rows+1 = 3 for 2 rows")
        assertThatThrownBy(() -> Bsr.of(4, 4, 2, 2, new int[] {0, 1, 2, 2, 2}, new int[] {0, 1}, Tensor.zeros(8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Bsr: rowPtr has length 5, expected block-rows+1 = 3 for 2 block-rows");
        assertThatThrownBy(() -> Bsr.of(4, 4, 2, 2, new int[] {0, 1, 2}, new int[] {2, 0}, Tensor.zeros(8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("colIdx[0] = 2 in block-row 0 is out of range [0, 2) of block-columns");
        assertThatThrownBy(() -> Bsr.of(4, 4, 2, 2, new int[] {0, 2, 2}, new int[] {1, 0}, Tensor.zeros(8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("colIdx of block-row 0 must be sorted");
        // CSR keeps its element words
        assertThatThrownBy(() -> Csr.of(1, 3, new int[] {0, 1}, new int[] {3}, Tensor.zeros(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("colIdx[0] = 3 in row 0 is out of range [0, 3) of columns");
    }

    @Test
    void backwardChecksThatDyAndXShareABatchBeforeTheOutputsAndNamesItself() {
        Csr w = Csr.random(5, 4, 0.5, 1);
        for (BatchLayout layout : BatchLayout.values()) {
            boolean fm = layout == BatchLayout.FEATURE_MAJOR;
            Tensor dy = fm ? Tensor.zeros(5, 2) : Tensor.zeros(2, 5);
            Tensor x = fm ? Tensor.zeros(4, 3) : Tensor.zeros(3, 4);
            Tensor dx = fm ? Tensor.zeros(4, 3) : Tensor.zeros(3, 4);
            for (Tensor dw : new Tensor[] {null, Tensor.zeros(w.nnz())}) {
                assertThatThrownBy(() -> SparseOps.linearBackwardInto(layout, dy, x, w, dx, false, dw, false))
                        .as(layout + (dw == null ? " dx only" : " both"))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageStartingWith("SparseOps.linearBackward: dy of shape " + dy.shape() + " and x of shape "
                                + x.shape() + " disagree on the batch");
            }
            // a bad dx alone is still reported, under the op called
            Tensor badDx = fm ? Tensor.zeros(4, 1) : Tensor.zeros(1, 4);
            Tensor x2 = fm ? Tensor.zeros(4, 2) : Tensor.zeros(2, 4);
            assertThatThrownBy(() -> SparseOps.linearBackwardInto(layout, dy, x2, w, badDx, false, Tensor.zeros(w.nnz()), false))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("SparseOps.linearBackward: dx must be");
            assertThatThrownBy(() -> SparseOps.linearBackwardInto(layout, dy, null, w, null, false, Tensor.zeros(w.nnz()), false))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("x must not be null");
            // the same through a transposed weight T = Wᵀ (a NullPointerException, and a message about dx, before)
            Csr t = w.transpose();
            for (Tensor dt : new Tensor[] {null, Tensor.zeros(t.nnz())}) {
                assertThatThrownBy(() -> SparseOps.linearTransposedBackwardInto(layout, dy, x, t, dx, false, dt, false))
                        .as(layout + " transposed" + (dt == null ? " dx only" : " both"))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageStartingWith("SparseOps.linearTransposedBackward: dy of shape " + dy.shape()
                                + " and x of shape " + x.shape() + " disagree on the batch");
            }
            assertThatThrownBy(() -> SparseOps.linearTransposedBackwardInto(layout, dy, null, t, null, false,
                    Tensor.zeros(t.nnz()), false))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("SparseOps.linearTransposedBackward: x must "
                            + "not be null when dt is wanted");
        }
    }

    @Test
    void unsortedDuplicateAndOutOfRangeColumns() {
        assertThatThrownBy(() -> Csr.of(1, 3, new int[] {0, 3}, new int[] {0, 2, 1}, V3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sorted and unique");
        assertThatThrownBy(() -> Csr.of(1, 3, new int[] {0, 3}, new int[] {0, 1, 1}, V3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sorted and unique");
        assertThatThrownBy(() -> Csr.of(1, 3, new int[] {0, 3}, new int[] {0, 1, 3}, V3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("out of range [0, 3)");
        assertThatThrownBy(() -> Csr.of(1, 3, new int[] {0, 3}, new int[] {-1, 0, 1}, V3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("out of range");
        assertThatThrownBy(() -> Bsr.of(4, 4, 2, 2, new int[] {0, 1, 2}, new int[] {0, 2}, Tensor.zeros(8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("out of range [0, 2)");
    }

    @Test
    void blocksMustDivideTheShape() {
        assertThatThrownBy(() -> BlockDiagonal.zeros(3, 6, 8, DType.F32))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3 blocks do not divide shape [6, 8]");
        assertThatThrownBy(() -> BlockDiagonal.zeros(0, 6, 6, DType.F32))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blocks must be ≥ 1");
        assertThatThrownBy(() -> Bsr.of(6, 8, 4, 4, new int[] {0}, new int[0], Tensor.zeros(0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("4×4 do not divide shape [6, 8]");
        assertThatThrownBy(() -> Bsr.random(8, 8, 0, 2, 0.5, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be positive");
        assertThatThrownBy(() -> Csr.random(4, 4, 1.5, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("density");
    }

    @Test
    void aDenseFormTooLargeForATensorIsNamed() {
        Csr huge = Csr.of(100_000, 100_000, new int[100_001], new int[0], Tensor.zeros(0));
        assertThatThrownBy(huge::toDense).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("toDense of Csr[100000×100000, 0 entries, F32]: shape [100000, 100000] is too large");
        assertThatThrownBy(huge::patternMask).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("patternMask of Csr[100000×100000");
    }

    @Test
    void badValues() {
        assertThatThrownBy(() -> Csr.of(1, 3, new int[] {0, 2}, new int[] {0, 1}, V3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has 3 elements, the pattern needs 2");
        assertThatThrownBy(() -> BlockDiagonal.of(2, 4, 4, Tensor.zeros(4, 4).slice(1, 0, 2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("contiguous");
        assertThatThrownBy(() -> Csr.random(3, 3, 0.5, 1).withValues(Tensor.zeros(7)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Csr.withValues");
    }

    @Test
    void shapeMismatchInProducts() {
        Csr w = Csr.random(4, 6, 0.5, 1);
        assertThatThrownBy(() -> SparseOps.linear(Tensor.zeros(3, 5), w))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SparseOps.linear").hasMessageContaining("[3, 5]").hasMessageContaining("4×6");
        assertThatThrownBy(() -> SparseOps.linearInputGrad(Tensor.zeros(3, 6), w))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SparseOps.linearInputGrad");
        assertThatThrownBy(() -> SparseOps.linearWeightGrad(Tensor.zeros(2, 4), Tensor.zeros(3, 6), w))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SparseOps.linearWeightGrad").hasMessageContaining("dy has shape [2, 4]");
        // both backward products at once check like each alone, before any kernel runs, named by the op called
        Tensor dx = Tensor.zeros(3, 6);
        assertThatThrownBy(() -> SparseOps.linearBackwardInto(Tensor.zeros(3, 4), Tensor.zeros(3, 6), w, dx, false,
                Tensor.zeros(w.nnz() + 1), false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("SparseOps.linearBackward: ")
                .hasMessageContaining("dw must be a contiguous F32 tensor of shape [" + w.nnz() + "]");
        assertThatThrownBy(() -> SparseOps.linearBackwardInto(Tensor.zeros(3, 4), Tensor.zeros(3, 6), w,
                Tensor.zeros(3, 5), false, Tensor.zeros(w.nnz()), false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("SparseOps.linearBackward: ")
                .hasMessageContaining("dx must be a contiguous F32 tensor of shape [3, 6]");
        assertThatThrownBy(() -> SparseOps.linear(Tensor.scalar(1f), w))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SparseOps.linear");
        BlockDiagonal bd = BlockDiagonal.zeros(2, 4, 6, DType.F32);
        assertThatThrownBy(() -> SparseOps.linearInto(Tensor.zeros(3, 6), bd, Tensor.zeros(3, 5), false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("y must be a contiguous F32 tensor of shape [3, 4]");
        assertThatThrownBy(() -> SparseOps.linearWeightGradInto(Tensor.zeros(3, 4), Tensor.zeros(3, 6), bd, Tensor.zeros(12), false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dw must be a contiguous F32 tensor of shape [2, 2, 3]");
    }

    @Test
    void dtypeMismatchAndAliasing() {
        Bsr w = Bsr.random(4, 4, 2, 2, 0.5, 1);
        assertThatThrownBy(() -> SparseOps.linear(Tensor.zeros(2, 4).to(DType.F64), w))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is F64");
        Tensor x = Tensor.zeros(2, 4);
        assertThatThrownBy(() -> SparseOps.linearInto(x, w, x, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not share storage");
        assertThatThrownBy(() -> SparseOps.linearWeightGradInto(x, x, w, w.values(), false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not share storage");
        // both backward products: dX must not overwrite the X that dW reads (a square weight in each format)
        Tensor dy = Tensor.zeros(2, 4);
        Csr c = Csr.random(4, 4, 0.5, 1);
        for (SparseMatrix sq : new SparseMatrix[] {w, c, BlockDiagonal.zeros(2, 4, 4, DType.F32),
                c.withValues(c.values().to(DType.F64))}) {
            Tensor xs = Tensor.zeros(2, 4).to(sq.dtype());
            Tensor dys = dy.to(sq.dtype());
            assertThatThrownBy(() -> SparseOps.linearBackwardInto(dys, xs, sq, xs, false,
                    Tensor.zeros(sq.values().shape(), sq.dtype()), false))
                    .as("%s", sq).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("SparseOps.linearBackward: dx of shape [2, 4] must not share storage with x");
        }
        assertThatThrownBy(() -> SparseOps.linearTransposedBackwardInto(BatchLayout.BATCH_MAJOR, dy, x, c, x, false,
                Tensor.zeros(c.nnz()), false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not share storage with x");
    }

    @Test
    void arrayLevelProductsCheckLengths() {
        Csr w = Csr.random(4, 6, 0.5, 1);
        float[] v = w.values().floatArray();
        assertThatThrownBy(() -> CsrProducts.active().forward(w.index(), v, 0, 3, new float[17], 0, new float[12], 0, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("csr forward: x of shape [3, 6]").hasMessageContaining("length 17");
        assertThatThrownBy(() -> CsrProducts.active().weightGrad(w.index(), 3, new float[12], 0, new float[18], 0, new float[1], 0, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("csr weight-grad");
        Bsr b = Bsr.random(4, 4, 2, 2, 0.5, 1);
        assertThatThrownBy(() -> BsrProducts.active().inputGrad(b.index(), 2, 2, new float[1], 0, 1, new float[4], 0, new float[4], 0, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bsr input-grad");
        float[] dx = new float[4];
        assertThatThrownBy(() -> BsrProducts.active().backward(b.index(), 2, 2, b.values().floatArray(), 0, 1,
                new float[4], 0, new float[3], 0, dx, 0, false, new float[b.values().size()], 0, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bsr weight-grad: x of shape [1, 4]").hasMessageContaining("length 3");
        assertThat(dx).containsOnly(0f); // checked before the input gradient ran
        assertThatThrownBy(() -> BsrProducts.active().forward(b.index(), 0, 2, b.values().floatArray(), 0, 1, new float[4], 0, new float[4], 0, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("block shape 0×2");
        assertThatThrownBy(() -> BlockDiagProducts.active().forward(2, 2, 2, new float[8], 0, 2, new float[8], 0, new float[7], 0, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blockdiag forward: y of shape [2, 4]");
    }
}
