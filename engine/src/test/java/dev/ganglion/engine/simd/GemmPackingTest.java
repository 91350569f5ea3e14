package dev.ganglion.engine.simd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ganglion.engine.testing.Fixtures;
import org.junit.jupiter.api.Test;

/** The packed operands' subnormal flush (denormals-are-zero), alone and through a product. */
class GemmPackingTest {
    private static final float[] VALUES = {
        1f, -2.5f, 0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Math.nextDown(Float.MIN_NORMAL),
        -Math.nextDown(Float.MIN_NORMAL), Float.MIN_NORMAL, -Float.MIN_NORMAL, 3e-39f, Float.NaN,
        Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MAX_VALUE, 1e-30f,
    };

    @Test
    void flushesSubnormalsToTheirSignedZeroAndNothingElse() {
        int stride = 41;
        int rows = 3;
        for (int len : new int[] {1, 7, 16, 17, 33, 40}) {
            float[] a = new float[rows * stride + 5];
            for (int i = 0; i < a.length; i++) {
                a[i] = VALUES[i % VALUES.length];
            }
            float[] got = a.clone();
            GemmPacking.flushSubnormals(got, 2, rows, len, stride);
            for (int i = 0; i < a.length; i++) {
                int inRun = i - 2;
                boolean inside = inRun >= 0 && inRun / stride < rows && inRun % stride < len;
                int bits = Float.floatToRawIntBits(a[i]);
                boolean subnormal = a[i] != 0 && Math.abs(a[i]) < Float.MIN_NORMAL;
                int want = inside && subnormal ? bits & Integer.MIN_VALUE : bits;
                assertThat(Float.floatToRawIntBits(got[i])).as("len %d, element %d (%s)", len, i, a[i]).isEqualTo(want);
            }
        }
    }

    /**
     * A product on the packed path (n wider than the direct-A limit) reads subnormal operands as
     * zeros: subnormal A against normal B gives exact zeros, where the IEEE product is not zero.
     */
    @Test
    void packedProductReadsSubnormalOperandsAsZero() {
        int m = 50;
        int n = SimdGemm.DIRECT_A_MAX_N + 9;
        int k = 70;
        float[] a = Fixtures.randomFloats(m * k, 1);
        for (int i = 0; i < a.length; i++) {
            a[i] *= 1e-39f; // subnormal, or zero
        }
        float[] b = Fixtures.randomFloats(k * n, 2);
        float[] c = new float[m * n];
        new SimdGemm().gemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n);
        float[] bt = c.clone();
        new SimdGemm().gemm(false, false, n, m, k, 1f, transpose(b, k, n), 0, k, transpose(a, m, k), 0, m, 0f, bt, 0, m);
        for (int i = 0; i < c.length; i++) {
            assertThat(c[i]).as("C[%d] with subnormal A", i).isZero();
            assertThat(bt[i]).as("C[%d] with subnormal B", i).isZero();
        }
        double ieee = 0;
        for (int p = 0; p < k; p++) {
            ieee += (double) a[p] * b[p * n];
        }
        assertThat(ieee).as("the exact product is not zero").isNotZero();
    }

    private static float[] transpose(float[] x, int rows, int cols) {
        float[] t = new float[x.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j * rows + i] = x[i * cols + j];
            }
        }
        return t;
    }
}
