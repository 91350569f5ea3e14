package dev.ganglion.engine.simd;

import static dev.ganglion.engine.testing.Fixtures.AWKWARD;
import static dev.ganglion.engine.testing.Fixtures.assertClose;

import dev.ganglion.engine.kernel.ScalarUnary;
import dev.ganglion.engine.kernel.UnaryOp;
import dev.ganglion.engine.testing.OpSamples;
import java.util.Arrays;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** SIMD vs scalar unary kernels at awkward sizes, offsets, in place and strided. */
@Tag("parity")
class UnaryParityTest {
    private final SimdUnary simd = new SimdUnary();
    private final ScalarUnary scalar = new ScalarUnary();

    @ParameterizedTest
    @EnumSource(UnaryOp.class)
    void matchesScalarAtAwkwardSizesAndOffsets(UnaryOp op) {
        for (double[] pq : OpSamples.unaryParams(op)) {
            for (int n : AWKWARD) {
                for (int off : new int[] {0, 3}) {
                    float[] x = OpSamples.unaryInputs(op, n + off, n);
                    float[] want = new float[n + off];
                    float[] got = new float[n + off];
                    scalar.apply(op, pq[0], pq[1], x, off, 1, want, off, n);
                    simd.apply(op, pq[0], pq[1], x, off, 1, got, off, n);
                    assertClose(got, want, OpSamples.unaryRtol(op), 1e-30);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(UnaryOp.class)
    void inPlaceAndStridedMatch(UnaryOp op) {
        double[] pq = OpSamples.unaryParams(op)[0];
        for (int n : new int[] {13, 100, 207}) {
            float[] x = OpSamples.unaryInputs(op, 2 * n, 11);
            float[] want = new float[n];
            scalar.apply(op, pq[0], pq[1], x, 0, 1, want, 0, n);
            float[] inPlace = Arrays.copyOf(x, n);
            simd.apply(op, pq[0], pq[1], inPlace, 0, 1, inPlace, 0, n);
            assertClose(inPlace, want, OpSamples.unaryRtol(op), 1e-30);

            float[] strided = new float[n];
            float[] wantStrided = new float[n];
            scalar.apply(op, pq[0], pq[1], x, 1, 2, wantStrided, 0, n);
            simd.apply(op, pq[0], pq[1], x, 1, 2, strided, 0, n);
            assertClose(strided, wantStrided, OpSamples.unaryRtol(op), 1e-30);
        }
    }

    @ParameterizedTest
    @EnumSource(UnaryOp.class)
    void specialValuesMatch(UnaryOp op) {
        float[] specials = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, 1e-40f, -1e-40f,
            88.8f, -88.8f, 104f, -104f, 1e30f, -1e30f, 1f, -1f, 0.5f, 3f, -3f, 20f, -20f};
        int n = specials.length;
        for (double[] pq : OpSamples.unaryParams(op)) {
            float[] want = new float[n];
            float[] got = new float[n];
            scalar.apply(op, pq[0], pq[1], specials, 0, 1, want, 0, n);
            simd.apply(op, pq[0], pq[1], specials, 0, 1, got, 0, n);
            assertClose(got, want, OpSamples.unaryRtol(op), 1e-30);
            // in place too: a vector with a lane for the scalar twin must read its lanes before it writes
            float[] x = specials.clone();
            simd.apply(op, pq[0], pq[1], x, 0, 1, x, 0, n);
            assertClose(x, want, OpSamples.unaryRtol(op), 1e-30);
        }
    }
}
