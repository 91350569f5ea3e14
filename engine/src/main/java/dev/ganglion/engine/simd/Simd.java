package dev.ganglion.engine.simd;

import dev.ganglion.engine.Vectorization;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
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

    private Simd() {}

    private static VectorSpecies<Float> species() {
        int bits = Vectorization.forcedBits();
        if (bits == 0) {
            return FloatVector.SPECIES_PREFERRED;
        }
        return VectorSpecies.of(float.class, VectorShape.forBitSize(bits));
    }

    /** Description for {@code ganglion info}: bits and lanes. */
    public static String describe() {
        return F32.vectorBitSize() + " bits, " + LANES + " float lanes";
    }
}
