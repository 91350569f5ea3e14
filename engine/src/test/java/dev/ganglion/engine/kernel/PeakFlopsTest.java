package dev.ganglion.engine.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The meter runs and reports; its speed is checked by benchmarks, never here. */
class PeakFlopsTest {
    @Test
    void measuresAPositiveRateAndDescribesItsMethod() {
        assertThat(PeakFlops.measureGflops(2)).isPositive().isFinite();
        assertThat(PeakFlops.method()).contains("chains").contains("trials");
    }

    @Test
    void rejectsNonPositiveThreadCounts() {
        assertThatThrownBy(() -> PeakFlops.measureGflops(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("measureGflops: threads must be ≥ 1, got 0");
    }
}
