package dev.ganglion.engine.backend;

import dev.ganglion.engine.Tensor;

/**
 * One product of a {@link ComputeBackend} with its operands in place (on a device: uploaded once,
 * resident until {@link #close}); {@link #run} repeats it without copying anything. Confined to
 * the thread that prepared it; named like {@link java.lang.foreign.Arena}: release with close().
 */
public interface PreparedOp extends AutoCloseable {
    /** Queues one call (asynchronous on a device: it may return before the product is done). */
    void run();

    /**
     * Waits for the queued calls and returns a new host tensor with the output of the last one;
     * {@link IllegalStateException} before the first {@link #run}.
     */
    Tensor result();

    /** Useful floating-point operations of one call (multiply and add count as two). */
    double flops();

    /** Releases device memory; later calls throw {@link IllegalStateException}. Idempotent. */
    @Override
    void close();
}
