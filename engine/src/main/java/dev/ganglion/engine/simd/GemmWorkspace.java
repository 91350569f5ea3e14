package dev.ganglion.engine.simd;

import static dev.ganglion.engine.simd.GemmMicroKernel.MR;
import static dev.ganglion.engine.simd.GemmMicroKernel.NR;

/**
 * Per-thread scratch of {@link SimdGemm}: the packed A block, the packed B panel, one register
 * tile for edge tiles, a block of a transposed product and a vector buffer for the matrix–vector
 * path. Buffers grow on demand and are then reused, so a steady stream of GEMMs of similar sizes
 * allocates nothing.
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
        return copyA = atLeast(copyA, size);
    }

    /** The packed B buffer, at least {@code size} floats. */
    float[] packB(int size) {
        return packB = atLeast(packB, size);
    }

    /** A buffer of at least {@code size} floats for a block of a transposed product (grown on demand). */
    float[] transposed(int size) {
        return transposed = atLeast(transposed, size);
    }

    /** A vector buffer of at least {@code size} floats (contents unspecified). */
    float[] vector(int size) {
        return vector = atLeast(vector, size);
    }

    /** {@code buffer} when it holds at least {@code size} floats, else a new one that does. */
    private static float[] atLeast(float[] buffer, int size) {
        return buffer.length < size ? new float[size] : buffer;
    }
}
