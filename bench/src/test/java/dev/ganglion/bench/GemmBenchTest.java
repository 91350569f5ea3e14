package dev.ganglion.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class GemmBenchTest {
    @Test
    void shapeAndUsefulFlops() {
        GemmBench g = new GemmBench(3, 5, 7, true, false);
        assertThat(g.shape()).containsEntry("m", 3).containsEntry("n", 5).containsEntry("k", 7)
                .containsEntry("trans_a", true).doesNotContainKey("trans_b");
        assertThat(g.flops()).isEqualTo(2.0 * 3 * 5 * 7);
        g.run();   // the transposed leading dimensions must be in range
        new GemmBench(3, 5, 7, false, true).run();
    }

    @Test
    void rejectsBadSizes() {
        assertThatThrownBy(() -> new GemmBench(0, 1, 1, false, false)).hasMessage("gemm: --m must be ≥ 1, got 0");
        assertThatThrownBy(() -> new GemmBench(100_000, 100_000, 1, false, false))
                .hasMessageContaining("do not fit in one array");
    }
}
