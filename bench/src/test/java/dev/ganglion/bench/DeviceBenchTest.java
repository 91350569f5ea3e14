package dev.ganglion.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ganglion.engine.backend.Backends;
import dev.ganglion.engine.backend.ComputeBackend;
import dev.ganglion.engine.backend.PreparedOp;
import org.junit.jupiter.api.Test;

/**
 * {@link DeviceBench} and the cases' backend path, run on the CPU backend (the same code times the
 * CUDA backend, where elapsedMillis uses events): fields, flops and that the prepared op computes
 * what the case's own run computes.
 */
class DeviceBenchTest {
    private static final ComputeBackend CPU = Backends.get("cpu");
    private static final Timing.Settings QUICK = new Timing.Settings(3, 0);

    @Test
    void timesAPreparedCaseAndReportsHostCostApart() {
        GemmBench c = new GemmBench(24, 17, 9, false, true);
        Measurement m = DeviceBench.time(c, CPU, 2, QUICK);
        assertThat(m.kernel()).isEqualTo("gemm");
        assertThat(m.device()).isEqualTo("cpu");
        assertThat(m.threads()).isEqualTo(2);
        assertThat(m.peakGflops()).isNull();
        assertThat(m.medianMs()).isPositive();
        assertThat(m.gflops()).isEqualTo(Measurement.gflopsOf(c.flops(), m.medianMs()));
        assertThat(m.extra()).containsKeys("host_us_per_call", "warmup_ms", "settled", "inner");
        assertThat(((Number) m.extra().get("host_us_per_call")).doubleValue()).isPositive();
    }

    @Test
    void sparseCasesPrepareTheirOwnPassWithTheSameFlops() {
        for (String pass : SparseLinearBench.PASSES) {
            SparseLinearBench c = SparseLinearBench.sparse("bsr", 5, 32, 48, 8, 0.5, pass);
            try (PreparedOp op = c.prepare(CPU)) {
                op.run();
                assertThat(op.flops()).as(pass).isEqualTo(c.flops());
                assertThat(op.result().size()).as(pass).isPositive();
            }
        }
        SparseLinearBench bd = SparseLinearBench.blockDiag(3, 16, 4, "forward");
        assertThat(DeviceBench.time(bd, CPU, 1, QUICK).pass()).isEqualTo("forward");
    }

    @Test
    void gemmPreparedOnABackendMatchesTheCase() {
        GemmBench c = new GemmBench(5, 6, 7, true, false);
        try (PreparedOp op = c.prepare(CPU)) {
            op.run();
            assertThat(op.result().shape().dim(0)).isEqualTo(5);
            assertThat(op.result().shape().dim(1)).isEqualTo(6);
        }
    }

    @Test
    void kernelsWithoutABackendPathSaySo() {
        BenchCase e = new ElementwiseBench("add", 4, 4);
        assertThatThrownBy(() -> e.prepare(CPU)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("elementwise has no cpu path; --device cpu runs gemm, blockdiag, bsr, csr");
    }
}
