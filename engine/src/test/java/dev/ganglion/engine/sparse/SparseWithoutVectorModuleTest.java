package dev.ganglion.engine.sparse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ganglion.engine.DType;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.kernel.BsrKernel;
import dev.ganglion.engine.kernel.CsrKernel;
import dev.ganglion.engine.kernel.ScalarBsr;
import dev.ganglion.engine.kernel.ScalarCsr;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Runs in a JVM started without {@code --add-modules jdk.incubator.vector}: the scalar kernels take over. */
@Tag("no-vector-module")
class SparseWithoutVectorModuleTest {
    @Test
    void productsRunOnTheScalarKernels() {
        assertThat(CsrKernel.active()).isInstanceOf(ScalarCsr.class);
        assertThat(BsrKernel.active()).isInstanceOf(ScalarBsr.class);
        for (SparseMatrix w : new SparseMatrix[] {Csr.random(9, 13, 0.3, 1), Bsr.random(8, 12, 2, 3, 0.5, 2),
                SparseTesting.randomValues(BlockDiagonal.zeros(3, 9, 6, DType.F32), 3)}) {
            Tensor x = SparseTesting.random(4, 5, w.cols());
            Tensor dy = SparseTesting.random(5, 5, w.rows());
            double[] wd = w.toDense().toDoubleArray();
            SparseTesting.assertNear(w + " forward", SparseOps.linear(x, w).toDoubleArray(),
                    SparseTesting.linear(x.toDoubleArray(), wd, 5, w.cols(), w.rows()), w.cols());
            SparseTesting.assertNear(w + " input-grad", SparseOps.linearInputGrad(dy, w).toDoubleArray(),
                    SparseTesting.inputGrad(dy.toDoubleArray(), wd, 5, w.cols(), w.rows()), w.rows());
            SparseTesting.assertNear(w + " weight-grad", SparseOps.linearWeightGrad(dy, x, w).toDoubleArray(),
                    SparseTesting.sampled(SparseTesting.denseWeightGrad(dy.toDoubleArray(), x.toDoubleArray(), 5,
                            w.cols(), w.rows()), w), 5);
        }
    }
}
