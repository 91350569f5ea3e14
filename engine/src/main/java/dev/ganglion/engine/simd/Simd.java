package dev.ganglion.engine.simd;

import dev.ganglion.engine.Vectorization;
import dev.ganglion.engine.kernel.ScratchPool;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
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
 *
 * <p>Inlining, which every kernel here depends on (a vector passed to a call C2 did not inline is
 * boxed): a Ganglion method that takes or returns vectors and is called once per loop step is
 * compiled on its own before its loop (HotSpot's invocation threshold comes before the loop's), and
 * from then on C2 inlines it only while that compile is at most {@code InlineSmallCode} (2,500 bytes
 * on x86-64), or 625 at a call site it counts as cold. So such helpers stay small, and a vector load
 * is never wrapped in one: kernels call the JDK's {@code FloatVector.fromMemorySegment}, which is
 * always inlined. Its size can hinge on which vector a constant is broadcast from: in
 * {@code SimdErf.erfcBig}, ten broadcasts from its argument (live across the inlined exponential)
 * instead of from a vector formed after it made its compile 2,536 bytes at 256 bits instead of
 * 1,392.
 *
 * <p>Stores into memory segments: {@code v.reinterpretAsBytes().intoMemorySegment(m, offset,
 * LITTLE_ENDIAN)}, never {@code v.intoMemorySegment}, and written at each store rather than in a
 * helper. While a method calling {@code reinterpretAsInts} or {@code reinterpretAsFloats} (the
 * exponential, the logarithm) is not yet compiled, the JDK reinterprets by storing the vector into
 * a byte-array segment ({@code AbstractVector.defaultReinterpret}), which leaves the receiver-type
 * profile inside {@code FloatVector.intoMemorySegment} bimorphic (heap and native) for the rest of
 * the run, and C2 then dispatches every float store into a segment on the segment's class. No
 * reinterpret starts from bytes, so {@code ByteVector.intoMemorySegment}'s profile stays native
 * only, and a reinterpret to bytes of the same size compiles to nothing. Measured on the fused CSR
 * backward sweep, which stores a vector per entry (one thread, 1,024 × 1,024 at 13.4 %, batch 64,
 * {@code scripts/kernel-ab.sh}, whose warm-up leaves the profile as a training run does): 0.90 of
 * the time of the array version this way, 1.44 through {@code FloatVector.intoMemorySegment}. Both
 * JDK calls are force-inlined; a helper of ours taking the vector was left out of the fused sweep's
 * 8-vector loop, past C2's inlining budget, and boxed (12 MB a call at batch 128). Bytes in
 * little-endian order read back as native floats only on a little-endian CPU, so {@link
 * Vectorization} runs the scalar kernels on a big-endian one.
 *
 * <p>{@code scripts/jit-report.sh} shows what a test run's compiles did.
 */
public final class Simd {
    /**
     * The float species of the active width, and the only float species in the JVM: half a vector is
     * loaded and stored under a mask of this one, never through a species of half the width. The
     * JDK's vector classes are shared by every caller, and so are the receiver-type profiles inside
     * them ({@code FloatVector.intoArray} calls {@code length()} and {@code vspecies()} on its
     * receiver). With two float shapes in use those profiles are bimorphic, and where C2 inlines such
     * a call late on a vector it does not yet know the class of (an accumulator after its loop), it
     * dispatches on the profile, the species stops being a constant, the intrinsic is refused and
     * the vector is boxed, its loop's accumulators boxed at every step with it (JDK-8319889
     * describes the pattern). It depended on compile order: the GEMM's tile allocated 240–420 MB a 1,024² call in
     * about half the runs of {@code AllocationPerCallTest} at 256 bits under
     * {@code -XX:CompileThresholdScaling=0.05} ({@code LogCompilation}: {@code
     * bimorphic_or_optimized_type_check} traps at the tile's stores), and in none of 16 runs at 256
     * and 512 bits once layer norm and pow stopped using a half species; SQRT and {@code minimum} at
     * 128 bits had boxed now and then in the full build, with the same signature (not traced to this
     * there). {@code SingleFloatSpeciesTest} keeps it so.
     */
    public static final VectorSpecies<Float> F32 = species();

    /** Lanes of {@link #F32}. */
    public static final int LANES = F32.length();
    /** Byte order of every vector store into a memory segment (the class note on stores). */
    static final ByteOrder STORE_ORDER = ByteOrder.LITTLE_ENDIAN;

    /**
     * Whether the CPU has 32 vector registers (AVX-512, AArch64) rather than AVX2's 16: kernels that
     * keep many vectors live pick their register tile by it, so that C2 does not spill. {@code
     * -Dganglion.simd.registers=16|32} forces it, so that the parity tests run both tiles on any CPU.
     */
    static final boolean WIDE_REGISTER_FILE = wideRegisterFile(System.getProperty("ganglion.simd.registers", "auto"));

