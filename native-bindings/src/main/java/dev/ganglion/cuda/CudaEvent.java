package dev.ganglion.cuda;

import java.lang.foreign.MemorySegment;

/** A CUDA event with timing enabled: marks a point in a stream; two of them time the work between. */
public final class CudaEvent implements AutoCloseable {
    private final CudaRuntime runtime;
    private final MemorySegment handle;
    private boolean closed;

    private CudaEvent(CudaRuntime runtime, MemorySegment handle) {
        this.runtime = runtime;
        this.handle = handle;
    }

    /** A new timing event on the calling thread's current device. */
    public static CudaEvent create(CudaRuntime runtime) {
        return new CudaEvent(runtime, runtime.eventCreate(CudaRuntime.EVENT_DEFAULT));
    }

    /** Marks the current end of {@code stream}'s work. */
    public void record(CudaStream stream) {
        runtime.eventRecord(handle(), stream.handle());
    }

    /** Waits until the marked work has finished. */
    public void synchronize() {
        runtime.eventSynchronize(handle());
    }

    /** Milliseconds from {@code start} to this event; both must be recorded and complete. */
    public float millisSince(CudaEvent start) {
        return runtime.eventElapsedMillis(start.handle(), handle());
    }

    MemorySegment handle() {
        if (closed) {
            throw new IllegalStateException("CudaEvent used after close");
        }
        return handle;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            runtime.eventDestroy(handle);
        }
    }
}
