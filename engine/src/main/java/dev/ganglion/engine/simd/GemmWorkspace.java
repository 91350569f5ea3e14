package dev.ganglion.engine.simd;

import static dev.ganglion.engine.simd.GemmMicroKernel.MR;
import static dev.ganglion.engine.simd.GemmMicroKernel.NR;

import dev.ganglion.engine.kernel.ScratchLimit;

/**
 * Per-thread scratch of {@link SimdGemm}: the packed A block, the packed B panel, one register
 * tile for edge tiles, a block of a transposed product and a vector buffer for the matrix–vector
 * path. Buffers grow on demand and are then reused, so a steady stream of GEMMs of similar sizes
 * allocates nothing; one above {@link ScratchLimit#MAX_CACHED_FLOATS} is used once and not kept.
 */
final class GemmWorkspace {
    private static final ThreadLocal<GemmWorkspace> LOCAL = ThreadLocal.withInitial(GemmWorkspace::new);

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

    /** The calling thread's workspace. */
    static GemmWorkspace local() {
        return LOCAL.get();
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
        return given.length <= ScratchLimit.MAX_CACHED_FLOATS ? given : previous;
    }
}
