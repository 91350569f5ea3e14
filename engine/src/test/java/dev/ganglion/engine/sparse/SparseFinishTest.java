package dev.ganglion.engine.sparse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ganglion.engine.DType;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.kernel.BatchLayout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * The products that end a layer ({@code SparseOps.linearInto} and {@code linearTransposedInto} with a
 * bias and ReLU): the same bits as the product followed by {@code f(y + bias)} element by element,
 * for every format of {@link SparseProductsTest#cases}, both layouts, both dtypes, with and without
 * accumulation; the float32 CSR products on feature-major operands finish inside the kernel.
 */
class SparseFinishTest {
    @ParameterizedTest(name = "{0}, batch {2}")
    @MethodSource(SparseTesting.CASES)
    void finishedProductsEqualTheProductThenBiasThenRelu(String name, SparseMatrix w32, int batch) {
        for (DType dtype : new DType[] {DType.F32, DType.F64}) {
            SparseMatrix w = w32.withValues(w32.values().to(dtype));
            for (BatchLayout layout : BatchLayout.values()) {
                for (boolean transposed : new boolean[] {false, true}) {
                    int in = transposed ? w.rows() : w.cols();
                    int out = transposed ? w.cols() : w.rows();
                    boolean fm = layout == BatchLayout.FEATURE_MAJOR;
                    Tensor x = SparseTesting.random(batch + 11L, batch, in).to(dtype);
                    Tensor xl = fm ? x.mT().copy() : x;
                    Shape ys = fm ? Shape.of(out, batch) : Shape.of(batch, out);
                    Tensor start = SparseTesting.random(batch + 12L, ys.dims()).to(dtype);
                    Tensor bias = SparseTesting.random(batch + 13L, out).to(dtype);
                    for (Tensor b : new Tensor[] {null, bias, bias.reshape(out, 1)}) {
                        for (boolean relu : new boolean[] {false, true}) {
                            for (boolean accumulate : new boolean[] {false, true}) {
                                Tensor y = start.copy();
                                Tensor ref = start.copy();
                                if (transposed) {
                                    SparseOps.linearTransposedInto(layout, xl, w, y, accumulate, b, relu);
                                    SparseOps.linearTransposedInto(layout, xl, w, ref, accumulate);
                                } else {
                                    SparseOps.linearInto(layout, xl, w, y, accumulate, b, relu);
                                    SparseOps.linearInto(layout, xl, w, ref, accumulate);
                                }
                                finish(ref, b, relu, fm, out);
                                String what = name + " " + dtype + " " + layout + (transposed ? " T" : "")
                                        + " bias " + (b == null ? "none" : b.shape()) + " relu " + relu + " acc " + accumulate;
                                assertThat(y.toDoubleArray()).as(what).containsExactly(ref.toDoubleArray());
                            }
                        }
                    }
                }
            }
        }
    }

    /** {@code y = f(y + b)} element by element, in y's dtype. */
    private static void finish(Tensor y, Tensor b, boolean relu, boolean featureMajor, int out) {
        double[] bias = b == null ? null : b.toDoubleArray();
        int rows = out == 0 ? 0 : y.size() / out;
        if (y.dtype() == DType.F32) {
            float[] a = y.floatArray();
            for (int i = 0; i < y.size(); i++) {
                int o = featureMajor ? i / rows : i % out;
                float s = bias == null ? a[i] : a[i] + (float) bias[o];
                a[i] = relu ? Math.max(s, 0f) : s;
            }
        } else {
            double[] a = y.doubleArray();
            for (int i = 0; i < y.size(); i++) {
                int o = featureMajor ? i / rows : i % out;
                double s = bias == null ? a[i] : a[i] + bias[o];
                a[i] = relu ? Math.max(s, 0.0) : s;
            }
        }
    }

    @Test
    void anEmptyBatchIsFinishedAsNothing() {
        Csr w = SparseTesting.randomValues(Csr.fromMask(SparseTesting.mask(6, 4, 0.5, 1), DType.F32), 2);
        for (BatchLayout layout : BatchLayout.values()) {
            boolean fm = layout == BatchLayout.FEATURE_MAJOR;
            Tensor y = fm ? Tensor.zeros(6, 0) : Tensor.zeros(0, 6);
            SparseOps.linearInto(layout, fm ? Tensor.zeros(4, 0) : Tensor.zeros(0, 4), w, y, true, Tensor.ones(6), true);
            SparseOps.linearTransposedInto(layout, fm ? Tensor.zeros(6, 0) : Tensor.zeros(0, 6), w,
                    fm ? Tensor.zeros(4, 0) : Tensor.zeros(0, 4), false, Tensor.ones(4), true);
            assertThat(y.size()).isZero();
        }
    }

    @Test
    void aBiasThatIsNotOneValuePerOutputIsRefusedNamingTheOp() {
        Csr w = SparseTesting.randomValues(Csr.fromMask(SparseTesting.mask(6, 4, 0.5, 1), DType.F32), 2);
        BatchLayout fm = BatchLayout.FEATURE_MAJOR;
        Tensor x = Tensor.zeros(4, 3);
        Tensor y = Tensor.zeros(6, 3);
        assertThatThrownBy(() -> SparseOps.linearInto(fm, x, w, y, false, Tensor.zeros(5), true))
                .hasMessageContaining("SparseOps.linear: bias must be a F32 tensor of 6 values")
                .hasMessageContaining("got F32 [5]");
        assertThatThrownBy(() -> SparseOps.linearInto(fm, x, w, y, false, Tensor.zeros(2, 3), false))
                .hasMessageContaining("got F32 [2, 3]");
        assertThatThrownBy(() -> SparseOps.linearInto(fm, x, w, y, false, Tensor.zeros(6).to(DType.F64), false))
                .hasMessageContaining("got F64 [6]");
        assertThatThrownBy(() -> SparseOps.linearTransposedInto(fm, Tensor.zeros(6, 3), w, Tensor.zeros(4, 3), false,
                Tensor.zeros(6), false))
                .hasMessageContaining("SparseOps.linearTransposed: bias must be a F32 tensor of 4 values");
    }
}
