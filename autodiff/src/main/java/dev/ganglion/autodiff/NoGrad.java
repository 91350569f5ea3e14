package dev.ganglion.autodiff;

/**
 * A scope in which ops record nothing: results are constants, whatever their inputs require.
 * For evaluation, optimizer updates and anything else that must not grow the graph.
 *
 * <pre>{@code
 * try (var g = NoGrad.enter()) {
 *     Var prediction = model.forward(x);   // no nodes, no saved tensors
 * }
 * }</pre>
 *
 * <p>Per thread (a scope on one thread does not affect another) and nestable: grad mode comes back
 * when the outermost scope closes. Closing twice is harmless; a scope must be closed on the thread
 * that entered it.
 */
public final class NoGrad implements AutoCloseable {
    /** Depth of open scopes on this thread; a one-element array so the hot check allocates nothing. */
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    private final int[] depth;
    /** What opening this scope added to the depth, taken back by {@link #close}. */
    private final int added;
    private final Thread owner;
    private boolean closed;

    private NoGrad(int[] depth, int added) {
        this.depth = depth;
        this.added = added;
        this.owner = Thread.currentThread();
    }

    /** Opens a no-grad scope on the current thread. */
    public static NoGrad enter() {
        int[] d = DEPTH.get();
        d[0]++;
        return new NoGrad(d, 1);
    }

    /**
     * Turns grad mode back on inside the open no-grad scopes of this thread until closed (PyTorch's
     * {@code torch.enable_grad()}): for code that must record even when its caller does not, such as
     * a function that takes a gradient itself ({@link Autodiff#gradGraph}) evaluated by
     * {@link GradCheck}'s finite differences.
     */
    public static NoGrad suspend() {
        int[] d = DEPTH.get();
        int open = d[0];
        d[0] = 0;
        return new NoGrad(d, -open);
    }

    /** True when no {@code NoGrad} scope is open on the current thread. */
    public static boolean isGradEnabled() {
        return DEPTH.get()[0] == 0;
    }

    /**
     * Closes this scope.
     *
     * @throws IllegalStateException when called from a thread other than the one that entered
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("NoGrad: scope entered on " + owner.getName()
                    + " closed on " + Thread.currentThread().getName());
        }
        closed = true;
        depth[0] -= added;
    }
}
