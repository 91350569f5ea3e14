package dev.ganglion.engine.simd;

import dev.ganglion.engine.Vectorization;
import jdk.incubator.vector.FloatVector;
import java.util.ArrayList;
import java.util.List;
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

    /** The steps of {@link #sum}'s tree: step k swaps lane i with lane i XOR (LANES / 2^(k+1)). */
    private static final List<VectorShuffle<Float>> SWAPS = swaps();

    private Simd() {}

    private static VectorSpecies<Float> species() {
        int bits = Vectorization.forcedBits();
        if (bits == 0) {
            return FloatVector.SPECIES_PREFERRED;
        }
        return VectorSpecies.of(float.class, VectorShape.forBitSize(bits));
    }

    private static List<VectorShuffle<Float>> swaps() {
        List<VectorShuffle<Float>> out = new ArrayList<>();
        for (int w = LANES / 2; w >= 1; w /= 2) {
            int half = w;
            out.add(VectorShuffle.fromOp(F32, i -> i ^ half));
        }
        return List.copyOf(out);
    }

    /**
     * The sum of the lanes in a fixed order (each lane added to its partner half a vector away, then a
     * quarter, …), the same whether the calling code runs interpreted or compiled. {@code
     * reduceLanes(ADD)} leaves the order unspecified and the interpreter and C2 do differ, so with it
     * a result depended on whether a method had been JIT-compiled yet: two identical training runs
     * could print losses differing in the 8th digit.
     */
    static float sum(FloatVector v) {
        FloatVector s = v;
        for (VectorShuffle<Float> swap : SWAPS) {
            s = s.add(s.rearrange(swap));
        }
        return s.lane(0);
    }

    /** Description for {@code ganglion info}: bits and lanes. */
    public static String describe() {
        return F32.vectorBitSize() + " bits, " + LANES + " float lanes";
    }
}
