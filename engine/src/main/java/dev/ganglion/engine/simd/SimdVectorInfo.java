package dev.ganglion.engine.simd;

import dev.ganglion.engine.kernel.VectorInfo;

/** {@link VectorInfo} of the SIMD kernels: the lanes and bits of {@link Simd#F32}. */
public final class SimdVectorInfo implements VectorInfo {
    @Override
    public int floatLanes() {
        return Simd.LANES;
    }

    @Override
    public int bitSize() {
        return Simd.F32.vectorBitSize();
    }
}
