package dev.ganglion.cuda;

import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.backend.BasicPreparedOp;
import java.util.List;

/**
 * A product with its operands resident on the device: {@link #run} queues the call on the stream
 * (no copy, no synchronisation), {@link #result} waits and downloads the output. Owns its device
 * buffers and frees them on {@link #close}.
 */
final class CudaPreparedOp extends BasicPreparedOp {
    private final CudaDevice device;
    private final List<AutoCloseable> owned;
    private final DeviceBuffer output;
    private final Shape hostShape;

    CudaPreparedOp(CudaDevice device, List<AutoCloseable> owned, DeviceBuffer output, Shape hostShape,
                   double flops, Runnable call) {
        super(flops, call);
        this.device = device;
        this.owned = List.copyOf(owned);
        this.output = output;
        this.hostShape = hostShape;
    }

    @Override
    protected Tensor fetch() {
        return Tensor.wrap(device.download(output), hostShape);
    }

    @Override
    protected void release() {
        // Queued calls may still read the buffers: wait before they go back to the allocator.
        try {
            device.synchronize();
        } finally {
            Resources.closeAll(owned, null);
        }
    }
}
