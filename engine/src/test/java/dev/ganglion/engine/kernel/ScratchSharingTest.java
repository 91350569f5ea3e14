package dev.ganglion.engine.kernel;

import static dev.ganglion.engine.testing.Fixtures.randomFloats;
import static dev.ganglion.engine.testing.Fixtures.randomIndex;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * Kernel scratch follows how many products run at once, not how many threads ran one: an audit saw
 * 32 idle request threads hold 256 MiB of native panels, and a virtual thread per request allocate
 * ~95 MiB of fresh ones each.
 */
class ScratchSharingTest {
    private static final int FEATURES = 1024;
    private static final int BATCH = 128;
    /** One product's two panels (x and y): 2 × 1,024 × 128 floats = 1 MiB. */
    private static final long SET_BYTES = 2L * FEATURES * BATCH * Float.BYTES;

    private static final SparseIndex W = randomIndex(FEATURES, FEATURES, 0.02, 7);
    private static final float[] V = randomFloats(W.entries(), 1);
    private static final float[] X = randomFloats(BATCH * FEATURES, 2);

    private static long product() {
        float[] y = new float[BATCH * FEATURES];
        CsrProducts.active().forward(W, V, 0, BATCH, X, 0, y, 0, false);
        try (SparseScratch s = SparseScratch.acquire()) {
            return s.first(1).address(); // the set the product used, as the last one released
        }
    }

    @Test
    void platformThreadsTakingTurnsShareOneSetWhileTheyStayAlive() throws Exception {
        product();
        long before = directBytes();
        CountDownLatch finish = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        Set<Long> panels = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < 16; i++) { // a server's request threads, one request at a time, then idle
            CountDownLatch ran = new CountDownLatch(1);
            Thread t = Thread.ofPlatform().start(() -> {
                panels.add(product());
                ran.countDown();
                awaitQuietly(finish);
            });
            threads.add(t);
            ran.await();
        }
        long held = directBytes() - before;
        int idle = SparseScratch.POOL.idle();
        finish.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertThat(panels).as("every thread reused the set of the one before").hasSize(1);
        assertThat(idle).isLessThanOrEqualTo(ScratchPool.idleCap());
        assertThat(held).as("native memory held by 16 idle threads").isLessThan(4 * SET_BYTES);
    }

    @Test
    void virtualThreadsReuseSetsAndLeaveAtMostTheCapIdle() throws Exception {
        Set<Long> panels = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < 8; i++) { // a virtual thread per request, one after another
            Thread.ofVirtual().start(() -> panels.add(product())).join();
        }
        assertThat(panels).as("one set for all").hasSize(1);

        List<Thread> batch = new ArrayList<>();
        for (int i = 0; i < 32; i++) { // and 32 at once
            batch.add(Thread.ofVirtual().start(ScratchSharingTest::product));
        }
        for (Thread t : batch) {
            t.join();
        }
        assertThat(SparseScratch.POOL.idle()).isBetween(1, ScratchPool.idleCap());
    }

    @Test
    void releaseIdleDropsTheSharedSets() {
        product();
        assertThat(SparseScratch.POOL.idle()).isPositive();
        ScratchLimit.releaseIdle();
        assertThat(SparseScratch.POOL.idle()).isZero();
        product(); // and products still run
        assertThat(SparseScratch.POOL.idle()).isEqualTo(1);
    }

    /** Native memory in use: {@code Arena.ofAuto} segments are counted in the "direct" pool. */
    static long directBytes() {
        for (BufferPoolMXBean b : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (b.getName().equals("direct")) {
                return b.getMemoryUsed();
            }
        }
        throw new AssertionError("no direct buffer pool");
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
