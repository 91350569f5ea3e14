package dev.ganglion.engine.ops;

import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.kernel.ScratchLimit;
import dev.ganglion.engine.kernel.ScratchPool;

/**
 * A float32 tensor for use within one call, its storage kept for the next call (from a
 * {@link ScratchPool}, under {@link ScratchLimit}'s rule), for a temporary the size of a layer's
 * activations that a backward rule makes and drops. Its values are whatever the last user left:
 * the caller overwrites them all.
 *
 * <pre>{@code
 * try (CallScratch s = CallScratch.take(shape)) {
 *     Tensor t = s.tensor();   // written, then read, within the block only
 * }
 * }</pre>
 *
 * <p>Why: a new {@code [64, 1,024]} tensor is fresh memory, in no cache, and each one cost a
 * G2GNet training step (batch 64, H = 1,024, 1 thread, Intel Xeon) ~1 %, ~40 µs; a kept buffer is
 * in the cache from the call before.
 */
public final class CallScratch implements AutoCloseable {
    private static final ScratchPool<float[]> BUFFERS = new ScratchPool<>(() -> new float[0], false);

    private final float[] buffer;
    private final Tensor tensor;

    private CallScratch(float[] buffer, Shape shape) {
        this.buffer = buffer;
        this.tensor = Tensor.wrap(buffer, Shape.of(buffer.length)).slice(0, 0, shape.size()).reshape(shape.dims());
    }

    /** A contiguous float32 tensor of {@code shape}, its values unspecified; give it back with {@link #close}. */
    public static CallScratch take(Shape shape) {
        float[] buffer = BUFFERS.acquire();
        return new CallScratch(buffer.length < shape.size() ? new float[shape.size()] : buffer, shape);
    }

    /** The tensor, valid until {@link #close}. */
    public Tensor tensor() {
        return tensor;
    }

    /** Gives the storage back for the next call: the tensor must not be used after this. */
    @Override
    public void close() {
        if (ScratchLimit.keeps(buffer.length)) {
            BUFFERS.release(buffer);
        }
    }
}
