package dev.ganglion.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ganglion.engine.Shape;
import org.junit.jupiter.api.Test;

/** Every public device op rejects bad shapes with an IllegalArgumentException naming the op and the shapes. */
class ShapeValidationTest {
    @Test
    void matmulDimensions() {
        assertThat(CudaMatmul.dims(false, false, Shape.of(2, 3), Shape.of(3, 4), Shape.of(2, 4))).containsExactly(2, 4, 3);
        assertThat(CudaMatmul.dims(true, true, Shape.of(3, 2), Shape.of(4, 3), null)).containsExactly(2, 4, 3);
        assertThatThrownBy(() -> CudaMatmul.dims(false, false, Shape.of(2, 3), Shape.of(4, 5), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CudaMatmul.gemm")
                .hasMessageContaining("[2, 3]").hasMessageContaining("[4, 5]").hasMessageContaining("inner");
        assertThatThrownBy(() -> CudaMatmul.dims(false, true, Shape.of(2, 3), Shape.of(5, 3), Shape.of(2, 4)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("C must be [2, 5]");
        assertThatThrownBy(() -> CudaMatmul.dims(false, false, Shape.of(2, 3, 1), Shape.of(3, 4), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("matrices");
    }

    @Test
    void sparseLayerShapes() {
        SparsePattern w = new SparsePattern(6, 4, 2, 2, new int[] {0, 1, 1, 2}, new int[] {0, 1});
        assertThat(CudaBsr.check("CudaBsr.forward", w, Shape.of(5, 4), Shape.of(5, 6))).isEqualTo(5);
        assertThatThrownBy(() -> CudaBsr.check("CudaBsr.forward", w, Shape.of(5, 6), Shape.of(5, 4)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CudaBsr.forward")
                .hasMessageContaining("6×4").hasMessageContaining("[5, 6]");
        assertThatThrownBy(() -> CudaBsr.check("CudaCsr.inputGrad", w, Shape.of(5, 4), Shape.of(3, 6)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CudaCsr.inputGrad");
    }

    @Test
    void sparsePatternValidation() {
        // one 65,536² block holds 2³² values: values() wrapped to 0 and an empty upload was accepted
        assertThatThrownBy(() -> new SparsePattern(65536, 65536, 65536, 65536, new int[] {0, 1}, new int[] {0}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 blocks hold 4294967296 values");
        assertThat(new SparsePattern(6, 4, 2, 2, new int[] {0, 1, 1, 2}, new int[] {0, 1}).values()).isEqualTo(8);
        assertThatThrownBy(() -> new SparsePattern(5, 4, 2, 2, new int[] {0, 0, 0}, new int[0]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("divide");
        assertThatThrownBy(() -> SparsePattern.csr(3, 3, new int[] {0, 1}, new int[] {0}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rowOffsets has 2 entries");
        assertThatThrownBy(() -> SparsePattern.csr(2, 3, new int[] {0, 2, 1}, new int[] {0}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("decrease at block-row 1");
        assertThatThrownBy(() -> SparsePattern.csr(2, 3, new int[] {0, 2, 1}, new int[] {0, 1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("from 0 to 2");
        assertThatThrownBy(() -> SparsePattern.csr(2, 3, new int[] {0, 2, 2}, new int[] {1, 1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("strictly increasing");
        assertThatThrownBy(() -> SparsePattern.csr(2, 3, new int[] {0, 1, 2}, new int[] {0, 3}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside 0..2");
    }

    @Test
    void patternIsImmutable() {
        int[] offsets = {0, 1};
        int[] cols = {2};
        SparsePattern p = SparsePattern.csr(1, 3, offsets, cols);
        offsets[1] = 0;
        cols[0] = 0;
        p.colIndices()[0] = 1;
        assertThat(p.rowOffsets()).containsExactly(0, 1);
        assertThat(p.colIndices()).containsExactly(2);
        assertThat(p.blockRowOf()).containsExactly(0);
    }
}
