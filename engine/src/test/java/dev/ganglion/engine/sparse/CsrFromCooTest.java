package dev.ganglion.engine.sparse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ganglion.engine.DType;
import dev.ganglion.engine.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link Csr#fromCoo}: sorted, duplicates summed in their given order, errors naming the position. */
class CsrFromCooTest {
    @Test
    void unsortedTripletsWithDuplicatesMatchADenseAccumulation() {
        for (DType dtype : new DType[] {DType.F32, DType.F64}) {
            for (int[] rc : new int[][] {{1, 1}, {7, 13}, {13, 7}, {31, 5}}) {
                int rows = rc[0];
                int cols = rc[1];
                SplittableRandom rnd = new SplittableRandom(rows * 100L + cols);
                int n = 3 * rows;
                int[] r = new int[n];
                int[] c = new int[n];
                double[] v = new double[n];
                double[] dense = new double[rows * cols];
                boolean[] stored = new boolean[rows * cols];
                for (int k = 0; k < n; k++) {
                    r[k] = rnd.nextInt(rows);
                    c[k] = rnd.nextInt(Math.min(cols, 3)); // few columns: many duplicates
                    v[k] = dtype == DType.F32 ? (float) rnd.nextDouble(-1, 1) : rnd.nextDouble(-1, 1);
                    int at = r[k] * cols + c[k];
                    dense[at] = dtype == DType.F32 ? (float) dense[at] + (float) v[k] : dense[at] + v[k];
                    stored[at] = true;
                }
                int[] r0 = r.clone();
                Csr w = Csr.fromCoo(rows, cols, r, c, Tensor.of(v, n).to(dtype));
                String what = rows + "×" + cols + " " + dtype;
                assertThat(w.dtype()).as(what).isEqualTo(dtype);
                assertThat(w.toDense().toDoubleArray()).as(what).containsExactly(dense);
                int count = 0;
                for (boolean b : stored) {
                    count += b ? 1 : 0;
                }
                assertThat(w.nnz()).as(what + " one entry per distinct position").isEqualTo(count);
                assertThat(r).as("not modified").containsExactly(r0);
            }
        }
    }

    @Test
    void duplicatesAreSummedLeftToRightInTheGivenOrder() {
        // 1e8 + 1 − 1e8 in float32: (1e8 + 1) rounds to 1e8, so left to right gives 0, not 1
        float[] v = {1e8f, 1f, -1e8f};
        Csr w = Csr.fromCoo(1, 2, new int[] {0, 0, 0}, new int[] {1, 1, 1}, Tensor.of(v, 3));
        assertThat(w.colIdx()).containsExactly(1);
        assertThat(w.values().toFloatArray()).containsExactly((1e8f + 1f) + -1e8f);
        Csr other = Csr.fromCoo(1, 2, new int[] {0, 0, 0}, new int[] {1, 1, 1}, Tensor.of(new float[] {1e8f, -1e8f, 1f}, 3));
        assertThat(other.values().toFloatArray()).containsExactly(1f);
        Csr empty = Csr.fromCoo(3, 0, new int[0], new int[0], Tensor.zeros(0));
        assertThat(empty.rowPtr()).containsExactly(0, 0, 0, 0);
    }

    @Test
    void errorsNameThePosition() {
        Tensor v = Tensor.zeros(2);
        assertThatThrownBy(() -> Csr.fromCoo(2, 3, new int[] {0, 2}, new int[] {0, 0}, v))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Csr.fromCoo: r[1] = 2 is out of range [0, 2) of rows");
        assertThatThrownBy(() -> Csr.fromCoo(2, 3, new int[] {0, 1}, new int[] {-1, 0}, v))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Csr.fromCoo: c[0] = -1 is out of range [0, 3) of columns");
        assertThatThrownBy(() -> Csr.fromCoo(2, 3, new int[] {0}, new int[] {0, 0}, v))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("r, c and v have 1, 2 and 2 entries");
        assertThatThrownBy(() -> Csr.fromCoo(-1, 3, new int[0], new int[0], Tensor.zeros(0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative shape");
        assertThatThrownBy(() -> Csr.fromCoo(2, 3, null, new int[0], Tensor.zeros(0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not be null");
        // just under 2^31 − 1 rows had run out of memory (only exactly 2^31 − 1 was refused)
        for (int rows : new int[] {Integer.MAX_VALUE, Integer.MAX_VALUE - 1, Integer.MAX_VALUE - 8}) {
            assertThatThrownBy(() -> Csr.fromCoo(rows, 2, new int[0], new int[0], Tensor.zeros(0)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("row pointers, more than a Java array");
        }
    }
}
