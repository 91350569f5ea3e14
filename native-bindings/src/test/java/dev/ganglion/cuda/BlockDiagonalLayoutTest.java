package dev.ganglion.cuda;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ganglion.engine.Shape;
import dev.ganglion.engine.testing.Fixtures;
import org.junit.jupiter.api.Test;

/**
 * The strided-batched GEMMs of the block-diagonal passes, executed on the CPU exactly as cuBLAS
 * would run them (column-major reference, operands swapped by {@link ColumnMajorGemm}), against a
 * plain-loop block-diagonal reference. This is the layout math the GPU path relies on.
 */
class BlockDiagonalLayoutTest {
    private static final int[][] SHAPES = {
        {1, 1, 1, 1}, {3, 2, 4, 5}, {7, 3, 8, 8}, {13, 4, 5, 3}, {2, 1, 17, 9}, {33, 5, 7, 7},
    };

    @Test
    void forwardPlanComputesBlockDiagonalProduct() {
        for (int[] s : SHAPES) {
            int batch = s[0];
            int groups = s[1];
            int ob = s[2];
            int ib = s[3];
            float[] x = Fixtures.randomFloats(batch * groups * ib, 1);
            float[] w = Fixtures.randomFloats(groups * ob * ib, 2);
            float[] y = new float[batch * groups * ob];
            run(CudaBlockDiagonal.forwardBatch(new CudaBlockDiagonal.Dims(batch, groups, ob, ib)), x, w, 0f, y);
            Fixtures.assertClose(y, CpuReference.blockDiagForward(x, w, batch, groups, ob, ib), 1e-5, 1e-6);
        }
    }

    @Test
    void inputGradPlanComputesDyTimesBlockDiagonal() {
        for (int[] s : SHAPES) {
            int batch = s[0];
            int groups = s[1];
            int ob = s[2];
            int ib = s[3];
            float[] dy = Fixtures.randomFloats(batch * groups * ob, 3);
            float[] w = Fixtures.randomFloats(groups * ob * ib, 4);
            float[] dx = new float[batch * groups * ib];
            run(CudaBlockDiagonal.inputGradBatch(new CudaBlockDiagonal.Dims(batch, groups, ob, ib)), dy, w, 0f, dx);
            Fixtures.assertClose(dx, CpuReference.blockDiagInputGrad(dy, w, batch, groups, ob, ib), 1e-5, 1e-6);
        }
    }

    @Test
    void weightGradPlanAccumulatesPerBlockOuterProducts() {
        for (int[] s : SHAPES) {
            int batch = s[0];
            int groups = s[1];
            int ob = s[2];
            int ib = s[3];
            float[] dy = Fixtures.randomFloats(batch * groups * ob, 5);
            float[] x = Fixtures.randomFloats(batch * groups * ib, 6);
            float[] dw = Fixtures.randomFloats(groups * ob * ib, 7);
            float[] expected = CpuReference.blockDiagWeightGrad(dy, x, batch, groups, ob, ib);
            for (int i = 0; i < expected.length; i++) {
                expected[i] += dw[i];
            }
            run(CudaBlockDiagonal.weightGradBatch(new CudaBlockDiagonal.Dims(batch, groups, ob, ib)), dy, x, 1f, dw);
            Fixtures.assertClose(dw, expected, 1e-5, 1e-6);
        }
    }

    @Test
    void rejectsInconsistentShapesNamingTheOp() {
        assertThatThrownBy(() -> CudaBlockDiagonal.dims("CudaBlockDiagonal.forward",
                Shape.of(4, 10), Shape.of(2, 3, 4), Shape.of(4, 6)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("CudaBlockDiagonal.forward").hasMessageContaining("[4, 10]")
                .hasMessageContaining("[2, 3, 4]");
        assertThatThrownBy(() -> CudaBlockDiagonal.dims("CudaBlockDiagonal.inputGrad",
                Shape.of(4, 8), Shape.of(2, 3, 4), Shape.of(5, 6)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("inputGrad");
        assertThatThrownBy(() -> CudaBlockDiagonal.dims("CudaBlockDiagonal.weightGrad",
                Shape.of(4, 8), Shape.of(6, 4), Shape.of(4, 6)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("W [G, ob, ib]");
    }

    /** What cublasSgemmStridedBatched does with the mapped arguments (first operand = our B). */
    static void run(ColumnMajorGemm.Batch batch, float[] a, float[] b, float beta, float[] c) {
        ColumnMajorGemm g = batch.cublas();
        for (int i = 0; i < batch.count(); i++) {
            CpuReference.columnMajorGemm(g.opFirst(), g.opSecond(), g.m(), g.n(), g.k(), 1f,
                    b, i * batch.strideB(), g.ldFirst(), a, i * batch.strideA(), g.ldSecond(),
                    beta, c, i * batch.strideC(), g.ldc());
        }
    }
}
