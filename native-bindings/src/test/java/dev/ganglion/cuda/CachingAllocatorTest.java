package dev.ganglion.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ganglion.engine.Shape;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Caching-allocator bookkeeping against a fake backend handing out fake addresses. */
class CachingAllocatorTest {
    /** Fake device memory: distinct addresses, a capacity, and a record of what is outstanding. */
    static final class FakeBackend implements CachingAllocator.Backend {
        final Set<Long> outstanding = new HashSet<>();
        long capacity = Long.MAX_VALUE;
        long used;
        long next = 1 << 20;
        int allocations;

        @Override
        public synchronized MemorySegment allocate(long bytes) {
            if (used + bytes > capacity) {
                throw new CudaException(CudaException.Api.RUNTIME, "cudaMalloc", 2, "cudaErrorMemoryAllocation",
                        "out of memory");
            }
            used += bytes;
            allocations++;
            long address = next;
            next += bytes + 256;
            outstanding.add(address);
            return MemorySegment.ofAddress(address).reinterpret(bytes);
        }

        @Override
        public synchronized void free(MemorySegment block) {
            assertThat(outstanding.remove(block.address())).as("double or foreign free").isTrue();
            used -= block.byteSize();
        }
    }

    private final FakeBackend backend = new FakeBackend();
    private final CachingAllocator allocator = new CachingAllocator(backend, 1 << 20);

