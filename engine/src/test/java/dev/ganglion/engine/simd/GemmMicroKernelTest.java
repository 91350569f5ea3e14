package dev.ganglion.engine.simd;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The register tiles' contract on A's layout (their results are covered by {@link SimdGemmParityTest}). */
class GemmMicroKernelTest {
    private static final int S = GemmPacking.A_STRIDE;

    @Test
    void tilesRejectALayoutTheyDoNotRead() {
        float[] a = new float[8 * S];
        float[] b = new float[4 * GemmMicroKernel.NR];
        float[] c = new float[8 * GemmMicroKernel.NR];
        // a row stride known only at run time: row-major A must be copied to the packed stride first
        assertThatThrownBy(() -> GemmMicroKernel.tile(4, a, 0, 100, 1, b, 0, c, 0, GemmMicroKernel.NR, 0f))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tile").hasMessageContaining("row stride 100");
        assertThatThrownBy(() -> GemmMicroKernel.tile8(4, a, 0, 100, 1, b, 0, c, 0, GemmMicroKernel.NR, 0f))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tile8").hasMessageContaining("row stride 100");
        // the packed stride with a k stride other than 1
        assertThatThrownBy(() -> GemmMicroKernel.tile8(2, a, 0, S, 2, b, 0, c, 0, GemmMicroKernel.NR, 0f))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("k stride 2");
    }
}
