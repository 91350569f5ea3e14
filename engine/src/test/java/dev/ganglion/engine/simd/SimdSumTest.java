package dev.ganglion.engine.simd;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@link Simd#sum} adds the lanes in one fixed order: exactly the scalar tree below, bit for bit,
 * at every width (so it cannot depend on whether the caller is interpreted or compiled), and so
 * do its scalar forms on an array and on memory, {@link Simd#sum(float[], int)} and
 * {@link Simd#sum(MemorySegment, long)}.
 */
@Tag("parity")
class SimdSumTest {
    @Test
    void addsTheLanesInTheFixedTreeOrder() {
        SplittableRandom r = new SplittableRandom(5);
        float[] padded = new float[Simd.LANES + 3];
        for (int t = 0; t < 2_000; t++) {
            float[] lanes = new float[Simd.LANES];
            for (int i = 0; i < lanes.length; i++) {
                lanes[i] = (float) ((r.nextDouble() - 0.5) * Math.pow(10, r.nextInt(-6, 7)));
            }
            int want = Float.floatToRawIntBits(tree(lanes));
            assertThat(Float.floatToRawIntBits(Simd.sum(FloatVector.fromArray(Simd.F32, lanes, 0))))
                    .as("lanes %s", java.util.Arrays.toString(lanes))
                    .isEqualTo(want);
            System.arraycopy(lanes, 0, padded, 3, lanes.length);
            assertThat(Float.floatToRawIntBits(Simd.sum(padded, 3)))
                    .as("array form, lanes %s", java.util.Arrays.toString(lanes))
                    .isEqualTo(want);
            assertThat(Float.floatToRawIntBits(Simd.sum(MemorySegment.ofArray(padded), 3 * Float.BYTES)))
                    .as("segment form, lanes %s", java.util.Arrays.toString(lanes))
                    .isEqualTo(want);
        }
    }

    /** Lane i += lane i XOR w for w = LANES/2, …, 1 (every lane updated from the previous step); lane 0. */
    private static float tree(float[] lanes) {
        float[] s = lanes.clone();
        for (int w = s.length / 2; w >= 1; w /= 2) {
            float[] next = new float[s.length];
            for (int i = 0; i < s.length; i++) {
                next[i] = s[i] + s[i ^ w];
            }
            s = next;
        }
        return s[0];
    }
}
