package dev.ganglion.engine.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ganglion.engine.testing.Fixtures;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link RoutedGemm} with two fake kernels (the reference GEMM, each made slow for some shapes):
 * where each shape goes, that the caller's C is written once however many measurement runs there
 * were, and that nothing reaches a device that is not attached.
 */
class RoutedGemmTest {
    /** ScalarGemm that counts its calls and busy-waits {@code slowMillis} for products of at least {@code slowFrom} flops. */
    private static final class Fake implements GemmKernel {
        final AtomicInteger calls = new AtomicInteger();
        private final double slowFrom;
        private final double slowAbove;
        private final long slowNanos;

        Fake(double slowFrom, double slowAbove, double slowMillis) {
            this.slowFrom = slowFrom;
            this.slowAbove = slowAbove;
            this.slowNanos = (long) (slowMillis * 1e6);
        }

        @Override
        public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                         float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
            calls.incrementAndGet();
            double flops = 2.0 * m * n * k;
            if (flops >= slowFrom && flops < slowAbove) {
                long until = System.nanoTime() + slowNanos;
                while (System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
            }
            new ScalarGemm().gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        }
    }

    private static final double SMALL = 2.0 * 4 * 5 * 6;
    private static final double LARGE = 2.0 * 40 * 50 * 60;

