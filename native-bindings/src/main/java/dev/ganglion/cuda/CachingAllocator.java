package dev.ganglion.cuda;

import dev.ganglion.engine.Shape;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Device memory with a cache of freed blocks, so that a training loop allocating the same shapes
 * every step calls {@code cudaMalloc} only in its first step ({@code cudaMalloc}/{@code cudaFree}
 * synchronise the device and cost tens of microseconds each).
 *
 * <p>Requests round up to a size class (below); a released block goes onto its class's free list
 * and is handed out again for any request of that class. Cached bytes above {@code maxCachedBytes}
 * go back to the backend. When the backend runs out of memory the cache is emptied and the
 * allocation retried once.
 *
 * <p>// NOTE: blocks released by the {@link java.lang.ref.Cleaner} thread (buffers nobody closed)
 * only go onto a free list while the allocator is open. After {@link #close()} nothing would take
 * them from there, so they are freed on that thread: the backend must make its device current on
 * whatever thread frees (CUDA's current device is per thread), and a failure is logged, since the
 * Cleaner drops exceptions. Reuse of a block is safe without synchronisation because all work runs
 * on one stream, in order.
 *
 * <p>Thread-safe. {@link #stats()} exposes the bookkeeping (used by the soak test).
 */
public final class CachingAllocator {
    /** Where blocks really come from: {@code cudaMalloc}/{@code cudaFree}, or a fake in tests. */
    public interface Backend {
        /** A new block of {@code bytes} bytes; a {@link CudaException} when it fails (out of memory included). */
        MemorySegment allocate(long bytes);

        /** Gives back a block that {@link #allocate(long)} returned. */
        void free(MemorySegment block);
    }

    /**
     * Counters: backend calls, cache hits, buffers and bytes handed out and not yet released,
     * blocks and bytes on the free lists, the peak of live plus cached bytes, and how many buffers
     * were released by the Cleaner because their owner forgot to close them.
     */
    public record Stats(long backendAllocations, long backendFrees, long cacheHits, long liveBuffers,
                        long liveBytes, long cachedBlocks, long cachedBytes, long peakBytes,
                        long reclaimedByCleaner) {}

    /** Smallest size class: cudaMalloc aligns to 256 bytes anyway, and tiny buffers may share blocks. */
    static final long MIN_BLOCK = 512;

    private final Backend backend;
    private final long maxCachedBytes;
    private final Map<Long, ArrayDeque<MemorySegment>> freeLists = new HashMap<>();
    private long backendAllocations;
    private long backendFrees;
    private long cacheHits;
    private long liveBuffers;
    private long liveBytes;
    private long cachedBlocks;
    private long cachedBytes;
    private long peakBytes;
    private long reclaimedByCleaner;
    private boolean closed;

    /**
     * An empty cache over {@code backend} that keeps up to {@code maxCachedBytes} bytes (≥ 0) of
     * released blocks for reuse; blocks reclaimed by the Cleaner are cached regardless of the limit.
     */
    public CachingAllocator(Backend backend, long maxCachedBytes) {
        if (maxCachedBytes < 0) {
            throw new IllegalArgumentException("CachingAllocator: maxCachedBytes " + maxCachedBytes + " < 0");
        }
        this.backend = backend;
        this.maxCachedBytes = maxCachedBytes;
    }

    /**
     * The block size serving a request: {@link #MIN_BLOCK} or more, rounded up to a quarter of its
     * power of two ({@code 2^k·{1, 1.25, 1.5, 1.75}}), so at most 25 % of a block is unused while
     * shapes that differ slightly still share a free list.
     */
    public static long sizeClass(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("CachingAllocator.sizeClass: negative size " + bytes);
        }
        if (bytes <= MIN_BLOCK) {
            return MIN_BLOCK;
        }
        long step = Long.highestOneBit(bytes) / 4;
        return Math.ceilDiv(bytes, step) * step;
    }

    /** An uninitialised FP32 buffer of {@code shape}. */
    public DeviceBuffer allocate(Shape shape) {
        return allocate(DeviceBuffer.Element.F32, shape);
    }

    /** An uninitialised buffer of {@code shape} elements of type {@code element}. */
    public DeviceBuffer allocate(DeviceBuffer.Element element, Shape shape) {
        long bytes = (long) shape.size() * element.bytes();
        long size = sizeClass(bytes);
        return new DeviceBuffer(this, acquire(size), size, element, shape);
    }

    synchronized MemorySegment acquire(long size) {
        if (closed) {
            throw new IllegalStateException("CachingAllocator: allocation after close");
        }
        ArrayDeque<MemorySegment> list = freeLists.get(size);
        MemorySegment block;
        if (list != null && !list.isEmpty()) {
            block = list.pop();
            cachedBlocks--;
            cachedBytes -= size;
            cacheHits++;
        } else {
            block = allocateFromBackend(size);
        }
        liveBuffers++;
        liveBytes += size;
        peakBytes = Math.max(peakBytes, liveBytes + cachedBytes);
        return block;
    }

    private MemorySegment allocateFromBackend(long size) {
        try {
            MemorySegment block = backend.allocate(size);
            backendAllocations++;
            return block;
        } catch (CudaException e) {
            if (!e.isOutOfMemory() || cachedBlocks == 0) {
                throw e;
            }
            trim();
            MemorySegment block = backend.allocate(size);
            backendAllocations++;
            return block;
        }
    }

    /** Returns a block; {@code byCleaner} when its buffer was garbage-collected without being closed. */
    synchronized void release(MemorySegment block, long size, boolean byCleaner) {
        liveBuffers--;
        liveBytes -= size;
        if (byCleaner) {
            reclaimedByCleaner++;
        }
        if (closed && byCleaner) {
            freeForCleaner(block, size);
        } else if (closed) {
            backend.free(block);
            backendFrees++;
        } else if (byCleaner || cachedBytes + size <= maxCachedBytes) {
            freeLists.computeIfAbsent(size, k -> new ArrayDeque<>()).push(block);
            cachedBlocks++;
            cachedBytes += size;
        } else {
            backend.free(block);
            backendFrees++;
        }
    }

    private void freeForCleaner(MemorySegment block, long size) {
        try {
            backend.free(block);
            backendFrees++;
        } catch (RuntimeException e) {
            System.getLogger("dev.ganglion.cuda").log(System.Logger.Level.WARNING, "Ganglion: could not free a "
                    + size + "-byte device block of a buffer nobody closed, after its allocator was closed: " + e);
        }
    }

    /** Frees every cached block, then evicts nothing else (live buffers stay valid). */
    public synchronized void trim() {
        for (ArrayDeque<MemorySegment> list : freeLists.values()) {
            while (!list.isEmpty()) {
                backend.free(list.pop());
                backendFrees++;
            }
        }
        freeLists.clear();
        cachedBlocks = 0;
        cachedBytes = 0;
    }

    /** Trims; buffers released later are freed at once instead of cached. */
    public synchronized void close() {
        trim();
        closed = true;
    }

    /** A consistent snapshot of the counters. */
    public synchronized Stats stats() {
        return new Stats(backendAllocations, backendFrees, cacheHits, liveBuffers, liveBytes, cachedBlocks,
                cachedBytes, peakBytes, reclaimedByCleaner);
    }
}
