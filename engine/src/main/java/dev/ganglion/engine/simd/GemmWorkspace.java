package dev.ganglion.engine.simd;

import static dev.ganglion.engine.simd.GemmMicroKernel.MR;
import static dev.ganglion.engine.simd.GemmMicroKernel.NR;

import dev.ganglion.engine.kernel.ScratchLimit;
import dev.ganglion.engine.kernel.ScratchPool;

/**
 * Scratch of one {@link SimdGemm} task: the packed A block, the packed B panel, one register
 * tile for edge tiles, a block of a transposed product and a vector buffer for the matrix–vector
 * path. Buffers grow on demand and are then reused, so a steady stream of GEMMs of similar sizes
 * allocates nothing; one above {@link ScratchLimit#MAX_CACHED_FLOATS} is used once and not kept.
 * Use as try-with-resources around one task.
 *
 * <p>Workspaces come from a {@link ScratchPool}: each engine pool thread keeps its own (packing
 * into buffers in its own cache, as with a thread-local), and other threads share the pool's idle
 * ones, so a GEMM on a short-lived or virtual thread reuses them instead of allocating its own.
 */
final class GemmWorkspace implements AutoCloseable {
    /** Idle workspaces (package-private for tests). */
    static final ScratchPool<GemmWorkspace> POOL = new ScratchPool<>(GemmWorkspace::new, true);

    /** Packed A block: at most {@code MC×KC} floats. */
    final float[] packA = new float[SimdGemm.MC * SimdGemm.KC];
    /** One tile of {@code MR×NR} or 8×NR ({@link GemmMicroKernel#edge8}), for tiles cut by the matrix edge. */
    final float[] tile = new float[Math.max(MR, 8) * NR];
    /** One transposed block (at most 16×16), for {@link GemmTranspose#addTransposed}. */
    final float[] block = new float[16 * 16];
    private float[] packB = new float[0];
    private float[] copyA = new float[0];
    private float[] vector = new float[0];
    private float[] transposed = new float[0];

    private GemmWorkspace() {}

    /** A workspace no other live task uses, until {@link #close}. */
    static GemmWorkspace acquire() {
        return POOL.acquire();
    }

    /** Gives the workspace back; the caller must not use it or its buffers afterwards. */
    @Override
    public void close() {
        POOL.release(this);
    }

    /** A buffer of at least {@code size} floats for a re-strided copy of A (grown on demand). */
    float[] copyA(int size) {
        float[] b = atLeast(copyA, size);
        copyA = kept(b, copyA);
        return b;
    }

    /** The packed B buffer, at least {@code size} floats. */
    float[] packB(int size) {
        float[] b = atLeast(packB, size);
        packB = kept(b, packB);
        return b;
    }

    /** A buffer of at least {@code size} floats for a block of a transposed product (grown on demand). */
    float[] transposed(int size) {
        float[] b = atLeast(transposed, size);
        transposed = kept(b, transposed);
        return b;
    }

    /** A vector buffer of at least {@code size} floats (contents unspecified). */
    float[] vector(int size) {
        float[] b = atLeast(vector, size);
        vector = kept(b, vector);
        return b;
    }

    /** {@code buffer} when it holds at least {@code size} floats, else a new one that does. */
    private static float[] atLeast(float[] buffer, int size) {
        return buffer.length < size ? new float[size] : buffer;
    }

    /**
     * What the workspace keeps after handing out {@code given}: it, unless it is above
     * {@link ScratchLimit#MAX_CACHED_FLOATS} (one product's need is then not held by an idle thread).
     */
    private static float[] kept(float[] given, float[] previous) {
        return ScratchLimit.keeps(given.length) ? given : previous;
    }
}
