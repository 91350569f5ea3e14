package dev.ganglion.engine.sparse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ganglion.engine.DType;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Construction, conversions and pattern builders of the three formats. */
class SparseFormatTest {

    @Test
    void blockDiagonalRoundTripsThroughDense() {
        Tensor dense = SparseTesting.random(1, 6, 9);
        BlockDiagonal w = BlockDiagonal.fromDense(dense, 3);
        assertThat(w.values().shape()).isEqualTo(Shape.of(3, 2, 3));
        assertThat(w.nnz()).isEqualTo(18);
        assertThat(w.density()).isEqualTo(1.0 / 3);
        Tensor back = w.toDense();
        for (int i = 0; i < 6; i++) {
            for (int j = 0; j < 9; j++) {
                double expected = i / 2 == j / 3 ? dense.get(i, j) : 0;
                assertThat(back.get(i, j)).isEqualTo(expected);
            }
        }
        assertThat(w.toBsr().toDense().toFloatArray()).containsExactly(back.toFloatArray());
    }

    @Test
    void blockDiagonalMaskMakesHolesInsideBlocks() {
        Tensor dense = SparseTesting.random(2, 4, 4);
        Tensor mask = Tensor.ones(4, 4).set(0, 0, 1).set(0, 3, 2);
        BlockDiagonal w = BlockDiagonal.fromDense(dense, mask, 2);
        assertThat(w.toDense().get(0, 1)).isZero();
        assertThat(w.toDense().get(0, 0)).isEqualTo(dense.get(0, 0));
        assertThat(w.toDense().get(3, 2)).isZero();
        assertThat(w.patternMask().get(3, 2)).isEqualTo(1.0);
    }

    @Test
    void valuesAreLiveAndWithValuesSharesStructure() {
        Csr w = Csr.random(5, 8, 0.5, 3);
        Tensor x = SparseTesting.random(4, 2, 8);
        float[] before = SparseOps.linear(x, w).toFloatArray();
        w.values().floatArray()[0] *= 2;
        w.values().markWritten();
        assertThat(SparseOps.linear(x, w).toFloatArray()).isNotEqualTo(before);
        Csr g = w.withValues(Tensor.zeros(w.nnz()));
        assertThat(g.index()).isSameAs(w.index());
        assertThat(g.toDense().toFloatArray()).containsOnly(0f);
    }

    @Test
    void csrFromDenseKeepsNonzerosAndMaskedZeros() {
        Tensor dense = Tensor.of(new float[] {0, 2, 0, 3, 0, 0, 0, 0, 4}, 3, 3);
        Csr w = Csr.fromDense(dense);
        assertThat(w.rowPtr()).containsExactly(0, 1, 2, 3);
        assertThat(w.colIdx()).containsExactly(1, 0, 2);
        assertThat(w.values().toFloatArray()).containsExactly(2, 3, 4);
        assertThat(w.toDense().toFloatArray()).containsExactly(dense.toFloatArray());
        Tensor mask = Tensor.of(new float[] {1, 1, 0, 0, 0, 0, 0, 0, 1}, 3, 3);
        Csr m = Csr.fromDense(dense, mask);
        assertThat(m.nnz()).isEqualTo(3);
        assertThat(m.values().toFloatArray()).containsExactly(0, 2, 4);
        assertThat(m.patternMask().toFloatArray()).containsExactly(mask.toFloatArray());
    }

    @Test
    void csrRandomHasExactDensityPerRow() {
        Csr w = Csr.random(10, 40, 0.25, 7);
        int[] ptr = w.rowPtr();
        for (int i = 0; i < 10; i++) {
            assertThat(ptr[i + 1] - ptr[i]).isEqualTo(10);
        }
        assertThat(w.density()).isEqualTo(0.25);
        assertThat(Csr.random(10, 40, 0.25, 7).colIdx()).containsExactly(w.colIdx());
    }

