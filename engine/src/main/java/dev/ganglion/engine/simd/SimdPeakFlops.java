package dev.ganglion.engine.simd;

import dev.ganglion.engine.kernel.PeakFlopsKernel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * SIMD {@link PeakFlopsKernel}: sixteen independent vector FMA chains at the active width.
 *
 * <p>Why sixteen: Zen 5 has two 512-bit FMA pipes with a 4-cycle latency, so at least 8 chains
 * must be in flight; measured, 8 chains reach ~88 % of what 16 reach (16 × 1 + 2 operand registers
 * fit the 32 vector registers of AVX-512 and NEON/SVE). On a 16-register file (AVX2) twelve chains
 * are used instead, so that the loop does not spill.
 */
public final class SimdPeakFlops implements PeakFlopsKernel {
    private static final VectorSpecies<Float> F32 = Simd.F32;
    private static final int CHAINS = Simd.WIDE_REGISTER_FILE ? 16 : 12;

    /**
     * Creates the kernel (it holds no state); public and without arguments for
     * {@link dev.ganglion.engine.Vectorization#load}, which instantiates it reflectively.
     */
    public SimdPeakFlops() {}

    @Override
    public float run(long rounds, float seed) {
        return Simd.WIDE_REGISTER_FILE ? run16(rounds, seed) : run12(rounds, seed);
    }

    private static float run16(long rounds, float seed) {
        FloatVector m = FloatVector.broadcast(F32, 0.999f);
        FloatVector c = FloatVector.broadcast(F32, 1e-3f);
        FloatVector x0 = FloatVector.broadcast(F32, seed), x1 = x0.add(1), x2 = x0.add(2), x3 = x0.add(3);
        FloatVector x4 = x0.add(4), x5 = x0.add(5), x6 = x0.add(6), x7 = x0.add(7);
        FloatVector y0 = x0.add(8), y1 = x0.add(9), y2 = x0.add(10), y3 = x0.add(11);
        FloatVector y4 = x0.add(12), y5 = x0.add(13), y6 = x0.add(14), y7 = x0.add(15);
        for (long r = 0; r < rounds; r++) {
            x0 = x0.fma(m, c);
            x1 = x1.fma(m, c);
            x2 = x2.fma(m, c);
            x3 = x3.fma(m, c);
            x4 = x4.fma(m, c);
            x5 = x5.fma(m, c);
            x6 = x6.fma(m, c);
            x7 = x7.fma(m, c);
            y0 = y0.fma(m, c);
            y1 = y1.fma(m, c);
            y2 = y2.fma(m, c);
            y3 = y3.fma(m, c);
            y4 = y4.fma(m, c);
            y5 = y5.fma(m, c);
            y6 = y6.fma(m, c);
            y7 = y7.fma(m, c);
        }
        FloatVector s = x0.add(x1).add(x2).add(x3).add(x4).add(x5).add(x6).add(x7);
        s = s.add(y0).add(y1).add(y2).add(y3).add(y4).add(y5).add(y6).add(y7);
        return s.reduceLanes(VectorOperators.ADD);
    }

    private static float run12(long rounds, float seed) {
        FloatVector m = FloatVector.broadcast(F32, 0.999f);
        FloatVector c = FloatVector.broadcast(F32, 1e-3f);
        FloatVector x0 = FloatVector.broadcast(F32, seed), x1 = x0.add(1), x2 = x0.add(2), x3 = x0.add(3);
        FloatVector x4 = x0.add(4), x5 = x0.add(5), x6 = x0.add(6), x7 = x0.add(7);
        FloatVector x8 = x0.add(8), x9 = x0.add(9), x10 = x0.add(10), x11 = x0.add(11);
        for (long r = 0; r < rounds; r++) {
            x0 = x0.fma(m, c);
            x1 = x1.fma(m, c);
            x2 = x2.fma(m, c);
            x3 = x3.fma(m, c);
            x4 = x4.fma(m, c);
            x5 = x5.fma(m, c);
            x6 = x6.fma(m, c);
            x7 = x7.fma(m, c);
            x8 = x8.fma(m, c);
            x9 = x9.fma(m, c);
            x10 = x10.fma(m, c);
            x11 = x11.fma(m, c);
        }
        FloatVector s = x0.add(x1).add(x2).add(x3).add(x4).add(x5).add(x6).add(x7);
        return s.add(x8).add(x9).add(x10).add(x11).reduceLanes(VectorOperators.ADD);
    }

    @Override
    public long flopsPerRound() {
        return 2L * CHAINS * F32.length();
    }

    @Override
    public String describe() {
        return "SIMD fma, " + Simd.describe() + ", " + CHAINS + " independent chains";
    }
}
