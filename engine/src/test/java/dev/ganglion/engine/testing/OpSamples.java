package dev.ganglion.engine.testing;

import dev.ganglion.engine.kernel.BinaryOp;
import dev.ganglion.engine.kernel.UnaryOp;

/**
 * Per-op sample metadata for tests (in the engine test-jar, for autodiff's checks too): inputs
 * spread over each unary op's interesting domain, its parameter sets, and the float32 tolerance
 * against the double reference {@link UnaryOp#apply}.
 */
public final class OpSamples {
    private OpSamples() {}

    /** {@code n} inputs for {@code op} (positive where the op needs it; wide where it saturates), one of them 0. */
    public static float[] unaryInputs(UnaryOp op, int n, long seed) {
        float[] x = Fixtures.randomFloats(n, seed);
        for (int i = 0; i < n; i++) {
            x[i] = switch (op) {
                case LOG, SQRT, POW -> Math.abs(x[i]) * 50 + 1e-3f;
                case EXP, EXPM1 -> x[i] * 80;
                case LOG1P -> Math.abs(x[i]) * 50 - 0.999f;
                case SIGMOID, SILU, TANH -> x[i] * 120;
                case SIN, COS -> x[i] * 10;
                case RECIPROCAL -> x[i] + (x[i] >= 0 ? 0.01f : -0.01f);
                default -> x[i] * 10;
            };
        }
        if (n > 4 && op != UnaryOp.RECIPROCAL && op != UnaryOp.LOG && op != UnaryOp.POW) {
            x[n / 2] = 0f; // relu'(0) territory, sign of zero, clamp boundaries
        }
        return x;
    }

    /** Parameter sets {@code {p, q}} worth testing for {@code op} ({@code {0, 0}} for ops without). */
    public static double[][] unaryParams(UnaryOp op) {
        return switch (op) {
            case CLAMP -> new double[][] {{-0.5, 0.75}, {2, -2}};
            case POW -> new double[][] {{2, 0}, {0.5, 0}, {-1.5, 0}, {3, 0}, {0.1, 0}};
            case SCALE -> new double[][] {{0.1, 0}, {-3, 0}};
            case ADD_SCALAR -> new double[][] {{0.1, 0}, {-7.25, 0}};
            case SOFTPLUS -> new double[][] {{1, 20}, {2, 5}, {0.5, -1}, {3.3, 1e-3}};
            default -> new double[][] {{0, 0}};
        };
    }

    /** Relative tolerance of float32 results: 0 for single IEEE operations, a few ulp for transcendentals. */
    public static double unaryRtol(UnaryOp op) {
        return switch (op) {
            case EXP, LOG, TANH, SIGMOID, SILU, SIN, COS, POW -> 4e-6;
            case GELU_TANH -> 2e-5;   // its float 2u: about |2u|·2⁻²² relative (SimdUnary.geluTanh)
            case LOG1P, EXPM1 -> 1.3e-7;   // SimdLog.log1p, SimdExp.expm1: within 0.90 and 1.01 ulp (2⁻²³ relative)
            case SOFTPLUS -> 4e-7;   // SimdSoftplus: within 3 ulp
            case ERF, GELU -> 1e-6;   // SimdErf: at most 2.4 and 5.8 ulp (2.9·10⁻⁷, 6.9·10⁻⁷ relative)
            default -> 0;
        };
    }

    /**
     * Absolute tolerance of float32 binary results with |a| up to 2: the gelu gradients' float slopes
     * ({@code SimdUnary.geluTanhSlope}, {@code SimdErf.geluSlope}: their zero near −0.75 makes a
     * relative bound useless), 0 for the others.
     */
    public static double binaryAtol(BinaryOp op) {
        return switch (op) {
            case GELU_TANH_GRAD -> 2e-5;
            case GELU_GRAD -> 2 * 2.5e-7;   // SimdErf.geluSlope: within 1.5·10⁻⁷
            default -> 0;
        };
    }
}
