package dev.ganglion.cuda;

import dev.ganglion.engine.Shape;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;

/**
 * A block of device memory holding {@link #shape()} elements, row-major. Closing it returns the
 * block to its {@link CachingAllocator}; a buffer that is never closed is returned by a
 * {@link Cleaner} once it becomes unreachable, so nothing leaks when a caller forgets (the
 * allocator counts those in {@link CachingAllocator.Stats#reclaimedByCleaner()}).
 *
 * <p>Contents are copied from and to the host through {@link CudaDevice}. The buffer itself is only
 * an address with a shape: it is never dereferenced on the host.
 */
public final class DeviceBuffer implements AutoCloseable {
    /** Element types: FP32 data, int32 sparse indices, int64 device-pointer arrays for batched GEMM. */
    public enum Element {
        /** 32-bit IEEE floats (4 bytes). */
        F32(4),
        /** 32-bit signed integers (4 bytes). */
        I32(4),
        /** 64-bit signed integers (8 bytes). */
        I64(8);

        private final int bytes;

        Element(int bytes) {
            this.bytes = bytes;
        }

        /** Bytes per element. */
        public int bytes() {
            return bytes;
        }
    }

    private static final Cleaner CLEANER = Cleaner.create();

    private final MemorySegment block;
    private final Element element;
    private final Shape shape;
    private final Release release;
    private final Cleaner.Cleanable cleanable;
    private volatile boolean closed;

    DeviceBuffer(CachingAllocator allocator, MemorySegment block, long blockBytes, Element element, Shape shape) {
        this.block = block;
        this.element = element;
        this.shape = shape;
        this.release = new Release(allocator, block, blockBytes);
        this.cleanable = CLEANER.register(this, release);
    }

    /**
     * Returns the block. Must not reference the buffer (or the Cleaner could never run it); it
     * learns from {@link #explicit} whether close() or the Cleaner triggered it.
     */
    private static final class Release implements Runnable {
        private final CachingAllocator allocator;
        private final MemorySegment block;
        private final long blockBytes;
        private volatile boolean explicit;

        Release(CachingAllocator allocator, MemorySegment block, long blockBytes) {
            this.allocator = allocator;
            this.block = block;
            this.blockBytes = blockBytes;
        }

        @Override
        public void run() {
            allocator.release(block, blockBytes, !explicit);
        }
    }

    /** The logical shape (row-major). */
    public Shape shape() {
        return shape;
    }

    /** The element type. */
    public Element element() {
        return element;
    }

    /** Number of elements ({@code shape().size()}). */
    public int elements() {
        return shape.size();
    }

    /** Bytes of data ({@code elements · element size}); the block may be larger (size classes). */
    public long bytes() {
        return (long) shape.size() * element.bytes();
    }

    /** The device address of element 0. */
    public MemorySegment address() {
        if (closed) {
            throw new IllegalStateException("DeviceBuffer " + shape + " used after close");
        }
        return block;
    }

    /** The device address of element {@code index} (for sub-matrices and batched-GEMM operands). */
    public MemorySegment address(long index) {
        if (index < 0 || index > elements()) {
            throw new IndexOutOfBoundsException("DeviceBuffer " + shape + ": element " + index);
        }
        return MemorySegment.ofAddress(address().address() + index * element.bytes());
    }

    /** Whether {@link #close()} has been called. */
    public boolean isClosed() {
        return closed;
    }

    /** Returns the block to the allocator; idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        release.explicit = true;
        cleanable.clean();
    }

    @Override
    public String toString() {
        return "DeviceBuffer" + shape + " " + element + (closed ? " (closed)" : "");
    }
}
