package dev.ganglion.engine.simd;

import static dev.ganglion.engine.testing.Fixtures.AWKWARD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ganglion.engine.kernel.ScalarUnary;
import dev.ganglion.engine.kernel.UnaryKernel;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@link UnaryKernel#flushBelow}, SIMD and scalar, bit for bit against its definition: values with
 * {@code |x| < below} become the zero of their sign, every other value (infinities, NaNs) stays.
 */
@Tag("parity")
class FlushBelowTest {
    private static final List<UnaryKernel> KERNELS = List.of(new SimdUnary(), new ScalarUnary());
    private static final float[] BOUNDS = {Float.MIN_NORMAL, 1.2e-35f, 0x1p-100f, 1f};

    /** Zeros, subnormals, both sides of every bound, specials, ordinary values; each with both signs. */
    private static float[] values() {
        float[] base = {
            0f, Float.MIN_VALUE, 3e-39f, Math.nextDown(Float.MIN_NORMAL), Float.MIN_NORMAL, 1e-30f, 0.5f, 2.5f,
            Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NaN, Float.intBitsToFloat(0x7fc12345),
        };
        float[] v = new float[2 * (base.length + 2 * BOUNDS.length)];
        int k = 0;
        for (float b : base) {
            v[k++] = b;
            v[k++] = -b;
        }
        for (float b : BOUNDS) {
            v[k++] = Math.nextDown(b);
            v[k++] = -Math.nextDown(b);
            v[k++] = Math.nextUp(b);
            v[k++] = -b;
        }
        return v;
    }

    @Test
    void flushesExactlyTheValuesBelowTheBoundAtAwkwardSizesAndOffsets() {
        float[] values = values();
        for (UnaryKernel kernel : KERNELS) {
            for (float below : BOUNDS) {
                for (int n : AWKWARD) {
                    int off = 3;
                    float[] a = new float[off + n + 2];
                    for (int i = 0; i < a.length; i++) {
                        a[i] = values[(i * 7) % values.length];
                    }
                    float[] got = a.clone();
                    kernel.flushBelow(got, off, n, below);
                    for (int i = 0; i < a.length; i++) {
                        boolean inside = i >= off && i < off + n;
                        int bits = Float.floatToRawIntBits(a[i]);
                        int want = inside && Math.abs(a[i]) < below ? bits & Integer.MIN_VALUE : bits;
                        assertThat(Float.floatToRawIntBits(got[i]))
                                .as("%s, below %s, n %d, element %d (%s)", kernel.getClass().getSimpleName(), below, n, i, a[i])
                                .isEqualTo(want);
                    }
                }
            }
        }
    }

    @Test
    void aBoundBelowTheSmallestNormalOrNotFiniteIsRejected() {
        for (UnaryKernel kernel : KERNELS) {
            for (float below : new float[] {0f, 1e-40f, -1f, Float.NaN, Float.POSITIVE_INFINITY}) {
                assertThatThrownBy(() -> kernel.flushBelow(new float[4], 0, 4, below))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("flushBelow").hasMessageContaining(String.valueOf(below));
            }
        }
    }
}
