package dev.ganglion.engine.simd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.ganglion.engine.kernel.PeakFlopsKernel;
import dev.ganglion.engine.kernel.ScalarPeakFlops;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Both FMA-peak loops compute what they claim: chains of {@code x ← x·0.999 + 0.001} from seed + chain. */
@Tag("parity")
class SimdPeakFlopsParityTest {
    /** Σ over chains (and lanes) of the chain's value after {@code rounds} FMAs, in double. */
    private static double expected(int chains, int lanes, long rounds, float seed) {
        double sum = 0;
        for (int c = 0; c < chains; c++) {
            float x = seed + c;
            for (long r = 0; r < rounds; r++) {
                x = Math.fma(x, 0.999f, 1e-3f);
            }
            sum += (double) x * lanes;
        }
        return sum;
    }

    private static void check(PeakFlopsKernel loop, int lanes) {
        int chains = (int) (loop.flopsPerRound() / (2L * lanes));
        for (long rounds : new long[] {0, 1, 7, 1000}) {
            double want = expected(chains, lanes, rounds, 0.5f);
            assertThat((double) loop.run(rounds, 0.5f)).isCloseTo(want, within(1e-5 * Math.abs(want) + 1e-5));
        }
        assertThat(loop.describe()).contains(chains + " independent chains");
    }

    @Test
    void simdLoopMatchesItsDefinition() {
        check(new SimdPeakFlops(), Simd.LANES);
    }

    @Test
    void scalarLoopMatchesItsDefinition() {
        check(new ScalarPeakFlops(), 1);
    }
}
