package dev.ganglion.engine.simd;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The kernels' store into memory segments ({@link Simd}'s note on stores): a float vector's bytes
 * through the byte species in little-endian order read back, as native-order floats, as the lanes in
 * order at the offset, with nothing around them written.
 */
@Tag("parity")
class SegmentStoreTest {
    @Test
    void theByteSpeciesStoreWritesTheLanesAtTheOffsetOnly() {
        SplittableRandom r = new SplittableRandom(6);
        float[] lanes = new float[Simd.LANES];
        for (int i = 0; i < lanes.length; i++) {
            lanes[i] = (float) r.nextGaussian();
        }
        float fill = Float.intBitsToFloat(0x7F7F7F7F);
        try (Arena arena = Arena.ofConfined()) {
            for (int at : new int[] {0, 1, 5, Simd.LANES}) {
                MemorySegment m = arena.allocate((long) (2 * Simd.LANES + 8) * Float.BYTES, 64);
                m.fill((byte) 0x7F);
                FloatVector.fromArray(Simd.F32, lanes, 0).reinterpretAsBytes()
                        .intoMemorySegment(m, (long) at * Float.BYTES, ByteOrder.LITTLE_ENDIAN);
                float[] back = m.toArray(ValueLayout.JAVA_FLOAT);
                for (int i = 0; i < back.length; i++) {
                    float want = i >= at && i < at + Simd.LANES ? lanes[i - at] : fill;
                    assertThat(Float.floatToRawIntBits(back[i])).as("offset %d, float %d", at, i)
                            .isEqualTo(Float.floatToRawIntBits(want));
                }
                assertThat(FloatVector.fromMemorySegment(Simd.F32, m, (long) at * Float.BYTES, ByteOrder.nativeOrder())
                        .toArray()).as("offset %d, loaded back", at).isEqualTo(lanes);
            }
        }
    }
}