    /**
     * A kernel slow (3 ms) on the calls, counted from 1 in {@code calls}, that {@code slowCall}
     * picks, whatever their shape: a CPU kernel whose speed changes between measurements.
     */
    private static GemmKernel slowOnCalls(AtomicInteger calls, IntPredicate slowCall) {
        return (ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc) ->
                new Fake(0, slowCall.test(calls.incrementAndGet()) ? Double.MAX_VALUE : 0, 3)
                        .gemm(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /**
     * Runs the reference product at the large shape until one call takes under a tenth of the fakes'
     * 3 ms (at most 5 s): its first calls, interpreted while the JIT is busy with the rest of the
     * build, took as long as the slow fake's busy-wait, and a fast fake then measured as slow as the
     * slow one ({@code betaZeroAndBetaNonZeroAreSeparateShapes} failed so in a full build: device 3.043 ms,
     * CPU 3.034 ms).
     */
    @BeforeAll
    static void compileTheReferenceProduct() {
        float[] a = new float[40 * 60];
        float[] b = new float[50 * 60];
        float[] c = new float[40 * 50];
        long deadline = System.nanoTime() + 5_000_000_000L;
        long took;
        do {
            long start = System.nanoTime();
            new ScalarGemm().gemm(false, true, 40, 50, 60, 0.5f, a, 0, 60, b, 0, 60, 1f, c, 0, 50);
            took = System.nanoTime() - start;
        } while (took > 300_000 && System.nanoTime() < deadline);
    }

    /** A CPU that is slow on the large shape, a device that is slow on the small one. */
    private static Fake cpu() {
        return new Fake(LARGE, Double.MAX_VALUE, 3);
    }

    private static Fake device() {
        return new Fake(0, LARGE, 3);
    }

    /** {@code C = 0.5·A·B + β·C} through {@code g}, checked against the reference on the same C. */
    private static void checkProduct(GemmKernel g, int m, int n, int k, float beta, long seed) {
        float[] a = Fixtures.randomFloats(m * k + 3, seed);
        float[] b = Fixtures.randomFloats(k * n + 5, seed + 1);
        float[] c = Fixtures.randomFloats(m * (n + 2) + 1, seed + 2);
        float[] expected = c.clone();
        new ScalarGemm().gemm(false, true, m, n, k, 0.5f, a, 3, k, b, 5, k, beta, expected, 1, n + 2);
        g.gemm(false, true, m, n, k, 0.5f, a, 3, k, b, 5, k, beta, c, 1, n + 2);
        assertThat(c).as("C after one routed call, %d×%d×%d β=%s", m, n, k, beta).containsExactly(expected);
    }

    @Test
    void withoutADeviceEveryCallRunsOnTheCpu() {
        Fake cpu = cpu();
        RoutedGemm g = new RoutedGemm(cpu);
        checkProduct(g, 4, 5, 6, 0f, 1);
        checkProduct(g, 40, 50, 60, 1f, 2);
        assertThat(cpu.calls.get()).isEqualTo(2);
        assertThat(g.offloading()).isFalse();
        assertThat(g.mayOffload(false, true, 40, 50, 60, true, 1)).isFalse();
        assertThat(g.decisions()).isEmpty();
    }

    @Test
    void eachShapeRunsWhereItWasMeasuredFasterAndCIsWrittenOnce() {
        Fake cpu = cpu();
        Fake device = device();
        RoutedGemm g = new RoutedGemm(cpu);
        g.offloadTo(device);
        checkProduct(g, 4, 5, 6, 1f, 3);        // measured: 1 warm-up + TIMED_RUNS each, then the call itself
        checkProduct(g, 40, 50, 60, 0.25f, 4);
        int measuring = 1 + RoutedGemm.TIMED_RUNS;
        assertThat(cpu.calls.get()).isEqualTo(2 * measuring + 1);
        assertThat(device.calls.get()).isEqualTo(2 * measuring + 1);

        checkProduct(g, 4, 5, 6, 1f, 5);        // decided: no more measuring
        checkProduct(g, 40, 50, 60, 0.25f, 6);
        assertThat(cpu.calls.get()).isEqualTo(2 * measuring + 2);
        assertThat(device.calls.get()).isEqualTo(2 * measuring + 2);

        assertThat(g.mayOffload(false, true, 40, 50, 60, true, 1)).isTrue();
        assertThat(g.mayOffload(false, true, 4, 5, 6, true, 1)).isFalse();
        int untilMeasured = (int) (RoutedGemm.MEASURE_AGAIN_AT.getFirst() - 2);   // 2 calls so far
        assertThat(g.mayOffload(false, true, 4, 5, 6, true, untilMeasured - 1)).isFalse();
        assertThat(g.mayOffload(false, true, 4, 5, 6, true, untilMeasured)).as("measured again within").isTrue();
        assertThat(g.mayOffload(false, true, 4, 5, 6, false, 1)).as("not measured yet").isTrue();
        List<RoutedGemm.Decision> ds = g.decisions();
        assertThat(ds).hasSize(2);
        assertThat(ds.get(0).m()).isEqualTo(40);   // largest first
        assertThat(ds.get(0).onDevice()).isTrue();
        assertThat(ds.get(0).cpuMillis()).isGreaterThan(ds.get(0).deviceMillis());
        assertThat(ds.get(1).onDevice()).isFalse();
        assertThat(ds.get(1).accumulates()).isTrue();
        assertThat(ds.get(0).toString()).isEqualTo(String.format(java.util.Locale.ROOT,
                "40×50×60 NT β≠0: device %.3f ms, cpu %.3f ms → device", ds.get(0).deviceMillis(), ds.get(0).cpuMillis()));
    }

    @Test
    void aShapeIsMeasuredAgainOnceTheCpuKernelHasWarmedUp() {
        GemmKernel device = new Fake(0, Double.MAX_VALUE, 1);
        AtomicInteger cpuCalls = new AtomicInteger();
        // slow for the first measurement (one warm-up and TIMED_RUNS runs), as before the JIT compiles it
        GemmKernel coldCpu = slowOnCalls(cpuCalls, call -> call <= 1 + RoutedGemm.TIMED_RUNS);
        RoutedGemm g = new RoutedGemm(coldCpu);
        g.offloadTo(device);
        long first = RoutedGemm.MEASURE_AGAIN_AT.getFirst();
        for (int call = 1; call < first; call++) {
            checkProduct(g, 4, 5, 6, 0f, call);
            assertThat(g.decisions().getFirst().onDevice()).as("call %d", call).isTrue();
        }
        checkProduct(g, 4, 5, 6, 0f, first);
        RoutedGemm.Decision d = g.decisions().getFirst();
        assertThat(d.onDevice()).as("%s", d).isFalse();
        assertThat(d.cpuMillis()).isLessThan(d.deviceMillis());
        assertThat(cpuCalls.get()).isEqualTo(2 * (1 + RoutedGemm.TIMED_RUNS) + 1);
    }

    @Test
    void aDisturbedMeasurementDoesNotUndoAFasterOne() {
        GemmKernel device = new Fake(0, Double.MAX_VALUE, 1);
        AtomicInteger cpuCalls = new AtomicInteger();
        long first = RoutedGemm.MEASURE_AGAIN_AT.getFirst();
        // fast at the first measurement, slow at the second (other threads held the cores)
        GemmKernel noisyCpu = slowOnCalls(cpuCalls,
                call -> call > 1 + RoutedGemm.TIMED_RUNS && call <= 2 * (1 + RoutedGemm.TIMED_RUNS));
        RoutedGemm g = new RoutedGemm(noisyCpu);
        g.offloadTo(device);
        for (int call = 1; call <= first; call++) {
            checkProduct(g, 4, 5, 6, 0f, call);
        }
        RoutedGemm.Decision d = g.decisions().getFirst();
        assertThat(d.onDevice()).as("%s", d).isFalse();
        assertThat(d.cpuMillis()).isLessThan(1);
    }

    @Test
    void betaZeroAndBetaNonZeroAreSeparateShapes() {
        Fake cpu = cpu();
        Fake device = device();
        RoutedGemm g = new RoutedGemm(cpu);
        g.offloadTo(device);
        checkProduct(g, 40, 50, 60, 0f, 7);
        checkProduct(g, 40, 50, 60, 1f, 8);
        assertThat(g.decisions()).hasSize(2).allMatch(RoutedGemm.Decision::onDevice);
    }

    @Test
    void devicePolicySendsEveryProductThereWithoutMeasuring() {
        Fake cpu = cpu();
        Fake device = device();
        RoutedGemm g = new RoutedGemm(cpu);
        g.offloadTo(device, RoutedGemm.Policy.DEVICE);
        checkProduct(g, 4, 5, 6, 0f, 9);
        checkProduct(g, 40, 50, 60, 1f, 10);
        assertThat(cpu.calls.get()).isZero();
        assertThat(device.calls.get()).isEqualTo(2);
        assertThat(g.decisions()).allSatisfy(d -> {
            assertThat(d.onDevice()).isTrue();
            assertThat(d.cpuMillis()).isNaN();
            assertThat(d.toString()).doesNotContain("NaN").endsWith("not measured (policy DEVICE) → device");
        });
        assertThat(g.decisions().getFirst().toString()).startsWith("40×50×60 NT β≠0: ");
    }

    @Test
    void emptyProductsAreNotMeasuredAndDetachingReturnsToTheCpu() {
        Fake cpu = cpu();
        Fake device = device();
        RoutedGemm g = new RoutedGemm(cpu);
        g.offloadTo(device);
        float[] c = {7f};
        g.gemm(false, false, 0, 1, 3, 1f, new float[0], 0, 3, new float[3], 0, 1, 0f, c, 0, 1);
        assertThat(device.calls.get()).isZero();
        assertThat(g.decisions()).isEmpty();

        checkProduct(g, 40, 50, 60, 0f, 11);
        assertThat(g.decisions()).hasSize(1);
        g.offloadTo(null);
        assertThat(g.offloading()).isFalse();
        assertThat(g.decisions()).isEmpty();
        int before = device.calls.get();
        checkProduct(g, 40, 50, 60, 0f, 12);
        assertThat(device.calls.get()).isEqualTo(before);
    }

    @Test
    void concurrentFirstCallsOfOneShapeMeasureItOnce() throws Exception {
        Fake cpu = cpu();
        Fake device = device();
        RoutedGemm g = new RoutedGemm(cpu);
        g.offloadTo(device);
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 6; t++) {
                long seed = 100 + t;
                done.add(pool.submit(() -> checkProduct(g, 40, 50, 60, 1f, seed)));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        assertThat(g.decisions()).hasSize(1);
        assertThat(device.calls.get()).isEqualTo(1 + RoutedGemm.TIMED_RUNS + 6);
        assertThat(cpu.calls.get()).isEqualTo(1 + RoutedGemm.TIMED_RUNS);
    }

    @Test
    void theEnginesGemmIsTheRouterOverTheCpuKernel() {
        assertThat(GemmKernel.active()).isSameAs(RoutedGemm.engine());
        assertThat(GemmKernel.cpu()).isSameAs(RoutedGemm.engine().cpu()).isNotInstanceOf(RoutedGemm.class);
        assertThat(RoutedGemm.engine().offloading()).isFalse();
        assertThat(Arrays.asList(RoutedGemm.Policy.values())).containsExactly(RoutedGemm.Policy.MEASURED,
                RoutedGemm.Policy.DEVICE);
    }
}
