package dev.ganglion.cuda;

import java.lang.foreign.MemorySegment;

/**
 * A CUDA stream: work submitted to it runs in order, asynchronously to the host. Created
 * non-blocking, so it does not serialise with the legacy default stream.
 */
public final class CudaStream implements AutoCloseable {
    private final CudaRuntime runtime;
    private final MemorySegment handle;
    private boolean closed;

    private CudaStream(CudaRuntime runtime, MemorySegment handle) {
        this.runtime = runtime;
        this.handle = handle;
    }

    /** A new non-blocking stream on the calling thread's current device. */
    public static CudaStream create(CudaRuntime runtime) {
        return new CudaStream(runtime, runtime.streamCreate(CudaRuntime.STREAM_NON_BLOCKING));
    }

    /** The {@code cudaStream_t}. */
    public MemorySegment handle() {
        if (closed) {
            throw new IllegalStateException("CudaStream used after close");
        }
        return handle;
    }

    /** Waits until everything submitted so far has finished (and reports its errors). */
    public void synchronize() {
        runtime.streamSynchronize(handle());
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            runtime.streamDestroy(handle);
        }
    }
}
