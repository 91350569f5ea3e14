package dev.ganglion.engine.kernel;

import java.lang.foreign.MemorySegment;

/**
 * Three reusable {@link SparsePanel panel} buffers and two heap value buffers, so a product does
 * not allocate (and zero) a megabyte of panels per call. Use as try-with-resources around one
 * product.
 *
 * <p>NOTE: the sets come from one {@link ScratchPool} shared by all threads, last in first out: a
 * thread running products one after another gets the same set each time, a product nested in
 * another (a ForkJoin worker that steals another product while joining) takes a second one, and no
 * two live products ever share a buffer. Idle sets are capped at {@link ScratchPool#idleCap()} and
 * buffers above {@link #MAX_CACHED} floats are not kept, which bounds what is held between products
 * whatever the number of threads; dropped buffers are freed by the GC.
 */
final class SparseScratch implements AutoCloseable {
    /** Largest buffer kept between calls ({@link ScratchLimit}). */
    static final long MAX_CACHED = ScratchLimit.MAX_CACHED_FLOATS;

    /** The idle sets (package-private for tests). */
    static final ScratchPool<SparseScratch> POOL = new ScratchPool<>(SparseScratch::new, false);

    private MemorySegment first = MemorySegment.NULL;
    private MemorySegment second = MemorySegment.NULL;
    private MemorySegment third = MemorySegment.NULL;
    private float[] values = new float[0];
    private float[] dots = new float[0];

    private SparseScratch() {}

    /** A set of buffers no other live product uses. */
    static SparseScratch acquire() {
        return POOL.acquire();
    }

    /**
     * A panel buffer of exactly {@code n} floats (a slice of a kept one that may be larger); contents
     * are arbitrary. Exact, so that a kernel may take the panel's size as a bound on the rows it
     * reaches ({@code GatherParts}).
     */
    MemorySegment first(long n) {
        first = atLeast(first, n);
        return exactly(first, n);
    }

    /** A second panel buffer, distinct from {@link #first}, of exactly {@code n} floats. */
    MemorySegment second(long n) {
        second = atLeast(second, n);
        return exactly(second, n);
    }

    /** A third panel buffer, distinct from the other two, of exactly {@code n} floats. */
    MemorySegment third(long n) {
        third = atLeast(third, n);
        return exactly(third, n);
    }

    /** A heap buffer of at least {@code n} floats (values reordered for a product); contents are arbitrary. */
    float[] values(int n) {
        return values = values.length < n ? new float[n] : values;
    }

    /** A second heap buffer, distinct from {@link #values}, of at least {@code n} floats. */
    float[] dots(int n) {
        return dots = dots.length < n ? new float[n] : dots;
    }

    /** {@code panel} when it holds at least {@code n} floats, else a new one that does. */
    private static MemorySegment atLeast(MemorySegment panel, long n) {
        return floats(panel) < n ? SparsePanel.allocateFloats(n) : panel;
    }

    private static MemorySegment exactly(MemorySegment panel, long n) {
        return panel.asSlice(0, n * Float.BYTES);
    }

    /** Capacity of a buffer in floats. */
    static long floats(MemorySegment m) {
        return m.byteSize() / Float.BYTES;
    }

    @Override
    public void close() {
        first = kept(first);
        second = kept(second);
        third = kept(third);
        values = kept(values);
        dots = kept(dots);
        POOL.release(this);
    }

    /** {@code panel}, or none once it is above {@link #MAX_CACHED} floats. */
    private static MemorySegment kept(MemorySegment panel) {
        return ScratchLimit.keeps(floats(panel)) ? panel : MemorySegment.NULL;
    }

    /** {@code buffer}, or an empty one once it is above {@link #MAX_CACHED} floats. */
    private static float[] kept(float[] buffer) {
        return ScratchLimit.keeps(buffer.length) ? buffer : new float[0];
    }
}
