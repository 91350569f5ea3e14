package dev.ganglion.engine.simd;

import dev.ganglion.engine.kernel.ScratchLimit;
import dev.ganglion.engine.kernel.ScratchPool;
import dev.ganglion.engine.kernel.SparsePanel;
import java.lang.foreign.MemorySegment;

/**
 * Native scratch for vectors that wait for their lane sums ({@link SimdSparseDots#laneSums}): one
 * buffer aligned to a cache line, grown on demand and kept between calls (one above
 * {@link ScratchLimit#MAX_CACHED_FLOATS} is used once and dropped). Use as try-with-resources around
 * one kernel call; the buffers come from a {@link ScratchPool}, as {@link GemmWorkspace}'s do.
 *
 * <p>Why native: a heap {@code float[]} starts wherever the GC put it, 8 bytes aligned, so a 512-bit
 * store into it straddles two cache lines unless it happens to start on one ({@link SparsePanel}'s
 * note). The fused CSR backward sweep stores one such vector per entry and reads it back for the
 * sums: 0.88–0.90 of the time with this buffer against a {@code new float[]} per call (one thread,
 * 1,024 × 1,024 at 13.4 %, batch 64, {@code scripts/kernel-ab.sh}), where a buffer allocated per call
 * from an arena gained nothing, its allocation and zeroing costing what the alignment saved.
 */
final class SumScratch implements AutoCloseable {
    /** Idle scratch (package-private for tests). */
    static final ScratchPool<SumScratch> POOL = new ScratchPool<>(SumScratch::new, true);

    private MemorySegment buffer = MemorySegment.NULL;

    private SumScratch() {}

    /** Scratch no other live call uses, until {@link #close}. */
    static SumScratch acquire() {
        return POOL.acquire();
    }

    /** At least {@code n} floats of native memory aligned to a cache line; contents arbitrary. */
    MemorySegment floats(long n) {
        if (buffer.byteSize() < n * Float.BYTES) {
            buffer = SparsePanel.allocateFloats(n);
        }
        return buffer;
    }

    /** Gives the scratch back; the caller must not use its buffer afterwards. */
    @Override
    public void close() {
        if (!ScratchLimit.keeps(buffer.byteSize() / Float.BYTES)) {
            buffer = MemorySegment.NULL;
        }
        POOL.release(this);
    }
}
