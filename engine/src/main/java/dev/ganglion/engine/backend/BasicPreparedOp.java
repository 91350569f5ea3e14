package dev.ganglion.engine.backend;

import dev.ganglion.engine.Tensor;

/**
 * The bookkeeping every {@link PreparedOp} shares: {@link #run} makes the call, {@link #result}
 * refuses before the first run, any use after {@link #close} is an error and close is idempotent.
 * A backend supplies how the output reaches the host ({@link #fetch}) and what close releases
 * ({@link #release}).
 */
public abstract class BasicPreparedOp implements PreparedOp {
    private final double flops;
    private final Runnable call;
    private boolean ran;
    private boolean closed;

    /**
     * An open op that has not run yet.
     *
     * @param flops useful floating-point operations of one call, as {@link #flops} reports them
     * @param call  one call of the product on the prepared operands
     */
    protected BasicPreparedOp(double flops, Runnable call) {
        this.flops = flops;
        this.call = call;
    }

    /** The output of the last call as a new host tensor. */
    protected abstract Tensor fetch();

    /** Frees what the op owns; called once, by the first {@link #close}. */
    protected abstract void release();

    @Override
    public final void run() {
        open();
        call.run();
        ran = true;
    }

    @Override
    public final Tensor result() {
        open();
        if (!ran) {
            throw new IllegalStateException("PreparedOp.result: run() has not been called");
        }
        return fetch();
    }

    @Override
    public final double flops() {
        return flops;
    }

    @Override
    public final void close() {
        if (!closed) {
            closed = true;
            release();
        }
    }

    private void open() {
        if (closed) {
            throw new IllegalStateException("PreparedOp used after close");
        }
    }
}
