package dev.ganglion.engine.ops;

import dev.ganglion.engine.DType;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.kernel.BinaryOp;
import dev.ganglion.engine.kernel.ScratchLimit;
import dev.ganglion.engine.kernel.ScratchPool;
import java.util.function.Function;

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

    /**
     * {@code body(dy)} for {@code dy = dh ⊙ [h > 0]}, the backward of a ReLU whose output is h (the
     * bits of {@link BinaryOp#RELU_GRAD}), dy in call-scoped storage when float32 (a new tensor
     * otherwise): the first step of a layer whose ReLU runs inside its op. body must neither keep dy
     * nor return it, nor a view of it.
     */
    public static <T> T reluGrad(Tensor dh, Tensor h, Function<Tensor, T> body) {
        if (dh.dtype() != DType.F32) {
            return body.apply(Elementwise.apply(BinaryOp.RELU_GRAD, dh, h));
        }
        try (CallScratch scratch = take(dh.shape())) {
            return body.apply(Elementwise.applyInto(BinaryOp.RELU_GRAD, dh, h, scratch.tensor()));
        }
    }

    /**
     * A contiguous float32 tensor of {@code shape} on the same kept storage, its values unspecified,
     * for a temporary that outlives the call that makes it (a gradient the autograd walk hands on and
     * drops once it has been consumed): give it back with {@link #giveBack}, or let the GC have it.
     */
    public static Tensor lend(Shape shape) {
        return take(shape).tensor; // not closed: the storage goes back through giveBack only
    }

    /**
     * Takes back the storage of a tensor from {@link #lend}; neither it nor any view of it may be used
     * afterwards.
     */
    public static void giveBack(Tensor lent) {
        keep(lent.floatArray());
    }

    /** The tensor, valid until {@link #close}. */
    public Tensor tensor() {
        return tensor;
    }

    /** Gives the storage back for the next call: the tensor must not be used after this. */
    @Override
    public void close() {
        keep(buffer);
    }

    /** Back to the pool for the next call, unless above {@link ScratchLimit}'s size. */
    private static void keep(float[] buffer) {
        if (ScratchLimit.keeps(buffer.length)) {
            BUFFERS.release(buffer);
        }
    }
}
