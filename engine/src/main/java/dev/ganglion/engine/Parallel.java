package dev.ganglion.engine;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.RecursiveAction;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The engine's one shared thread pool. Size: system property {@code ganglion.threads}, else the
 * number of available processors; {@link #setThreads} changes it at run time.
 *
 * <p>Work below a caller-given grain runs on the calling thread, so small ops never pay for a
 * hand-off; above it the range is split into about four tasks per worker, and the calling thread
 * works on them too.
 */
public final class Parallel {
    /** Name of the system property that sets the thread count. */
    public static final String PROPERTY = "ganglion.threads";
    /** The most threads the pool takes: {@link ForkJoinPool}'s limit on its parallelism. */
    public static final int MAX_THREADS = 0x7fff;

    /** Receives a half-open range {@code [from, to)} of work items. */
    @FunctionalInterface
    public interface RangeBody {
        /** Does the work items {@code from} (inclusive) to {@code to} (exclusive). */
        void run(int from, int to);
    }

    private static volatile ForkJoinPool pool;
    private static volatile int threads = initialThreads();

    private Parallel() {}

    private static int initialThreads() {
        String s = System.getProperty(PROPERTY);
        if (s == null || s.isBlank()) {
            return Runtime.getRuntime().availableProcessors();
        }
        try {
            return checked(Integer.parseInt(s.trim()));
        } catch (IllegalArgumentException e) { // NumberFormatException included
            throw new IllegalArgumentException("-D" + PROPERTY + "=" + s + ": expected an integer in [1, " + MAX_THREADS
                    + "]");
        }
    }

    private static int checked(int n) {
        if (n < 1 || n > MAX_THREADS) {
            throw new IllegalArgumentException("threads must be in [1, " + MAX_THREADS + "], got " + n);
        }
        return n;
    }

    /** The number of threads parallel work may use (the caller included). */
    public static int threads() {
        return threads;
    }

    /**
     * Sets the number of threads for subsequent work.
     *
     * @throws IllegalArgumentException unless {@code 1 ≤ n ≤} {@link #MAX_THREADS}
     */
    public static synchronized void setThreads(int n) {
        if (checked(n) != threads) {
            ForkJoinPool old = pool;
            pool = null;
            threads = n;
            if (old != null) {
                old.shutdown();
            }
        }
    }

    /**
     * Whether the calling thread is one of the pool's own threads (not a caller of
     * {@link #forRange}, nor a thread of another pool). Kernels keep per-task scratch on these
     * ({@link dev.ganglion.engine.kernel.ScratchPool}): about {@link #threads()} of them (more only while
     * the pool compensates for a blocked thread).
     */
    public static boolean isPoolThread() {
        ForkJoinPool p = pool;
        return p != null && ForkJoinTask.getPool() == p;
    }

    private static ForkJoinPool pool() {
        ForkJoinPool p = pool;
        if (p == null) {
            synchronized (Parallel.class) {
                p = pool;
                if (p == null) {
                    p = new ForkJoinPool(threads, ganglionThreadFactory(), null, false);
                    pool = p;
                }
            }
        }
        return p;
    }

    private static ForkJoinPool.ForkJoinWorkerThreadFactory ganglionThreadFactory() {
        return p -> {
            var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
            t.setName("ganglion-" + t.getPoolIndex());
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * Runs {@code body} over {@code [0, n)}: inline when {@code n ≤ grain} or one thread is
     * configured, else split into chunks of at least {@code grain} items across the pool.
     */
    public static void forRange(int n, int grain, RangeBody body) {
        int t = threads;
        if (n <= 0) {
            return;
        }
        if (t == 1 || n <= grain) {
            body.run(0, n);
            return;
        }
        int chunks = Math.min(t * 4, Math.max(1, n / Math.max(grain, 1)));
        if (chunks <= 1) {
            body.run(0, n);
            return;
        }
        int per = (n + chunks - 1) / chunks;
        ForkJoinPool p = pool();
        if (ForkJoinTask.getPool() == p) {
            new Task(body, 0, n, per).invoke(); // nested inside pool work: fork/join within the pool
            return;
        }
        // The caller takes chunks too, from the same counter as the helpers: a helper still waking
        // up (tens of µs for a parked pool thread) finds the work done instead of delaying it, which
        // is what made sub-millisecond products no faster, or slower, on two threads.
        // With no more chunks than threads (a GEMM's one part per thread) each is meant for its own
        // thread: the caller takes one first, and in await any that no helper has taken by then. On
        // 2 threads a parked helper took ~50 µs to wake, longer than the 28 µs of half a panel
        // transpose, which the caller had been waiting for (G2GNet step 5.69 -> 5.14 ms, dense MLP
        // 8.93 -> 7.69 ms, medians of 5 and 3 alternating runs). Keeping helpers spinning between
        // calls instead made the step slower on this 2-vCPU machine (5.3 -> 5.4-6.4 ms).
        Chunks work = new Chunks(body, n, per);
        for (int i = 0; i < Math.min(t - 1, work.count - 1); i++) {
            try {
                p.execute(() -> work.drain(Integer.MAX_VALUE));
            } catch (RejectedExecutionException shutDown) {
                // setThreads replaced the pool meanwhile: the caller takes the chunks no helper got
                // (every chunk comes from the one counter, and await waits for all of them)
                break;
            }
        }
        work.drain(work.count <= t ? 1 : Integer.MAX_VALUE);
        work.await();
    }

    /** The chunks of one {@link #forRange} call, taken by the caller and the pool's helpers alike. */
    private static final class Chunks {
        private static final int SPINS = 1 << 12;
        private final RangeBody body;
        private final int n;
        private final int per;
        private final int count;
        private final Thread caller = Thread.currentThread();
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger done = new AtomicInteger();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();

        Chunks(RangeBody body, int n, int per) {
            this.body = body;
            this.n = n;
            this.per = per;
            this.count = (n + per - 1) / per;
        }

        /** Runs up to {@code max} chunks not yet taken. */
        void drain(int max) {
            for (int taken = 0; taken < max; taken++) {
                int c = next.getAndIncrement();
                if (c >= count) {
                    return;
                }
                try {
                    if (failure.get() == null) {
                        body.run(c * per, Math.min(n, (c + 1) * per));
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                } finally {
                    if (done.incrementAndGet() == count) {
                        LockSupport.unpark(caller);
                    }
                }
            }
        }

        /** Runs the chunks no helper has taken, waits for those still running; rethrows the first failure. */
        void await() {
            boolean interrupted = false;
            for (int i = 0; done.get() < count; i++) {
                if (next.get() < count) {
                    drain(1); // a chunk no helper has taken yet: the helpers are still waking up
                    i = 0;
                } else if (i < SPINS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                    // park returns at once while the flag is set: clear it for the wait, set it again after
                    interrupted |= Thread.interrupted();
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            Throwable e = failure.get();
            if (e instanceof RuntimeException r) {
                throw r;
            }
            if (e instanceof Error r) {
                throw r;
            }
            if (e != null) {
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * Runs {@code body} once for each of {@code tasks} work items in parallel, regardless of size;
     * for callers that already cut work into thread-sized pieces (a GEMM's panels).
     */
    public static void forEachTask(int tasks, RangeBody body) {
        forRange(tasks, 1, body);
    }

    private static final class Task extends RecursiveAction {
        private final RangeBody body;
        private final int from;
        private final int to;
        private final int per;

        Task(RangeBody body, int from, int to, int per) {
            this.body = body;
            this.from = from;
            this.to = to;
            this.per = per;
        }

        @Override
        protected void compute() {
            if (to - from <= per) {
                body.run(from, to);
                return;
            }
            int chunks = (to - from + per - 1) / per;
            int mid = from + (chunks / 2) * per;
            // NOTE: not invokeAll: when one half fails it returns at once, while the other half, stolen
            // by another worker, may still be writing into the caller's buffers (a product's scratch,
            // which then goes back to the shared pool). Both halves end before this one does.
            Task right = new Task(body, mid, to, per);
            right.fork();
            Throwable failure = null;
            try {
                new Task(body, from, mid, per).compute();
            } catch (RuntimeException | Error e) {
                failure = e;
            }
            try {
                right.join();
            } catch (RuntimeException | Error e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
            if (failure instanceof RuntimeException e) {
                throw e;
            }
            if (failure instanceof Error e) {
                throw e;
            }
        }
    }
}