    /*
     * The steps of sum's tree: SWAP_h swaps lane i with lane i XOR h (null where h ≥ LANES). Separate
     * constants, not a list walked in a loop: C2 only intrinsifies a rearrange whose shuffle it can
     * see, and a loop over a list left sum() boxing its vectors (a BSR weight gradient ran 25× slower).
     */
    static final VectorShuffle<Float> SWAP_8 = swap(8);
    static final VectorShuffle<Float> SWAP_4 = swap(4);
    static final VectorShuffle<Float> SWAP_2 = swap(2);
    static final VectorShuffle<Float> SWAP_1 = swap(1);
    /**
     * The lanes with bit h of their index set (null where h ≥ LANES): the blends of {@link #fold}, of
     * the 16-lane reduction folds ({@link GemmTranspose#CROSS}) and of the 8×8 transpose.
     */
    static final VectorMask<Float> HIGH_8 = high(8);
    static final VectorMask<Float> HIGH_4 = high(4);
    static final VectorMask<Float> HIGH_2 = high(2);
    static final VectorMask<Float> HIGH_1 = high(1);

    private Simd() {}

    private static VectorSpecies<Float> species() {
        int bits = Vectorization.forcedBits();
        if (bits == 0) {
            // Capped at 512 bits (16 lanes): sum()'s steps and the 16-lane kernels stop there (SVE
            // can be wider).
            return FloatVector.SPECIES_PREFERRED.vectorBitSize() > 512 ? FloatVector.SPECIES_512
                    : FloatVector.SPECIES_PREFERRED;
        }
        int cpuBits = FloatVector.SPECIES_PREFERRED.vectorBitSize();
        if (bits > cpuBits) {
            System.getLogger("dev.ganglion.engine").log(System.Logger.Level.WARNING, "Ganglion: -D"
                    + Vectorization.PROPERTY + "=" + bits + " is wider than this CPU's " + cpuBits + "-bit vectors; "
                    + "the Vector API emulates that width, correct but many times slower (meant for testing)");
        }
        return VectorSpecies.of(float.class, VectorShape.forBitSize(bits));
    }

    private static VectorShuffle<Float> swap(int h) {
        return h < LANES ? VectorShuffle.fromOp(F32, i -> i ^ h) : null;
    }

    private static VectorMask<Float> high(int h) {
        if (h >= LANES) {
            return null;
        }
        boolean[] set = new boolean[LANES];
        for (int i = 0; i < LANES; i++) {
            set[i] = (i & h) != 0;
        }
        return VectorMask.fromArray(F32, set, 0);
    }

    /**
     * One step h of {@link #sum}'s tree taken for two vectors at once: lane j of the result is
     * {@code a[j] + a[j+h]} where bit h of j is clear and {@code b[j−h] + b[j]} where it is set (the
     * lanes {@code high} marks; {@code swap} is the matching {@code SWAP_h}). Folding L vectors
     * pairwise with h = L/2, …, 1 leaves vector k's lane sum in lane k, with {@link #sum}'s bits:
     * two blends and one permute per fold. At 8 lanes (AVX2) eight sums this way took 0.87 ns per
     * sum against 2.26 for one {@link #sum} each (measured on Zen 3); the 16-lane kernels fold with one
     * blend and one two-source permute ({@link GemmTranspose#CROSS}), one instruction on AVX-512.
     */
    static FloatVector fold(FloatVector a, FloatVector b, VectorMask<Float> high, VectorShuffle<Float> swap) {
        return a.blend(b, high).add(b.blend(a, high).rearrange(swap));
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
        if (LANES > 8) {
            s = s.add(s.rearrange(SWAP_8));
        }
        if (LANES > 4) {
            s = s.add(s.rearrange(SWAP_4));
        }
        if (LANES > 2) {
            s = s.add(s.rearrange(SWAP_2));
        }
        s = s.add(s.rearrange(SWAP_1));
        return s.lane(0);
    }

    /**
     * {@link #sum} of the L floats at {@code a[at]}, bit for bit, in scalar code: for kernels that C2
     * may compile past its inlining budget, where a call taking a vector stays a call and boxes the
     * vector, while this one takes an array (store the vector, then call). NOTE: scalar on purpose.
     * As {@code sum(fromArray(…))} it was inlined and its inner {@code sum(FloatVector)} left a call
     * past the budget (SimdSparseDots.dot1x4 at 128 bits: a vector boxed at every call, 1.6 MB a CSR
     * weight gradient); here no vector is passed, and a scalar call left out costs a call, not a
     * box. The tree is {@link #sum}'s ({@code tree16}, {@code tree8}, {@code tree4} below, shared with
     * the form on memory).
     */
    static float sum(float[] a, int at) {
        if (LANES == 16) {
            return tree16(a[at], a[at + 1], a[at + 2], a[at + 3], a[at + 4], a[at + 5], a[at + 6], a[at + 7],
                    a[at + 8], a[at + 9], a[at + 10], a[at + 11], a[at + 12], a[at + 13], a[at + 14], a[at + 15]);
        }
        if (LANES == 8) {
            return tree8(a[at], a[at + 1], a[at + 2], a[at + 3], a[at + 4], a[at + 5], a[at + 6], a[at + 7]);
        }
        return tree4(a[at], a[at + 1], a[at + 2], a[at + 3]);
    }

