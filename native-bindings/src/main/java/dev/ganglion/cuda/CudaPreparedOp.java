package dev.ganglion.cuda;

import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.backend.PreparedOp;
import java.util.List;

/**
 * A product with its operands resident on the device: {@link #run} queues the call on the stream
 * (no copy, no synchronisation), {@link #result} waits and downloads the output. Owns its device
 * buffers and frees them on {@link #close}.
 */
final class CudaPreparedOp implements PreparedOp {
    private final CudaDevice device;
    private final List<AutoCloseable> owned;
    private final DeviceBuffer output;
    private final Shape hostShape;
    private final double flops;
    private final Runnable call;
    private boolean ran;
    private boolean closed;

    CudaPreparedOp(CudaDevice device, List<AutoCloseable> owned, DeviceBuffer output, Shape hostShape,
                   double flops, Runnable call) {
        this.device = device;
        this.owned = List.copyOf(owned);
        this.output = output;
        this.hostShape = hostShape;
        this.flops = flops;
        this.call = call;
    }

    @Override
    public void run() {
        open();
        call.run();
        ran = true;
    }

    @Override
    public Tensor result() {
        open();
        if (!ran) {
            throw new IllegalStateException("PreparedOp.result: run() has not been called");
        }
        return Tensor.wrap(device.download(output), hostShape);
    }

    @Override
    public double flops() {
        return flops;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        // Queued calls may still read the buffers: wait before they go back to the allocator.
        try {
            device.synchronize();
        } finally {
            release(owned, null);
        }
    }

    /** Closes every resource; the first failure is thrown (or added to {@code primary}). */
    static void release(List<AutoCloseable> resources, RuntimeException primary) {
        RuntimeException failure = primary;
        for (AutoCloseable r : resources.reversed()) {
            try {
                r.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e instanceof RuntimeException re ? re : new IllegalStateException(e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null && failure != primary) {
            throw failure;
        }
    }

    private void open() {
        if (closed) {
            throw new IllegalStateException("PreparedOp used after close");
        }
    }
}
