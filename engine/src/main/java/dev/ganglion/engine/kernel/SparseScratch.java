package dev.ganglion.engine.kernel;

/**
 * Two reusable panel buffers per calling thread, so a product does not allocate (and zero) a
 * megabyte of panels per call. Use as try-with-resources around one product.
 *
 * <p>NOTE: a thread can re-enter a product while its first one is still running (a ForkJoin worker
 * that steals another product while joining); the inner call then finds the buffers busy and gets
 * fresh ones, so no two live calls ever share a buffer. Buffers above {@link #MAX_CACHED} floats
 * are not kept, which bounds what an idle thread holds.
 */
final class SparseScratch implements AutoCloseable {
    /** Largest buffer kept between calls: 4 Mi floats (16 MiB). */
    static final int MAX_CACHED = 1 << 22;

    private static final ThreadLocal<SparseScratch> LOCAL = ThreadLocal.withInitial(SparseScratch::new);

    private float[] first = new float[0];
    private float[] second = new float[0];
    private boolean busy;

    private SparseScratch() {}

    /** This thread's buffers, or fresh ones when they are in use further up the stack. */
    static SparseScratch acquire() {
        SparseScratch s = LOCAL.get();
        if (s.busy) {
            s = new SparseScratch();
        }
        s.busy = true;
        return s;
    }

    /** A buffer of at least {@code n} floats; contents are arbitrary. */
    float[] first(int n) {
        if (first.length < n) {
            first = new float[n];
        }
        return first;
    }

    /** A second buffer, distinct from {@link #first}, of at least {@code n} floats. */
    float[] second(int n) {
        if (second.length < n) {
            second = new float[n];
        }
        return second;
    }

    @Override
    public void close() {
        if (first.length > MAX_CACHED) {
            first = new float[0];
        }
        if (second.length > MAX_CACHED) {
            second = new float[0];
        }
        busy = false;
    }
}