    /**
     * {@link #sum(float[], int)} of the L floats at byte offset {@code at} of {@code m}, for sums whose
     * vectors were stored in native scratch: the same tree, so the same bits.
     */
    static float sum(MemorySegment m, long at) {
        MemorySegment a = m.asSlice(at, (long) LANES * Float.BYTES);
        if (LANES == 16) {
            return tree16(lane(a, 0), lane(a, 1), lane(a, 2), lane(a, 3), lane(a, 4), lane(a, 5), lane(a, 6),
                    lane(a, 7), lane(a, 8), lane(a, 9), lane(a, 10), lane(a, 11), lane(a, 12), lane(a, 13),
                    lane(a, 14), lane(a, 15));
        }
        if (LANES == 8) {
            return tree8(lane(a, 0), lane(a, 1), lane(a, 2), lane(a, 3), lane(a, 4), lane(a, 5), lane(a, 6),
                    lane(a, 7));
        }
        return tree4(lane(a, 0), lane(a, 1), lane(a, 2), lane(a, 3));
    }

    private static float lane(MemorySegment a, int i) {
        return a.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i); // no alignment check per lane
    }

    /*
     * The scalar forms' tree, written once: {@link #sum}'s steps, each lane i plus lane i + n/2 (the
     * lower lane the first operand), halving until four are left, then (0 + 2) + (1 + 3).
     */

    private static float tree16(float a0, float a1, float a2, float a3, float a4, float a5, float a6, float a7,
                                float a8, float a9, float a10, float a11, float a12, float a13, float a14, float a15) {
        return tree8(a0 + a8, a1 + a9, a2 + a10, a3 + a11, a4 + a12, a5 + a13, a6 + a14, a7 + a15);
    }

    private static float tree8(float a0, float a1, float a2, float a3, float a4, float a5, float a6, float a7) {
        return tree4(a0 + a4, a1 + a5, a2 + a6, a3 + a7);
    }

    private static float tree4(float a0, float a1, float a2, float a3) {
        return (a0 + a2) + (a1 + a3);
    }

    /**
     * Elements per block of the kernels that run a long vector function as two loops, each in a
     * method of its own (softplus, the exact gelu, both gelu gradients; see
     * {@code SimdSoftplus.smallExp}): the first loop's half-results wait for the second in a scratch
     * block of this size ({@link #TWO_PASS_SCRATCH}), which stays in L1. log, log1p, sin and cos
     * check their range in blocks of this size too ({@code SimdUnary.splitByRange}).
     */
    static final int TWO_PASS_BLOCK = 1024;

    /**
     * The two-pass kernels' scratch blocks of {@link #TWO_PASS_BLOCK} floats, one per call running
     * at a time. A block made per call had cost 4 KB for every row of a broadcast or strided
     * operand, each row being a call (a 256 × 256 gelu gradient by a broadcast row allocated twice
     * its result).
     */
    static final ScratchPool<float[]> TWO_PASS_SCRATCH = new ScratchPool<>(() -> new float[TWO_PASS_BLOCK], true);

    /**
     * The rounding error of {@code sum = a + b} (computed in float): {@code a + b − sum} exactly, by
     * Knuth's TwoSum (six operations, whatever the magnitudes; NaN where the sum is infinite).
     */
    static FloatVector twoSumError(FloatVector a, FloatVector b, FloatVector sum) {
        FloatVector bv = sum.sub(a);
        return a.sub(sum.sub(bv)).add(b.sub(bv));
    }

    /** {@link #twoSumError(FloatVector, FloatVector, FloatVector)} for one lane, bit for bit. */
    static float twoSumError(float a, float b, float sum) {
        float bv = sum - a;
        return (a - (sum - bv)) + (b - bv);
    }

    /** A scalar twin: one lane of a vector function, bit for bit. */
    interface FloatUnary {
        float apply(float x);
    }

    /**
     * {@code y[yo + j] = twin(x[xo + j])} for j in [0, {@link #LANES}): how a kernel stores a vector
     * with a lane outside its vector function's range, which only the scalar twin handles (such as
     * {@link Math}'s function in double, the same bits in every JIT tier). Each element is read
     * before it is written, so y may be x. NOTE: it takes the arrays, not a vector: C2 boxed a vector
     * that reached a call on any path, at the load, on every path (log, sin, cos: 10–42 MB a 1,024²
     * call), and a vector merged from two branches (a patched one and the plain one) likewise.
     */
    static void twinLanes(float[] x, int xo, FloatUnary twin, float[] y, int yo) {
        for (int j = 0; j < LANES; j++) {
            y[yo + j] = twin.apply(x[xo + j]);
        }
    }

    private static boolean wideRegisterFile(String forced) {
        return switch (forced) {
            case "16" -> false;
            case "32" -> true;
            case "auto" -> FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 512
                    || System.getProperty("os.arch", "").contains("aarch64");
            default -> throw new IllegalArgumentException("ganglion.simd.registers must be 16, 32 or auto, got '"
                    + forced + "'");
        };
    }

    /** Description for {@code ganglion info}: bits and lanes. */
    public static String describe() {
        return F32.vectorBitSize() + " bits, " + LANES + " float lanes";
    }
}
