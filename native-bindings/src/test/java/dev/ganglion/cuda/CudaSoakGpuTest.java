package dev.ganglion.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ganglion.engine.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Many allocate/free cycles on a real device: after the first collections the allocator stops
 * calling cudaMalloc (device memory stops growing), buffers nobody closed are reclaimed, and once the device is closed the free
 * device memory is back where it started.
 */
@Tag("gpu")
class CudaSoakGpuTest {
    private static final int STEPS = 2_000;
    /** Steps between collections; one in ten steps forgets its largest buffer. */
    private static final int GC_EVERY = 100;

    @Test
    void allocateFreeCyclesDoNotGrowDeviceMemory() throws InterruptedException {
        CudaDevice probe = GpuSupport.openOrSkip();
        long freeBefore = probe.runtime().memoryInfo().free();
        probe.close();

        try (CudaDevice device = CudaDevice.open(0)) {
            int[] sizes = {1, 1000, 65_536, 1 << 20, 3_000_001};
            SplittableRandom rnd = new SplittableRandom(1);
            long afterFirstStep = -1;
            long atHalfway = -1;
            for (int step = 0; step < STEPS; step++) {
                List<DeviceBuffer> live = new ArrayList<>();
                for (int s : sizes) {
                    DeviceBuffer b = device.allocate(Shape.of(s));
                    device.zero(b);
                    live.add(b);
                }
                if (rnd.nextInt(10) == 0) {
                    live.removeLast(); // forgotten: the Cleaner must return it
                }
                live.forEach(DeviceBuffer::close);
                if (step == 0) {
                    afterFirstStep = device.allocator().stats().backendAllocations();
                }
                if (step % GC_EVERY == GC_EVERY - 1) {
                    System.gc();
                }
                if (step == STEPS / 2 - 1) {
                    atHalfway = device.allocator().stats().backendAllocations();
                }
            }
            device.synchronize();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (device.allocator().stats().liveBuffers() > 0 && System.nanoTime() < deadline) {
                System.gc();
                Thread.sleep(20);
            }
            CachingAllocator.Stats s = device.allocator().stats();
            assertThat(s.liveBuffers()).isZero();
            assertThat(s.reclaimedByCleaner()).isPositive();
            // Forgotten buffers come back only after a collection, so until the first one the largest
            // class needs a new block for each (about GC_EVERY / 10); from then on the reclaimed blocks
            // serve: the second half may add a few (a window that forgets more than any before), no more.
            assertThat(s.backendAllocations()).isLessThan(afterFirstStep + 3 * GC_EVERY / 10);
            assertThat(s.backendAllocations() - atHalfway).isLessThanOrEqualTo(GC_EVERY / 20);
            System.out.println("soak: " + s);
        }
        try (CudaDevice device = CudaDevice.open(0)) {
            long freeAfter = device.runtime().memoryInfo().free();
            assertThat(freeAfter).isGreaterThan(freeBefore - (64L << 20));
        }
    }
}