    @Test
    void sizeClassesRoundUpToQuarterPowersOfTwo() {
        assertThat(CachingAllocator.sizeClass(0)).isEqualTo(512);
        assertThat(CachingAllocator.sizeClass(512)).isEqualTo(512);
        assertThat(CachingAllocator.sizeClass(513)).isEqualTo(640);
        assertThat(CachingAllocator.sizeClass(1000)).isEqualTo(1024);
        assertThat(CachingAllocator.sizeClass(1025)).isEqualTo(1280);
        assertThat(CachingAllocator.sizeClass(3 << 20)).isEqualTo(3 << 20);
        for (long bytes = 1; bytes < 1 << 24; bytes = bytes * 3 + 1) {
            long c = CachingAllocator.sizeClass(bytes);
            assertThat(c).isGreaterThanOrEqualTo(bytes);
            assertThat(c - bytes).isLessThanOrEqualTo(Math.max(512, bytes / 4));
        }
        assertThatThrownBy(() -> CachingAllocator.sizeClass(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void closedBlocksAreReusedForTheSameSizeClass() {
        DeviceBuffer a = allocator.allocate(Shape.of(100, 10));
        long address = a.address().address();
        a.close();
        DeviceBuffer b = allocator.allocate(Shape.of(10, 100));
        assertThat(b.address().address()).isEqualTo(address);
        DeviceBuffer c = allocator.allocate(Shape.of(5000));
        assertThat(c.address().address()).isNotEqualTo(address);
        CachingAllocator.Stats s = allocator.stats();
        assertThat(s.backendAllocations()).isEqualTo(2);
        assertThat(s.cacheHits()).isEqualTo(1);
        assertThat(s.liveBuffers()).isEqualTo(2);
        assertThat(s.liveBytes()).isEqualTo(CachingAllocator.sizeClass(4000) + CachingAllocator.sizeClass(20000));
    }

    @Test
    void closeIsIdempotentAndUseAfterCloseFails() {
        DeviceBuffer a = allocator.allocate(Shape.of(8));
        a.close();
        a.close();
        assertThat(allocator.stats().cachedBlocks()).isEqualTo(1);
        assertThatThrownBy(a::address).isInstanceOf(IllegalStateException.class).hasMessageContaining("after close");
    }

    @Test
    void cacheAboveTheLimitGoesBackToTheBackend() {
        DeviceBuffer big = allocator.allocate(Shape.of(300_000)); // 1.2 MB > 1 MiB limit
        big.close();
        assertThat(allocator.stats().cachedBytes()).isZero();
        assertThat(allocator.stats().backendFrees()).isEqualTo(1);
    }

    @Test
    void outOfMemoryTrimsTheCacheAndRetries() {
        backend.capacity = 3000;
        allocator.allocate(Shape.of(500)).close(); // 2000 bytes cached
        DeviceBuffer b = allocator.allocate(Shape.of(250)); // needs 1024 more: fits only after the trim
        assertThat(b.isClosed()).isFalse();
        assertThat(allocator.stats().cachedBlocks()).isZero();
        assertThatThrownBy(() -> allocator.allocate(Shape.of(2000)))
                .isInstanceOf(CudaException.class).hasMessageContaining("cudaMalloc").hasMessageContaining("out of memory");
    }

    @Test
    void forgottenBuffersAreReclaimedByTheCleaner() throws InterruptedException {
        for (int i = 0; i < 50; i++) {
            allocator.allocate(Shape.of(64)); // never closed
        }
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (allocator.stats().reclaimedByCleaner() < 50 && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(20);
        }
        CachingAllocator.Stats s = allocator.stats();
        assertThat(s.reclaimedByCleaner()).isEqualTo(50);
        assertThat(s.liveBuffers()).isZero();
        assertThat(s.cachedBlocks()).isEqualTo(50);
    }

    @Test
    void soakOfTrainingStepsDoesNotGrow() {
        // Every step allocates the same shapes (as a training loop does), in a shuffled order, and
        // frees them in another: after the first step the backend must never be called again.
        CachingAllocator allocator = new CachingAllocator(backend, 64 << 20);
        SplittableRandom rnd = new SplittableRandom(3);
        int[] sizes = {1, 17, 17, 256, 1000, 4096, 4096, 33_333};
        long afterFirstStep = -1;
        for (int step = 0; step < 5_000; step++) {
            List<DeviceBuffer> live = new ArrayList<>();
            for (int i : shuffled(sizes.length, rnd)) {
                live.add(allocator.allocate(Shape.of(sizes[i])));
            }
            for (int i : shuffled(live.size(), rnd)) {
                live.get(i).close();
            }
            if (step == 0) {
                afterFirstStep = backend.allocations;
            }
        }
        CachingAllocator.Stats s = allocator.stats();
        assertThat(backend.allocations).as("backend allocations after the first step").isEqualTo(afterFirstStep);
        assertThat(s.cacheHits()).isEqualTo(4_999L * sizes.length);
        assertThat(s.liveBuffers()).isZero();
        assertThat(s.cachedBlocks()).isEqualTo(sizes.length);
        allocator.close();
        assertThat(backend.outstanding).isEmpty();
    }

    private static int[] shuffled(int n, SplittableRandom rnd) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    @Test
    void closeFreesTheCacheAndLaterReleasesGoStraightBack() {
        DeviceBuffer kept = allocator.allocate(Shape.of(10));
        allocator.allocate(Shape.of(20)).close();
        allocator.close();
        assertThat(backend.outstanding).hasSize(1);
        kept.close();
        assertThat(backend.outstanding).isEmpty();
        assertThatThrownBy(() -> allocator.allocate(Shape.of(1))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void buffersTheCleanerReclaimsAfterCloseAreFreedAndAFailureThereIsNotThrown() throws InterruptedException {
        for (int i = 0; i < 20; i++) {
            allocator.allocate(Shape.of(64)); // never closed
        }
        allocator.close();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (allocator.stats().reclaimedByCleaner() < 20 && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(20);
        }
        assertThat(allocator.stats().reclaimedByCleaner()).isEqualTo(20);
        assertThat(backend.outstanding).isEmpty();
        // the Cleaner drops exceptions: a free that fails there is logged, and the books stay right
        CachingAllocator failing = new CachingAllocator(new CachingAllocator.Backend() {
            @Override
            public MemorySegment allocate(long bytes) {
                return MemorySegment.ofAddress(4096).reinterpret(bytes);
            }

            @Override
            public void free(MemorySegment block) {
                throw new CudaException(CudaException.Api.RUNTIME, "cudaFree", 700, "cudaErrorIllegalAddress", "sticky");
            }
        }, 0);
        MemorySegment block = failing.acquire(512);
        failing.close();
        failing.release(block, 512, true);
        assertThat(failing.stats().liveBuffers()).isZero();
        assertThat(failing.stats().backendFrees()).isZero();
    }

    @Test
    void elementTypesAndSubAddresses() {
        DeviceBuffer ints = allocator.allocate(DeviceBuffer.Element.I64, Shape.of(4));
        assertThat(ints.bytes()).isEqualTo(32);
        assertThat(ints.address(3).address()).isEqualTo(ints.address().address() + 24);
        assertThatThrownBy(() -> ints.address(5)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> new CachingAllocator(backend, -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
