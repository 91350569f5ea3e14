package dev.ganglion.engine.simd;

import dev.ganglion.engine.Vectorization;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector species every SIMD kernel uses. This package is the only place in the engine that
 * touches {@code jdk.incubator.vector}; its classes are loaded by name through
 * {@link Vectorization#load}, never referenced from outside.
 *
 * <p>{@code F32} is a {@code static final} constant (C2 only intrinsifies constant species): the
 * CPU's preferred width, or the width forced with {@code -Dganglion.simd=128|256|512}. Parity tests
 * run once per width in separate JVMs for this reason.
 */
public final class Simd {
    /** The float species of the active width. */
    public static final VectorSpecies<Float> F32 = species();

    /** Lanes of {@link #F32}. */
    public static final int LANES = F32.length();

    /** {@link #sum}'s steps: {@code SWAPw} swaps lane i with lane i XOR w (null where w ≥ LANES). */
    private static final VectorShuffle<Float> SWAP32 = swap(32), SWAP16 = swap(16), SWAP8 = swap(8),
            SWAP4 = swap(4), SWAP2 = swap(2), SWAP1 = swap(1);

    private Simd() {}

    private static VectorSpecies<Float> species() {
        int bits = Vectorization.forcedBits();
        if (bits == 0) {
            return FloatVector.SPECIES_PREFERRED;
        }
        return VectorSpecies.of(float.class, VectorShape.forBitSize(bits));
    }

    private static VectorShuffle<Float> swap(int w) {
        if (LANES > 64) {
            throw new IllegalStateException("Simd.sum handles up to 64 float lanes, not " + LANES);
        }
        return w < LANES ? VectorShuffle.fromOp(F32, i -> i ^ w) : null;
    }

    /**
     * The sum of the lanes in a fixed order (each lane added to its partner half a vector away, then a
     * quarter, …), the same whether the calling code runs interpreted or compiled. {@code
     * reduceLanes(ADD)} leaves the order unspecified and the interpreter and C2 do differ, so with it
     * a result depended on whether a method had been JIT-compiled yet: two identical training runs
     * could print losses differing in the 8th digit.
     *
     * <p>Written out step by step (the conditions fold, LANES being a constant) rather than as a
     * loop over a list of shuffles: compiled on its own, as C2 does when a large caller has used up
     * its inlining budget, the loop boxed the vector at every step.
     */
    static float sum(FloatVector v) {
        FloatVector s = v;
        if (LANES > 32) {
            s = s.add(s.rearrange(SWAP32));
        }
        if (LANES > 16) {
            s = s.add(s.rearrange(SWAP16));
        }
        if (LANES > 8) {
            s = s.add(s.rearrange(SWAP8));
        }
        if (LANES > 4) {
            s = s.add(s.rearrange(SWAP4));
        }
        if (LANES > 2) {
            s = s.add(s.rearrange(SWAP2));
        }
        if (LANES > 1) {
            s = s.add(s.rearrange(SWAP1));
        }
        return s.lane(0);
    }

    /** Description for {@code ganglion info}: bits and lanes. */
    public static String describe() {
        return F32.vectorBitSize() + " bits, " + LANES + " float lanes";
    }
}
