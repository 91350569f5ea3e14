package dev.ganglion.engine.simd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ganglion.engine.kernel.AdamKernel;
import dev.ganglion.engine.kernel.AdamKernel.Decay;
import dev.ganglion.engine.kernel.ScalarAdam;
import dev.ganglion.engine.testing.Fixtures;
import java.util.Arrays;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** {@link SimdAdam} against {@link ScalarAdam}: the same bits, at awkward ranges, every decay mode. */
@Tag("parity")
class SimdAdamParityTest {
    private final AdamKernel simd = new SimdAdam();
    private final AdamKernel scalar = new ScalarAdam();

    /** Arrays of one run: p, g, m, v; some m and v tiny (to be flushed), of both signs. */
    private static float[][] arrays(int n, long seed) {
        float[] p = Fixtures.randomFloats(n, seed);
        float[] g = Fixtures.randomFloats(n, seed + 1);
        float[] m = Fixtures.randomFloats(n, seed + 2);
        float[] v = Fixtures.randomFloats(n, seed + 3);
        for (int i = 0; i < n; i++) {
            v[i] = Math.abs(v[i]);
            if (i % 5 == 0) { // state that has decayed: with β's factors it falls below the bounds
                m[i] *= 1e-33f;
                v[i] *= 1e-39f; // subnormal: v·β₂ below 2⁻¹²⁶
                g[i] = i % 10 == 0 ? 0f : g[i] * 1e-20f;
            }
        }
        return new float[][] {p, g, m, v};
    }

    private static void run(AdamKernel k, float[][] a, int from, int to, Decay decay) {
        k.update(a[0], a[1], a[2], a[3], from, to, 0.9f, 0.1f, 0.999f, 0.001f, -1.25e-3f, 0.0316f, 1e-8f, decay,
                decay == Decay.DECOUPLED ? 0.9999f : 0.01f, 1e-30f, Float.MIN_NORMAL);
    }

    @Test
    void sameBitsAsTheScalarKernelAtAwkwardRanges() {
        long seed = 40;
        for (Decay decay : Decay.values()) {
            for (int[] range : new int[][] {{0, 0}, {0, 1}, {3, 18}, {0, 16}, {5, 38}, {7, 1000}, {0, 2048}}) {
                int n = range[1] + 3;
                float[][] expected = arrays(n, seed);
                float[][] actual = arrays(n, seed++);
                run(scalar, expected, range[0], range[1], decay);
                run(simd, actual, range[0], range[1], decay);
                for (int k = 0; k < 4; k++) {
                    assertThat(bits(actual[k])).as("%s %s array %d", decay, Arrays.toString(range), k)
                            .containsExactly(bits(expected[k]));
                }
            }
        }
    }

    @Test
    void storedStateIsFlushedToTheZeroOfItsSignWhileTheUpdateUsesItUnflushed() {
        for (AdamKernel k : new AdamKernel[] {simd, scalar}) {
            int n = 40;
            float[] p = new float[n];
            float[] g = new float[n];
            float[] m = new float[n];
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                m[i] = (i % 2 == 0 ? 1 : -1) * 2e-30f; // m·β₁ = ±1.8e-30: below the bound 1e-29
                v[i] = 1e-36f;
            }
            k.update(p, g, m, v, 0, n, 0.9f, 0.1f, 0.999f, 0.001f, -1f, 1f, 0f, Decay.NONE, 0f, 1e-29f, 1e-35f);
            for (int i = 0; i < n; i++) {
                assertThat(Float.floatToRawIntBits(m[i])).as("m[%d] %s", i, k).isEqualTo(i % 2 == 0 ? 0 : Integer.MIN_VALUE);
                assertThat(v[i]).as("v[%d]", i).isZero();
                // the update used m = ±1.8e-30 and v = 1e-36·0.999: p = −m/√v, far from 0
                assertThat(Math.abs(p[i])).as("p[%d] %s", i, k).isGreaterThan(1e-13f);
            }
        }
    }

    @Test
    void aFlushBoundBelowTheNormalRangeIsRejected() {
        float[] a = new float[4];
        assertThatThrownBy(() -> simd.update(a, a.clone(), a.clone(), a.clone(), 0, 4, 0.9f, 0.1f, 0.999f, 0.001f,
                -1f, 1f, 0f, Decay.NONE, 0f, 1e-40f, Float.MIN_NORMAL))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("flushBelow");
    }

    private static int[] bits(float[] a) {
        int[] b = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            b[i] = Float.floatToRawIntBits(a[i]);
        }
        return b;
    }
}
