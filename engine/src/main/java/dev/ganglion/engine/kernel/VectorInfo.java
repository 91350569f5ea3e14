package dev.ganglion.engine.kernel;

import dev.ganglion.engine.Vectorization;

/**
 * What the active float kernels process per instruction, for {@code ganglion info}:
 * {@code floatLanes = bitSize / 32} on the SIMD path, 1 lane of 32 bits on the scalar path.
 *
 * <p>Loaded like every kernel family through {@link Vectorization#load}, so it reports exactly
 * the species the SIMD kernels use (the CPU's preferred width or the forced one).
 */
public interface VectorInfo {
    /** Float lanes per vector of the active kernels (1 when scalar). */
    int floatLanes();

    /** Vector width in bits of the active kernels (32 when scalar). */
    int bitSize();

    /** The active implementation: SIMD when enabled, else scalar. */
    static VectorInfo active() {
        return ActiveVectorInfo.INFO;
    }
}

/** Lazy holder, as for the kernels: naming the interface loads nothing. */
final class ActiveVectorInfo {
    static final VectorInfo INFO = Vectorization.load(
            VectorInfo.class, "dev.ganglion.engine.simd.SimdVectorInfo", ScalarVectorInfo::new);

    private ActiveVectorInfo() {}
}

/** The scalar path: one 32-bit lane. */
final class ScalarVectorInfo implements VectorInfo {
    @Override
    public int floatLanes() {
        return 1;
    }

    @Override
    public int bitSize() {
        return Float.SIZE;
    }
}
