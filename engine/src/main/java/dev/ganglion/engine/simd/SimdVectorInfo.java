package dev.ganglion.engine.simd;

import dev.ganglion.engine.kernel.VectorInfo;

/** {@link VectorInfo} of the SIMD kernels: the lanes and bits of {@link Simd#F32}. */
public final class SimdVectorInfo implements VectorInfo {
    /**
     * Creates the info (it holds no state); public and without arguments for
     * {@link dev.ganglion.engine.Vectorization#load}, which instantiates it reflectively.
     */
    public SimdVectorInfo() {}

    @Override
    public int floatLanes() {
        return Simd.LANES;
    }

    @Override
    public int bitSize() {
        return Simd.F32.vectorBitSize();
    }
}