    @Test
    void randomPatternsAreEachRowsPartialShuffleAsFromAFreshIdentity() {
        // the definition with a fresh permutation and a dense mask per row, which the builder must
        // reproduce draw for draw while keeping one row's permutation only
        for (int[] c : new int[][] {{10, 40, 7}, {33, 17, 1}, {5, 1, 2}, {8, 64, 3}}) {
            for (double density : new double[] {0, 0.13, 0.5, 1}) {
                int rows = c[0], cols = c[1];
                SplittableRandom rnd = new SplittableRandom(c[2]);
                int perRow = (int) Math.round(density * cols);
                List<Integer> want = new ArrayList<>();
                for (int i = 0; i < rows; i++) {
                    int[] order = IntStream.range(0, cols).toArray();
                    boolean[] hit = new boolean[cols];
                    for (int k = 0; k < perRow; k++) {
                        int t = k + rnd.nextInt(cols - k);
                        int swap = order[k];
                        order[k] = order[t];
                        order[t] = swap;
                        hit[order[k]] = true;
                    }
                    for (int j = 0; j < cols; j++) {
                        if (hit[j]) {
                            want.add(j);
                        }
                    }
                }
                Csr w = Csr.random(rows, cols, density, c[2]);
                assertThat(w.colIdx()).as("%s density %s", Arrays.toString(c), density)
                        .containsExactly(want.stream().mapToInt(Integer::intValue).toArray());
                assertThat(Bsr.random(rows * 2, cols * 3, 2, 3, density, c[2]).colIdx()).containsExactly(w.colIdx());
            }
        }
        // no rows×cols mask: 10^10 positions, 10^6 entries
        Csr big = Csr.random(100_000, 100_000, 1e-4, 1);
        assertThat(big.nnz()).isEqualTo(1_000_000);
        assertThat(big.rowPtr()[100_000]).isEqualTo(1_000_000);
    }

    @Test
    void bsrBuildersAgree() {
        Tensor blockMask = Tensor.of(new float[] {1, 0, 1, 0, 0, 0, 0, 1, 1}, 3, 3);
        Bsr p = Bsr.fromBlockMask(blockMask, 2, 3, DType.F32);
        assertThat(p.rows()).isEqualTo(6);
        assertThat(p.cols()).isEqualTo(9);
        assertThat(p.rowPtr()).containsExactly(0, 2, 2, 4);
        assertThat(p.colIdx()).containsExactly(0, 2, 1, 2);
        assertThat(p.values().shape()).isEqualTo(Shape.of(4, 2, 3));
        Bsr w = SparseTesting.randomValues(p, 5);
        Tensor dense = w.toDense();
        Bsr again = Bsr.fromDense(dense, 2, 3);
        assertThat(again.colIdx()).containsExactly(w.colIdx());
        assertThat(again.values().toFloatArray()).containsExactly(w.values().toFloatArray());
        assertThat(Bsr.fromDense(dense, blockMask, 2, 3).toDense().toFloatArray()).containsExactly(dense.toFloatArray());
        Bsr viaOf = Bsr.of(6, 9, 2, 3, w.rowPtr(), w.colIdx(), w.values().reshape(-1));
        assertThat(viaOf.toDense().toFloatArray()).containsExactly(dense.toFloatArray());
        // blocks too large for an int count of rows: named, not wrapped round to a wrong shape
        assertThatThrownBy(() -> Bsr.fromBlockMask(Tensor.ones(4, 1), 1 << 30, 1, DType.F32))
                .hasMessage("Bsr.fromBlockMask: block mask [4, 1] of 1073741824×1 blocks makes a 4294967296×1 matrix, "
                        + "larger than 2^31 − 1 rows or columns");
    }

    @Test
    void bsrRandomHasExactBlockDensity() {
        Bsr w = Bsr.random(64, 128, 4, 8, 0.25, 1);
        assertThat(w.nnzBlocks()).isEqualTo(16 * 4);
        assertThat(w.density()).isEqualTo(0.25);
        assertThat(w.nnz()).isEqualTo(16 * 4 * 32);
    }

    @Test
    void forEachEntryVisitsTheValuesInOrder() {
        for (SparseMatrix w : new SparseMatrix[] {Csr.random(7, 9, 0.3, 1), Bsr.random(6, 8, 3, 2, 0.5, 2),
                SparseTesting.randomValues(BlockDiagonal.zeros(2, 6, 4, DType.F32), 3)}) {
            int[] seen = new int[w.nnz()];
            float[] v = w.values().toFloatArray();
            Tensor dense = w.toDense();
            w.forEachEntry((i, j, k) -> {
                seen[k]++;
                assertThat(dense.get(i, j)).isEqualTo(v[k]);
            });
            assertThat(seen).containsOnly(1);
        }
    }

    @Test
    void float64ValuesStayFloat64() {
        Csr w = Csr.fromMask(Tensor.ones(3, 3), DType.F64);
        assertThat(w.dtype()).isEqualTo(DType.F64);
        assertThat(w.toDense().dtype()).isEqualTo(DType.F64);
        assertThat(BlockDiagonal.fromDense(Tensor.zeros(4, 4).to(DType.F64), 2).dtype()).isEqualTo(DType.F64);
    }
}
