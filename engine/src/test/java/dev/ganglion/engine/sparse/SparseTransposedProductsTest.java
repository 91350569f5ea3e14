package dev.ganglion.engine.sparse;

import static dev.ganglion.engine.sparse.SparseTesting.assertNear;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ganglion.engine.DType;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.kernel.BatchLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code Y = X·T} and its backward products for a weight kept as its transpose T ({@link
 * SparseOps#linearTransposedInto}), every format of {@link SparseProductsTest#cases}, against the
 * dense computation in float64; the fused CSR backward sweep against its two parts, bit for bit.
 */
class SparseTransposedProductsTest {
    @ParameterizedTest(name = "{0}, batch {2}")
    @MethodSource(SparseTesting.CASES)
    void productsMatchDenseFloat64(String name, SparseMatrix t, int batch) {
        for (DType dtype : new DType[] {DType.F32, DType.F64}) {
            SparseMatrix w = t.withValues(t.values().to(dtype));
            int in = w.rows();
            int out = w.cols();
            double[] td = w.toDense().toDoubleArray();
            Tensor x = SparseTesting.random(batch * 31L + 7, batch, in).to(dtype);
            Tensor dy = SparseTesting.random(batch * 37L + 5, batch, out).to(dtype);
            double[] xd = x.toDoubleArray();
            double[] dyd = dy.toDoubleArray();
            Tensor y = Tensor.zeros(Shape.of(batch, out), dtype);
            SparseOps.linearTransposedInto(BatchLayout.BATCH_MAJOR, x, w, y, false);
            // Y = X·T is the input gradient of T's own layer; dX = dY·Tᵀ its forward product
            assertNear(name + " " + dtype + " forward", y.toDoubleArray(),
                    SparseTesting.inputGrad(xd, td, batch, out, in), in);
            // dT written at an offset into a longer buffer, as a layer's slice of its parameter gradient
            Tensor dx = Tensor.zeros(Shape.of(batch, in), dtype);
            Tensor buffer = Tensor.zeros(Shape.of(w.nnz() + 3), dtype);
            Tensor dt = buffer.slice(0, 3, w.nnz() + 3).reshape(w.values().shape().dims());
            SparseOps.linearTransposedBackwardInto(BatchLayout.BATCH_MAJOR, dy, x, w, dx, false, dt, false);
            assertNear(name + " " + dtype + " input-grad", dx.toDoubleArray(),
                    SparseTesting.linear(dyd, td, batch, out, in), out);
            assertNear(name + " " + dtype + " weight-grad", dt.toDoubleArray(),
                    SparseTesting.sampled(SparseTesting.denseWeightGrad(xd, dyd, batch, out, in), w), batch);
            assertThat(buffer.slice(0, 0, 3).toDoubleArray()).as("before the slice").containsOnly(0.0);
        }
    }

    @ParameterizedTest(name = "{0}, batch {2}")
    @MethodSource(SparseTesting.CASES)
    void bothBackwardProductsTogetherEqualEachAloneInBothLayouts(String name, SparseMatrix t, int batch) {
        Tensor x = SparseTesting.random(41, batch, t.rows());
        Tensor dy = SparseTesting.random(42, batch, t.cols());
        for (BatchLayout layout : BatchLayout.values()) {
            boolean fm = layout == BatchLayout.FEATURE_MAJOR;
            Tensor xl = fm ? x.mT().copy() : x;
            Tensor dyl = fm ? dy.mT().copy() : dy;
            for (boolean accumulate : new boolean[] {false, true}) {
                Tensor dx = SparseTesting.random(43, fm ? t.rows() : batch, fm ? batch : t.rows());
                Tensor dt = SparseTesting.random(44, t.values().shape().dims());
                Tensor dxAlone = dx.copy();
                Tensor dtAlone = dt.copy();
                Tensor dxBefore = dx.copy();
                Tensor dtBefore = dt.copy();
                SparseOps.linearTransposedBackwardInto(layout, dyl, xl, t, dx, accumulate, dt, !accumulate);
                SparseOps.linearTransposedBackwardInto(layout, dyl, xl, t, dxAlone, accumulate, null, false);
                SparseOps.linearTransposedBackwardInto(layout, dyl, xl, t, null, false, dtAlone, !accumulate);
                String what = name + " " + layout + (accumulate ? " dx +=" : " dt +=");
                // the fused sweep sums as its two parts do: bit-identical
                assertThat(dx.toFloatArray()).as(what + " dx").containsExactly(dxAlone.toFloatArray());
                assertThat(dt.toFloatArray()).as(what + " dt").containsExactly(dtAlone.toFloatArray());
                // and the parts are the products of T's own layer with the roles of X and dY swapped
                Tensor dxRef = accumulate ? dxBefore : Tensor.zeros(dx.shape(), DType.F32);
                SparseOps.linearInto(layout, dyl, t, dxRef, accumulate);
                assertThat(dx.toFloatArray()).as(what + " dx as linear").containsExactly(dxRef.toFloatArray());
                Tensor dtRef = accumulate ? Tensor.zeros(dt.shape(), DType.F32) : dtBefore;
                SparseOps.linearBackwardInto(layout, xl, dyl, t, null, false, dtRef, !accumulate);
                assertThat(dt.toFloatArray()).as(what + " dt as weight-grad").containsExactly(dtRef.toFloatArray());
            }
        }
    }

    @Test
    void featureMajorForwardIsTheTranspose() {
        Csr t = SparseTesting.randomValues(Csr.fromMask(SparseTesting.mask(70, 45, 0.2, 3), DType.F32), 4);
        Tensor x = SparseTesting.random(5, 19, 70);
        Tensor y = Tensor.zeros(Shape.of(19, 45), DType.F32);
        Tensor yt = Tensor.zeros(Shape.of(45, 19), DType.F32);
        SparseOps.linearTransposedInto(BatchLayout.BATCH_MAJOR, x, t, y, false);
        SparseOps.linearTransposedInto(BatchLayout.FEATURE_MAJOR, x.mT().copy(), t, yt, false);
        assertThat(yt.mT().toFloatArray()).containsExactly(y.toFloatArray());
        double[] twice = yt.toDoubleArray();
        for (int i = 0; i < twice.length; i++) {
            twice[i] *= 2;
        }
        SparseOps.linearTransposedInto(BatchLayout.FEATURE_MAJOR, x.mT().copy(), t, yt, true);
        assertNear("+=", yt.toDoubleArray(), twice, 70);
    }

    @Test
    void shapesAreCheckedWithTheOpAndOperandNames() {
        Csr t = SparseTesting.randomValues(Csr.fromMask(SparseTesting.mask(6, 4, 0.5, 1), DType.F32), 2);
        BatchLayout bm = BatchLayout.BATCH_MAJOR;
        assertThatThrownBy(() -> SparseOps.linearTransposedInto(bm, Tensor.zeros(3, 4), t, Tensor.zeros(3, 4), false))
                .hasMessageContaining("SparseOps.linearTransposed").hasMessageContaining("x of shape [3, 4]");
        assertThatThrownBy(() -> SparseOps.linearTransposedInto(bm, Tensor.zeros(3, 6), t, Tensor.zeros(3, 6), false))
                .hasMessageContaining("SparseOps.linearTransposed").hasMessageContaining("y must be")
                .hasMessageContaining("[3, 4]");
        assertThatThrownBy(() -> SparseOps.linearTransposedBackwardInto(bm, Tensor.zeros(3, 6), Tensor.zeros(3, 6), t,
                Tensor.zeros(3, 6), false, null, false))
                .hasMessageContaining("SparseOps.linearTransposedBackward").hasMessageContaining("dy of shape [3, 6]");
        assertThatThrownBy(() -> SparseOps.linearTransposedBackwardInto(bm, Tensor.zeros(3, 4), Tensor.zeros(2, 6), t,
                null, false, Tensor.zeros(t.nnz()), false))
                .hasMessageContaining("SparseOps.linearTransposedBackward")
                .hasMessageContaining("and x of shape [2, 6] disagree on the batch");
        assertThatThrownBy(() -> SparseOps.linearTransposedBackwardInto(bm, Tensor.zeros(3, 4), Tensor.zeros(3, 6), t,
                Tensor.zeros(3, 6), false, Tensor.zeros(t.nnz() + 1), false))
                .hasMessageContaining("SparseOps.linearTransposedBackward").hasMessageContaining("dw must be");
    }
}
