package dev.ganglion.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ganglion.engine.testing.Fixtures;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The batched-GEMM plans of the block-sparse passes, executed on the CPU as
 * {@code cublasSgemmBatched} would (column-major, operands swapped, offsets as pointers), against
 * dense references; and the wave split that keeps concurrent products from writing the same tile.
 */
class BlockBatchPlanTest {
    private static final int[][] CASES = { // rows, cols, rowBlock, colBlock, batch
        {8, 12, 2, 3, 5}, {16, 16, 4, 4, 7}, {6, 9, 1, 1, 3}, {12, 8, 3, 2, 1}, {20, 30, 5, 5, 13},
    };

    @Test
    void forwardEqualsDenseProduct() {
        long seed = 1;
        for (int[] c : CASES) {
            for (double density : new double[] {0.0, 0.3, 1.0}) {
                SparsePattern p = CpuReference.randomPattern(c[0], c[1], c[2], c[3], density, seed++);
                int batch = c[4];
                float[] values = Fixtures.randomFloats(p.values(), seed++);
                float[] x = Fixtures.randomFloats(batch * p.cols(), seed++);
                float[] y = new float[batch * p.rows()];
                execute(BlockBatchPlan.forward(p, batch), x, values, 1f, y);
                float[] expected = CpuReference.matmul(false, true, x, CpuReference.dense(p, values),
                        batch, p.rows(), p.cols());
                Fixtures.assertClose(y, expected, 1e-5, 1e-6);
            }
        }
    }

    @Test
    void inputGradEqualsDenseProduct() {
        long seed = 100;
        for (int[] c : CASES) {
            SparsePattern p = CpuReference.randomPattern(c[0], c[1], c[2], c[3], 0.5, seed++);
            int batch = c[4];
            float[] values = Fixtures.randomFloats(p.values(), seed++);
            float[] dy = Fixtures.randomFloats(batch * p.rows(), seed++);
            float[] dx = new float[batch * p.cols()];
            execute(BlockBatchPlan.inputGrad(p, batch), dy, values, 1f, dx);
            float[] expected = CpuReference.matmul(false, false, dy, CpuReference.dense(p, values),
                    batch, p.cols(), p.rows());
            Fixtures.assertClose(dx, expected, 1e-5, 1e-6);
        }
    }

    @Test
    void weightGradEqualsMaskedOuterProduct() {
        long seed = 200;
        for (int[] c : CASES) {
            SparsePattern p = CpuReference.randomPattern(c[0], c[1], c[2], c[3], 0.5, seed++);
            int batch = c[4];
            float[] dy = Fixtures.randomFloats(batch * p.rows(), seed++);
            float[] x = Fixtures.randomFloats(batch * p.cols(), seed++);
            float[] dw = new float[p.values()];
            execute(BlockBatchPlan.weightGrad(p, batch), dy, x, 0f, dw);
            Fixtures.assertClose(dw, CpuReference.sparseWeightGrad(p, dy, x, batch), 1e-5, 1e-6);
        }
    }

    @Test
    void noWaveWritesOneOutputTileTwice() {
        SparsePattern p = CpuReference.randomPattern(40, 40, 4, 4, 0.6, 7);
        for (BlockBatchPlan plan : new BlockBatchPlan[] {BlockBatchPlan.forward(p, 3), BlockBatchPlan.inputGrad(p, 3),
                BlockBatchPlan.weightGrad(p, 3)}) {
            int products = 0;
            for (BlockBatchPlan.Wave w : plan.waves()) {
                Set<Long> targets = new HashSet<>();
                for (long c : w.c()) {
                    assertThat(targets.add(c)).as("two products of one wave write C offset %d", c).isTrue();
                }
                products += w.size();
            }
            assertThat(products).isEqualTo(p.blocks());
        }
    }

    @Test
    void forwardNeedsAsManyWavesAsTheFullestBlockRow() {
        // Block-rows with 3, 1 and 2 blocks.
        SparsePattern p = new SparsePattern(6, 8, 2, 2, new int[] {0, 3, 4, 6}, new int[] {0, 1, 3, 2, 0, 3});
        assertThat(BlockBatchPlan.forward(p, 4).waves()).hasSize(3);
        // Block-columns hold 2, 1, 1, 2 blocks.
        assertThat(BlockBatchPlan.inputGrad(p, 4).waves()).hasSize(2);
        assertThat(BlockBatchPlan.weightGrad(p, 4).waves()).hasSize(1);
    }

    /** cublasSgemmBatched over each wave, with the plan's offsets standing in for pointers. */
    private static void execute(BlockBatchPlan plan, float[] a, float[] b, float beta, float[] c) {
        ColumnMajorGemm g = plan.cublas();
        for (BlockBatchPlan.Wave w : plan.waves()) {
            for (int i = 0; i < w.size(); i++) {
                CpuReference.columnMajorGemm(g.opFirst(), g.opSecond(), g.m(), g.n(), g.k(), 1f,
                        b, w.b()[i], g.ldFirst(), a, w.a()[i], g.ldSecond(), beta, c, w.c()[i], g.ldc());
            }
        }
    }
}
