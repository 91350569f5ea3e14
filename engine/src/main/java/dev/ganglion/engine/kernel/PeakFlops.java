package dev.ganglion.engine.kernel;

import dev.ganglion.engine.Vectorization;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;

/**
 * Measures the machine's float32 FMA peak: {@code GFLOP/s = threads · rounds · flopsPerRound / time},
 * an FMA counting as 2 flops, with the {@link PeakFlopsKernel} loop that the active vectorization
 * selects (SIMD when enabled, else scalar {@code Math.fma}). GEMM speeds are reported against it.
 *
 * <p>Method: the calling thread first runs the loop for at least {@value #WARMUP_MS} ms (and
 * {@value #WARMUP_CALLS} calls) so that the JIT compiles it, and calibrates a round count; then
 * {@value #TRIALS} timed trials, each started and ended on a barrier shared by all threads, run
 * that fixed number of rounds (~{@value #TRIAL_MS} ms). The best
 * trial counts (disturbances only ever slow a trial down). Plain platform threads are used, one
 * per requested thread, so the count is exact whatever the shared pool is doing. Total: ~0.5 s.
 */
public final class PeakFlops {
    private static final long WARMUP_MS = 150;
    private static final long TRIAL_MS = 60;
    private static final int TRIALS = 5;
    private static final int WARMUP_CALLS = 2000;

    private PeakFlops() {}

    /** Lazy holder: naming {@link PeakFlops} loads no kernel. */
    private static final class Kernel {
        static final PeakFlopsKernel LOOP = Vectorization.load(
                PeakFlopsKernel.class, "dev.ganglion.engine.simd.SimdPeakFlops", ScalarPeakFlops::new);
    }

    /** What is measured: the loop's description (e.g. vector width and number of FMA chains). */
    public static String method() {
        return Kernel.LOOP.describe() + "; best of " + TRIALS + " barrier-synchronised trials of ~"
                + TRIAL_MS + " ms after " + WARMUP_MS + " ms warm-up";
    }

    /**
     * The measured FMA peak in GFLOP/s over {@code threads} concurrently running threads (takes
     * about half a second).
     *
     * @throws IllegalArgumentException if {@code threads < 1}
     */
    public static double measureGflops(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("measureGflops: threads must be ≥ 1, got " + threads);
        }
        PeakFlopsKernel loop = Kernel.LOOP;
        long rounds = calibrate(loop);
        Trial trial = new Trial(threads);
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int seed = t;
            workers[t] = Thread.ofPlatform().daemon().name("ganglion-peak-" + t)
                    .start(() -> trial.work(loop, rounds, seed));
        }
        for (Thread w : workers) {
            try {
                w.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("measureGflops: interrupted", e);
            }
        }
        if (trial.failure != null) {
            throw new IllegalStateException("measureGflops: a worker failed", trial.failure);
        }
        double flops = (double) threads * rounds * loop.flopsPerRound();
        return flops / trial.bestNanos;
    }

    /** Warms the loop up on this thread and returns the rounds that take about {@link #TRIAL_MS}. */
    private static long calibrate(PeakFlopsKernel loop) {
        // Many short calls, so that the JIT compiles run() itself and not only an on-stack
        // replacement of its loop: the fresh worker threads enter run() from the top.
        long start = System.nanoTime();
        for (int calls = 0; calls < WARMUP_CALLS || System.nanoTime() - start < WARMUP_MS * 1_000_000L; calls++) {
            Sink.value += loop.run(256, 1f);
            if (System.nanoTime() - start > 10 * WARMUP_MS * 1_000_000L) {
                break;
            }
        }
        long rounds = 1 << 12;
        long nanos;
        while (true) {
            long t0 = System.nanoTime();
            Sink.value += loop.run(rounds, 1f);
            nanos = Math.max(1, System.nanoTime() - t0);
            if (nanos >= 5_000_000L) {
                break;
            }
            rounds *= 2;
        }
        return Math.max(1, rounds * TRIAL_MS * 1_000_000L / nanos);
    }

    /** Keeps loop results alive so the JIT cannot remove the loop. */
    private static final class Sink {
        static volatile float value;
    }

    /** Barrier-synchronised trials; the barrier action times each trial. */
    private static final class Trial {
        final CyclicBarrier barrier;
        volatile long bestNanos = Long.MAX_VALUE;
        volatile Throwable failure;
        private long started;

        Trial(int threads) {
            barrier = new CyclicBarrier(threads, this::tick);
        }

        /** Runs at each barrier trip: ends the previous trial (if any) and starts the next. */
        private void tick() {
            long now = System.nanoTime();
            if (started != 0) {
                bestNanos = Math.min(bestNanos, now - started);
            }
            started = now;
        }

        void work(PeakFlopsKernel loop, long rounds, int seed) {
            try {
                // Per-thread warm-up: the loop is compiled already, this settles clocks and caches.
                Sink.value += loop.run(Math.max(1, rounds / 4), seed);
                barrier.await();
                for (int i = 0; i < TRIALS; i++) {
                    Sink.value += loop.run(rounds, seed + i);
                    barrier.await();
                }
            } catch (InterruptedException | BrokenBarrierException | RuntimeException e) {
                failure = e;
                barrier.reset();
            }
        }
    }
}
