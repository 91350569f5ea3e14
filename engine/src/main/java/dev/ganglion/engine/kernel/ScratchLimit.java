package dev.ganglion.engine.kernel;

/**
 * How much scratch a thread keeps between kernel calls: the per-thread buffers of the sparse and
 * dense products grow to what a call needs, and one larger than this is dropped after the call
 * (freed by the GC) instead of held by an idle thread for the life of the JVM.
 */
public final class ScratchLimit {
    /** Largest buffer kept between calls: 4 Mi floats (16 MiB). */
    public static final int MAX_CACHED_FLOATS = 1 << 22;

    private ScratchLimit() {}
}
