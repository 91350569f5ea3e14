package dev.ganglion.engine.kernel;

import dev.ganglion.engine.Parallel;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * Kernel scratch shared by every thread that runs a product: {@link #acquire} takes the scratch
 * released last (or makes one), {@link #release} gives it back. The scratch kept therefore follows
 * how many products run at once, not how many threads ever ran one: 32 request threads taking turns
 * share one, and so do virtual threads, one per request. The idle ones are capped at
 * {@link Parallel#threads()} + {@value #SPARE}; one released beyond that is dropped for the GC.
 *
 * <p>Last in, first out, so a thread running one product after another gets the same, cache-warm
 * buffers every time, and a product nested in another (a pool thread that steals work while it
 * joins) simply takes a second one: no two live acquisitions ever share an object.
 *
 * <p>A pool made {@code perPoolThread} (for scratch taken once per task, such as a GEMM's packing
 * buffers) also keeps one object on each of the engine's own pool threads, in front of the shared
 * stack, so a worker packs into the buffers in its own cache, as with a thread-local. These are
 * bounded by the pool's thread count, and go with the threads when {@link Parallel#setThreads}
 * replaces the pool.
 *
 * <p>What an object may hold is the owner's rule ({@link ScratchLimit#MAX_CACHED_FLOATS} per
 * buffer); {@link ScratchLimit#releaseIdle} drops every pool's shared idle objects.
 *
 * @param <T> the scratch object
 */
public final class ScratchPool<T> {
    /** Idle objects kept beyond one per thread of the engine's pool. */
    public static final int SPARE = 2;

    private static final List<ScratchPool<?>> ALL = new CopyOnWriteArrayList<>();

    private final Supplier<T> fresh;
    private final ThreadLocal<Object[]> ownSlot;
    private Object[] idle = new Object[4]; // a stack: idle[0, size), top at size − 1; guarded by this
    private int size;

    /**
     * A pool making new objects with {@code fresh}; {@code perPoolThread} keeps one more on each
     * engine pool thread (see the class comment).
     */
    public ScratchPool(Supplier<T> fresh, boolean perPoolThread) {
        this.fresh = fresh;
        this.ownSlot = perPoolThread ? ThreadLocal.withInitial(() -> new Object[1]) : null;
        ALL.add(this);
    }

    /** An object no one else is using: the one released last, or a new one. */
    @SuppressWarnings("unchecked")
    public T acquire() {
        if (ownSlot != null && Parallel.isPoolThread()) {
            Object[] own = ownSlot.get();
            Object t = own[0];
            if (t != null) {
                own[0] = null;
                return (T) t;
            }
        }
        T t = pop();
        return t != null ? t : fresh.get();
    }

    /** Gives back {@code t}, which the caller must not use afterwards. */
    public void release(T t) {
        if (ownSlot != null && Parallel.isPoolThread()) {
            Object[] own = ownSlot.get();
            if (own[0] == null) {
                own[0] = t;
                return;
            }
        }
        push(t);
    }

    /** Objects waiting in the shared stack (not those kept by pool threads). */
    public synchronized int idle() {
        return size;
    }

    /** The most objects the shared stack keeps now. */
    public static int idleCap() {
        return Parallel.threads() + SPARE;
    }

    @SuppressWarnings("unchecked")
    private synchronized T pop() {
        if (size == 0) {
            return null;
        }
        Object t = idle[--size];
        idle[size] = null;
        return (T) t;
    }

    private synchronized void push(T t) {
        if (size >= idleCap()) {
            return; // dropped: more products ran at once than are worth keeping scratch for
        }
        if (size == idle.length) {
            idle = java.util.Arrays.copyOf(idle, 2 * size);
        }
        idle[size++] = t;
    }

    private synchronized void clear() {
        java.util.Arrays.fill(idle, 0, size, null);
        size = 0;
    }

    /** Drops the shared idle objects of every pool. */
    static void clearAll() {
        for (ScratchPool<?> p : ALL) {
            p.clear();
        }
    }
}
