package dev.ganglion.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The shared pool: every item exactly once, the caller working too (also on chunks no helper is free
 * to take), failures surfacing, nesting.
 */
class ParallelTest {
    private final int before = Parallel.threads();

    @AfterEach
    void restore() {
        Parallel.setThreads(before);
    }

    @Test
    void everyItemRunsExactlyOnceAtAnyThreadCountAndGrain() {
        for (int threads : new int[] {1, 2, 3, 8}) {
            Parallel.setThreads(threads);
            for (int n : new int[] {0, 1, 7, 100, 1001}) {
                for (int grain : new int[] {1, 3, 64, 5000}) {
                    AtomicIntegerArray hits = new AtomicIntegerArray(Math.max(n, 1));
                    Parallel.forRange(n, grain, (from, to) -> {
                        for (int i = from; i < to; i++) {
                            hits.incrementAndGet(i);
                        }
                    });
                    for (int i = 0; i < n; i++) {
                        assertThat(hits.get(i)).as("threads %d n %d grain %d item %d", threads, n, grain, i).isEqualTo(1);
                    }
                }
            }
        }
    }

    @Test
    void threadCountsOutsideThePoolsRangeAreRefusedAndLeaveTheCountAlone() {
        Parallel.setThreads(2);
        assertThatThrownBy(() -> Parallel.setThreads(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("threads must be in [1, 32767], got 0");
        // beyond ForkJoinPool's limit, which had failed at the first parallel op with a bare exception
        assertThatThrownBy(() -> Parallel.setThreads(Parallel.MAX_THREADS + 1))
                .hasMessage("threads must be in [1, 32767], got 32768");
        assertThat(Parallel.threads()).isEqualTo(2);
    }

    @Test
    void theCallingThreadTakesChunksToo() {
        Parallel.setThreads(2);
        Set<String> names = ConcurrentHashMap.newKeySet();
        for (int rep = 0; rep < 200 && !names.contains(Thread.currentThread().getName()); rep++) {
            Parallel.forRange(64, 1, (from, to) -> names.add(Thread.currentThread().getName()));
        }
        assertThat(names).contains(Thread.currentThread().getName());
    }

    @Test
    void aFailureInAnyChunkReachesTheCaller() {
        Parallel.setThreads(3);
        for (int bad : new int[] {0, 40, 99}) {
            assertThatThrownBy(() -> Parallel.forRange(100, 1, (from, to) -> {
                if (from <= bad && bad < to) {
                    throw new IllegalStateException("chunk with item " + bad);
                }
            })).isInstanceOf(IllegalStateException.class).hasMessage("chunk with item " + bad);
        }
    }

    @Test
    void nestedRangesComplete() {
        Parallel.setThreads(2);
        AtomicIntegerArray hits = new AtomicIntegerArray(40 * 30);
        Parallel.forRange(40, 1, (from, to) -> {
            for (int i = from; i < to; i++) {
                int row = i;
                Parallel.forRange(30, 1, (a, b) -> {
                    for (int j = a; j < b; j++) {
                        hits.incrementAndGet(row * 30 + j);
                    }
                });
            }
        });
        for (int k = 0; k < hits.length(); k++) {
            assertThat(hits.get(k)).isEqualTo(1);
        }
    }

    @Test
    void aFailingNestedRangeReturnsOnlyOnceItsOtherChunksHaveEnded() {
        // invokeAll returned as soon as one half failed, cancelling or leaving running the other, so
        // a product's scratch went back to the shared pool while a stolen chunk still wrote into it
        Parallel.setThreads(2);
        AtomicIntegerArray endedAtFailure = new AtomicIntegerArray(40);
        AtomicIntegerArray nested = new AtomicIntegerArray(40);
        Parallel.forRange(40, 1, (from, to) -> {
            for (int row = from; row < to; row++) {
                if (!Parallel.isPoolThread()) {
                    LockSupport.parkNanos(2_000_000);   // leaves rows for the helper, once it is awake
                    continue;   // only a pool thread's range runs the nested fork/join path
                }
                nested.set(row, 1);
                java.util.concurrent.atomic.AtomicInteger ended = new java.util.concurrent.atomic.AtomicInteger();
                try {
                    Parallel.forRange(8, 1, (a, b) -> {
                        if (a == 0) {
                            throw new IllegalStateException("chunk 0");
                        }
                        LockSupport.parkNanos(1_000_000);
                        ended.addAndGet(b - a);
                    });
                } catch (IllegalStateException expected) {
                    endedAtFailure.set(row, ended.get());
                }
            }
        });
        int checked = 0;
        for (int row = 0; row < 40; row++) {
            if (nested.get(row) == 1) {
                checked++;
                assertThat(endedAtFailure.get(row)).as("row %d", row).isEqualTo(7);
            }
        }
        assertThat(checked).as("rows run on a pool thread").isPositive();
    }

    @Test
    void theCallerRunsChunksNoHelperIsFreeToTake() throws Exception {
        Parallel.setThreads(2);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch workersBusy = new CountDownLatch(2); // the pool has two workers at 2 threads
        List<Thread> occupiers = new ArrayList<>();
        try {
            for (int k = 0; k < 2; k++) {
                // Each occupier repeats a two-chunk range until a pool worker took one of its chunks,
                // and that worker then stays blocked until the end of the test.
                Thread t = new Thread(() -> {
                    AtomicBoolean caught = new AtomicBoolean();
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                    while (!caught.get() && System.nanoTime() < deadline) {
                        Parallel.forRange(2, 1, (from, to) -> {
                            if (Thread.currentThread().getName().startsWith("ganglion-")) {
                                caught.set(true);
                                workersBusy.countDown();
                                awaitQuietly(release);
                            }
                        });
                    }
                });
                t.setDaemon(true);
                t.start();
                occupiers.add(t);
            }
            assertThat(workersBusy.await(30, TimeUnit.SECONDS)).as("both pool workers blocked").isTrue();
            Set<String> ranOn = ConcurrentHashMap.newKeySet();
            String caller = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                Parallel.forRange(2, 1, (from, to) -> ranOn.add(Thread.currentThread().getName()));
                return Thread.currentThread().getName();
            });
            assertThat(ranOn).containsExactly(caller);
        } finally {
            release.countDown();
            for (Thread t : occupiers) {
                t.join(10_000);
            }
        }
    }

