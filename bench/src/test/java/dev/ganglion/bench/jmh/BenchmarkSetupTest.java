package dev.ganglion.bench.jmh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ganglion.engine.Parallel;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The JMH benchmarks' {@code @Setup} called directly: a bad {@code @Param} value fails there with a
 * message naming the benchmark, the parameter and the value, and a good one sets up (small sizes).
 */
class BenchmarkSetupTest {
    private int threads;

    @BeforeEach
    void saveThreads() {
        threads = Parallel.threads();
    }

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(threads);
    }

    @Test
    void blockDiagonalRefusesWhatTheCommandLineRefuses() {
        assertThatThrownBy(() -> JmhFixtures.blockDiagonal(1000, 16, "forward", "simd").setup())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("BlockDiagonalBenchmark: dim 1000 is not a multiple of blocks 16");
        assertThatThrownBy(() -> JmhFixtures.blockDiagonal(64, 0, "forward", "simd").setup())
                .hasMessage("BlockDiagonalBenchmark: blocks must be ≥ 1, got 0");
        assertThatThrownBy(() -> JmhFixtures.blockDiagonal(64, 4, "backward", "simd").setup())
                .hasMessage("BlockDiagonalBenchmark: pass must be forward, input-grad or weight-grad, got 'backward'");
        assertThatThrownBy(() -> JmhFixtures.blockDiagonal(65_536, 4, "forward", "simd").setup())
                .hasMessage("BlockDiagonalBenchmark: 65536×65536 elements do not fit in one array (at most 2147483639)");
        assertThatThrownBy(() -> JmhFixtures.blockDiagonal(64, 4, "forward", "foo").setup())
                .hasMessage("BlockDiagonalBenchmark: impl must be scalar or simd, got 'foo'");
        for (String impl : List.of("scalar", "simd")) {
            BlockDiagonalBenchmark b = JmhFixtures.blockDiagonal(64, 4, "weight-grad", impl);
            b.setup();
            b.blockDiagonal();
            b.denseLinear();
        }
    }

    @Test
    void csrRefusesAnEmptyMatrixAndTypos() {
        // round(0.01 · 16) = 0 entries a row: nothing to time.
        assertThatThrownBy(() -> JmhFixtures.csr(16, 0.01, "forward", "simd").setup())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("CsrBenchmark: density 0.01 leaves no non-zero block in a row of 16 blocks "
                        + "(each row gets round(density·cols/block) of them)");
        assertThatThrownBy(() -> JmhFixtures.csr(16, 1.5, "forward", "simd").setup())
                .hasMessage("CsrBenchmark: density must be in (0, 1], got 1.5");
        assertThatThrownBy(() -> JmhFixtures.csr(16, 0.5, "forward", "vector").setup())
                .hasMessage("CsrBenchmark: impl must be scalar or simd, got 'vector'");
        assertThatThrownBy(() -> JmhFixtures.csr(16, 0.5, "all", "simd").setup())
                .hasMessage("CsrBenchmark: pass must be forward, input-grad, weight-grad, backward, "
                        + "transposed-forward or transposed-backward, got 'all'");
        for (String pass : List.of("forward", "input-grad", "weight-grad", "backward", "transposed-forward",
                "transposed-backward")) {
            CsrBenchmark b = JmhFixtures.csr(16, 0.25, pass, "scalar");
            b.setup();
            b.csr();
        }
    }

    @Test
    void bsrRefusesAnEmptyMatrixAndTypos() {
        // round(0.05 · 32/16) = 0 blocks a block-row.
        assertThatThrownBy(() -> JmhFixtures.bsr(16, 0.05, "forward", "simd").setup())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("BsrBenchmark: density 0.05 leaves no non-zero block in a row of 2 blocks "
                        + "(each row gets round(density·cols/block) of them)");
        assertThatThrownBy(() -> JmhFixtures.bsr(5, 0.5, "forward", "simd").setup())
                .hasMessage("BsrBenchmark: block 5 does not divide rows 32 and cols 32");
        assertThatThrownBy(() -> JmhFixtures.bsr(4, 0.5, "forward", "SIMD").setup())
                .hasMessage("BsrBenchmark: impl must be scalar or simd, got 'SIMD'");
        assertThatThrownBy(() -> JmhFixtures.bsr(4, 0.5, "backward", "simd").setup())
                .hasMessage("BsrBenchmark: pass must be forward, input-grad or weight-grad, got 'backward'");
        BsrBenchmark b = JmhFixtures.bsr(4, 0.5, "input-grad", "simd");
        b.setup();
        b.bsr();
    }

    @Test
    void gemmRefusesAMalformedShapeAndAnUnknownTrans() {
        assertThatThrownBy(() -> JmhFixtures.gemm("64x64", "NN").setUp())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("GemmBenchmark: shape must be MxNxK (3 integers ≥ 1 joined by 'x'), got '64x64'");
        assertThatThrownBy(() -> JmhFixtures.gemm("8x0x8", "NN").setUp())
                .hasMessage("GemmBenchmark: shape must be MxNxK (3 integers ≥ 1 joined by 'x'), got '8x0x8'");
        assertThatThrownBy(() -> JmhFixtures.gemm("8x8xk", "NN").setUp())
                .hasMessage("GemmBenchmark: shape must be MxNxK (3 integers ≥ 1 joined by 'x'), got '8x8xk'");
        assertThatThrownBy(() -> JmhFixtures.gemm("8x8x8", "TN").setUp())
                .hasMessage("GemmBenchmark: trans must be NN or NT, got 'TN'");
        assertThatThrownBy(() -> JmhFixtures.gemm("100000x100000x8", "NN").setUp())
                .hasMessage("GemmBenchmark: 100000×100000 elements do not fit in one array (at most "
                        + (Integer.MAX_VALUE - 8) + ")");
        JmhFixtures.gemm("8x4x2", "NT").setUp();
    }

    @Test
    void elementwiseKernelsSetUpAtAnySizeAndRefuseNone() {
        ElementwiseBenchmark b = new ElementwiseBenchmark();
        b.n = 1000;
        b.setUp();
        assertThat(b.expSimd()).hasSize(1000);
        b.n = 0;
        assertThatThrownBy(b::setUp)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ElementwiseBenchmark: n must be ≥ 1, got 0");
    }

    @Test
    void softmaxRefusesEmptyRows() {
        SoftmaxBenchmark b = new SoftmaxBenchmark();
        b.cols = 0;
        assertThatThrownBy(b::setUp)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("SoftmaxBenchmark: cols must be ≥ 1, got 0");
        b.cols = 1 << 19;
        b.setUp();
        assertThat(b.softmaxSimd()).hasSize(1 << 20);
    }

    @Test
    void everyThreadsParameterTakesZeroAndRefusesNegatives() {
        BlockDiagonalBenchmark b = JmhFixtures.blockDiagonal(64, 4, "forward", "simd");
        b.threads = -1;
        assertThatThrownBy(b::setup)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("BlockDiagonalBenchmark: threads must be 0 (the engine default) or 1 to "
                        + Parallel.MAX_THREADS + ", got -1");
        MlpStepBenchmark m = new MlpStepBenchmark();
        m.batch = 2;
        m.threads = -2;
        assertThatThrownBy(m::setUp).hasMessageStartingWith("MlpStepBenchmark: threads must be 0");
        m.threads = 0;
        m.batch = 0;
        assertThatThrownBy(m::setUp).hasMessage("MlpStepBenchmark: batch must be ≥ 1, got 0");
        Parallel.setThreads(2);
        b.threads = 0;
        b.setup();
        assertThat(Parallel.threads()).isEqualTo(2);
    }
}
