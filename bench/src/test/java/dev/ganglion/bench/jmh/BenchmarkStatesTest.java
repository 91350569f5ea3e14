package dev.ganglion.bench.jmh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.ganglion.engine.Parallel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The benchmarks' states beyond a single {@code @Setup}: {@code @TearDown} gives the engine back its
 * thread count (so that an unforked run's next {@code threads=0} is the default again), GEMM's
 * thread count belongs to the SIMD method only, and the bias-add operands to {@code biasAddOp} only.
 */
class BenchmarkStatesTest {
    private int threads;

    @BeforeEach
    void startFromOneThread() {
        threads = Parallel.threads();
        Parallel.setThreads(1);
    }

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(threads);
    }

    @Test
    void tearDownRestoresTheThreadCountOfEveryBenchmark() {
        BlockDiagonalBenchmark d = JmhFixtures.blockDiagonal(16, 4, "forward", "simd");
        d.threads = 2;
        d.setup();
        assertThat(Parallel.threads()).isEqualTo(2);
        d.tearDown();
        assertThat(Parallel.threads()).isEqualTo(1);

        CsrBenchmark c = JmhFixtures.csr(8, 0.5, "backward", "simd");
        c.threads = 3;
        c.setup();
        assertThat(Parallel.threads()).isEqualTo(3);
        c.tearDown();
        assertThat(Parallel.threads()).isEqualTo(1);

        BsrBenchmark b = JmhFixtures.bsr(4, 0.5, "weight-grad", "scalar");
        b.threads = 2;
        b.setup();
        b.tearDown();
        assertThat(Parallel.threads()).isEqualTo(1);

        MlpStepBenchmark m = new MlpStepBenchmark();
        m.batch = 2;
        m.threads = 2;
        m.setUp();
        assertThat(Parallel.threads()).isEqualTo(2);
        m.tearDown();
        assertThat(Parallel.threads()).isEqualTo(1);
    }

    @Test
    void gemmTakesThreadsForTheSimdKernelOnlyAndGivesThemBack() {
        GemmBenchmark g = JmhFixtures.gemm("3x5x7", "NT");
        g.setUp();
        GemmBenchmark.Pool pool = new GemmBenchmark.Pool();
        pool.threads = -1;
        assertThatThrownBy(() -> pool.setUp(g)).hasMessageStartingWith("GemmBenchmark: threads must be 0");
        pool.threads = 2;
        pool.setUp(g);
        assertThat(Parallel.threads()).isEqualTo(2);
        GemmBenchmark.Flops flops = new GemmBenchmark.Flops();
        float[] simd = g.simd(pool, flops).clone();
        float[] scalar = g.scalar(flops);
        assertThat(flops.flops).isEqualTo(2 * 2L * 3 * 5 * 7);
        for (int i = 0; i < simd.length; i++) {
            assertThat(simd[i]).isCloseTo(scalar[i], within(1e-4f));
        }
        pool.tearDown();
        assertThat(Parallel.threads()).isEqualTo(1);
        pool.threads = 0;
        pool.setUp(g);
        assertThat(Parallel.threads()).isEqualTo(1);
    }

    @Test
    void onlyBiasAddNeedsAMultipleOf1024() {
        ElementwiseBenchmark e = new ElementwiseBenchmark();
        e.n = 1000;
        e.setUp();
        ElementwiseBenchmark.BiasAdd s = new ElementwiseBenchmark.BiasAdd();
        assertThatThrownBy(() -> s.setUp(e))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ElementwiseBenchmark: n must be a multiple of 1024 for biasAddOp "
                        + "(a [n/1024, 1024] matrix), got 1000");
        e.n = 2048;
        e.setUp();
        s.setUp(e);
        assertThat(e.biasAddOp(s).shape().dims()).containsExactly(2, 1024);
    }
}