    @Test
    void changingTheThreadCountDoesNotBreakRangesRunningElsewhere() throws Exception {
        // setThreads shuts the old pool down; a range that had fetched it was refused its helpers and
        // threw RejectedExecutionException (an audit saw a third of concurrent GEMMs fail)
        AtomicBoolean stop = new AtomicBoolean();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < 3; w++) {
            Thread t = new Thread(() -> {
                while (!stop.get()) {
                    AtomicIntegerArray seen = new AtomicIntegerArray(512);
                    try {
                        Parallel.forRange(512, 8, (from, to) -> {
                            for (int i = from; i < to; i++) {
                                seen.incrementAndGet(i);
                            }
                        });
                        for (int i = 0; i < 512; i++) {
                            if (seen.get(i) != 1) {
                                throw new AssertionError("item " + i + " ran " + seen.get(i) + " times");
                            }
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                        return;
                    }
                }
            });
            t.start();
            workers.add(t);
        }
        for (int i = 0; i < 300 && failures.isEmpty(); i++) {
            Parallel.setThreads(2 + (i & 1));
            Thread.sleep(1);
        }
        stop.set(true);
        for (Thread t : workers) {
            t.join(10_000);
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void aCallerWithItsInterruptFlagSetWaitsWithoutSpinningAndKeepsTheFlag() throws Exception {
        Parallel.setThreads(2);
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        assumeTrue(mx.isCurrentThreadCpuTimeSupported(), "no per-thread CPU time");
        Thread caller = Thread.currentThread();
        for (int attempt = 0; attempt < 20; attempt++) {
            AtomicBoolean helperSlept = new AtomicBoolean();
            long[] held = new long[1];
            caller.interrupt();
            long cpu0 = mx.getCurrentThreadCpuTime();
            long wall0 = System.nanoTime();
            Parallel.forRange(2, 1, (from, to) -> {
                if (Thread.currentThread() != caller) {   // the helper's chunk: the caller waits for it
                    helperSlept.set(true);
                    LockSupport.parkNanos(300_000_000L);
                } else {
                    // the caller's chunk holds on (at most 2 s) until the helper has taken the other one: on a
                    // loaded machine a helper woke too late, and the caller ran both chunks in every attempt
                    long t0 = System.nanoTime();
                    while (!helperSlept.get() && System.nanoTime() - t0 < 2_000_000_000L) {
                        Thread.onSpinWait();
                    }
                    held[0] += System.nanoTime() - t0;
                }
            });
            long cpu = mx.getCurrentThreadCpuTime() - cpu0 - held[0];
            long wall = System.nanoTime() - wall0 - held[0];
            assertThat(Thread.interrupted()).as("the flag is kept (and cleared here)").isTrue();
            if (helperSlept.get()) {
                // park returns at once while the flag is set: the wait had spun, ~all of the 300 ms on the CPU
                assertThat(cpu).as("CPU of a " + wall / 1_000_000 + " ms wait").isLessThan(wall / 3);
                return;
            }
        }
        throw new AssertionError("no helper took a chunk in 20 attempts");
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
