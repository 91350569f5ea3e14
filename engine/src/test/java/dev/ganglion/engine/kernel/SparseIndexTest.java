package dev.ganglion.engine.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SparseIndexTest {
    @Test
    void columnMajorTwinListsEveryEntryOnceByColumnThenRow() {
        // [x . x]
        // [. . .]
        // [x x .]
        SparseIndex w = SparseIndex.of("t", 3, 3, new int[] {0, 2, 2, 4}, new int[] {0, 2, 0, 1});
        assertThat(w.transposed("t").tPtr).containsExactly(0, 2, 3, 4);
        assertThat(w.transposed("t").tIdx).containsExactly(0, 2, 2, 0);
        assertThat(w.transposed("t").tPerm).containsExactly(0, 2, 3, 1);
        assertThat(w.entries()).isEqualTo(4);
        assertThat(w.rowLength(1)).isZero();
    }

    @Test
    void inputsAreCopied() {
        int[] ptr = {0, 1};
        int[] idx = {0};
        SparseIndex w = SparseIndex.of("t", 1, 2, ptr, idx);
        idx[0] = 5;
        assertThat(w.idx()).containsExactly(0);
        assertThat(w.sameAs(SparseIndex.of("t", 1, 2, new int[] {0, 1}, new int[] {0}))).isTrue();
    }

    @Test
    void emptyMatrix() {
        SparseIndex w = SparseIndex.of("t", 0, 0, new int[] {0}, new int[0]);
        assertThat(w.transposed("t").tPtr).containsExactly(0);
    }
}
