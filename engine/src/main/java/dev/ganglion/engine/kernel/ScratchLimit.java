package dev.ganglion.engine.kernel;

/**
 * How much scratch the kernels keep between calls. The sparse and dense products take their
 * buffers from {@link ScratchPool shared pools}: a buffer grows to what a call needs and is reused
 * by the next call on any thread, except one above {@link #MAX_CACHED_FLOATS}, which is dropped
 * after its call (freed by the GC).
 *
 * <p>What stays idle follows how many products ran at once, not how many threads ever ran one: at
 * most {@link ScratchPool#idleCap()} ({@link dev.ganglion.engine.Parallel#threads()} + 2) sets per
 * kind of scratch, plus one per thread of the engine's pool for the per-task kinds (the pool drops
 * a thread idle for 60 s). A sparse product's set is three native panels and two heap buffers, a
 * GEMM task's a few heap buffers; each buffer at most 16 MiB. {@link #releaseIdle} drops the
 * shared idle sets at once, for an application that has finished with the engine for a while.
 */
public final class ScratchLimit {
    /** Largest buffer kept between calls: 4 Mi floats (16 MiB). */
    public static final int MAX_CACHED_FLOATS = 1 << 22;

    private ScratchLimit() {}

    /** Whether a buffer of {@code floats} is kept for the next call: the one place of this rule. */
    public static boolean keeps(long floats) {
        return floats <= MAX_CACHED_FLOATS;
    }

    /**
     * Drops the scratch no running product is using, for the GC to free (native panels count
     * against {@code -XX:MaxDirectMemorySize} until then). Products running meanwhile are not
     * affected; later ones allocate afresh. The per-task scratch that the engine's pool threads
     * keep goes with those threads.
     */
    public static void releaseIdle() {
        ScratchPool.clearAll();
    }
}
