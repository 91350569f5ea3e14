package dev.ganglion.engine.sparse;

import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.testing.Fixtures;
import java.util.SplittableRandom;

/** Dense float64 references and awkward random patterns for the sparse tests. */
final class SparseTesting {
    /** The {@code @MethodSource} of every sparse format at awkward sizes, {@code (name, matrix, batch)}. */
    static final String CASES = "dev.ganglion.engine.sparse.SparseProductsTest#cases";

    private SparseTesting() {}

    /**
     * A 0/1 mask with entries kept with probability {@code p}; every 5th row (from row 2) is empty so
     * kernels meet empty rows, and row 0 is full when {@code p > 0} so full rows occur too.
     */
    static Tensor mask(int rows, int cols, double p, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] m = new float[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                boolean keep = i % 5 != 2 && (r.nextDouble() < p || (i == 0 && p > 0));
                m[i * cols + j] = keep ? 1f : 0f;
            }
        }
        return Tensor.wrap(m, Shape.of(rows, cols));
    }

    /** A random float32 tensor of the given shape, uniform in [−1, 1). */
    static Tensor random(long seed, int... dims) {
        Shape s = Shape.of(dims);
        return Tensor.wrap(Fixtures.randomFloats(s.size(), seed), s);
    }

    /** Random values for a pattern, same shape and dtype (float32). */
    static <M extends SparseMatrix> M randomValues(M w, long seed) {
        Tensor v = w.values();
        v.copyFrom(Tensor.wrap(Fixtures.randomFloats(v.size(), seed), v.shape()));
        return w;
    }

    /** {@code Y = X·Wᵀ} in float64 on dense row-major arrays; X [batch × in], W [out × in]. */
    static double[] linear(double[] x, double[] w, int batch, int in, int out) {
        double[] y = new double[batch * out];
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < out; i++) {
                double acc = 0;
                for (int j = 0; j < in; j++) {
                    acc += x[b * in + j] * w[i * in + j];
                }
                y[b * out + i] = acc;
            }
        }
        return y;
    }

    /** {@code dX = dY·W} in float64. */
    static double[] inputGrad(double[] dy, double[] w, int batch, int in, int out) {
        double[] dx = new double[batch * in];
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < out; i++) {
                for (int j = 0; j < in; j++) {
                    dx[b * in + j] += dy[b * out + i] * w[i * in + j];
                }
            }
        }
        return dx;
    }

    /** The dense gradient {@code dYᵀ·X} (no mask) in float64, [out × in]. */
    static double[] denseWeightGrad(double[] dy, double[] x, int batch, int in, int out) {
        double[] dw = new double[out * in];
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < out; i++) {
                for (int j = 0; j < in; j++) {
                    dw[i * in + j] += dy[b * out + i] * x[b * in + j];
                }
            }
        }
        return dw;
    }

    /** The dense gradient masked by W's pattern and laid out like W's values. */
    static double[] sampled(double[] denseGrad, SparseMatrix w) {
        double[] out = new double[w.nnz()];
        int in = w.cols();
        w.forEachEntry((i, j, k) -> out[k] = denseGrad[i * in + j]);
        return out;
    }

    /** {@code |a − e| ≤ tol·(1 + |e|)}, with tol scaled for float32 sums of {@code terms} products of values in [−1, 1]. */
    static void assertNear(String what, double[] actual, double[] expected, int terms) {
        if (actual.length != expected.length) {
            throw new AssertionError(what + ": length " + actual.length + " vs " + expected.length);
        }
        double tol = 2e-6 * (terms + 4);
        for (int i = 0; i < expected.length; i++) {
            if (!(Math.abs(actual[i] - expected[i]) <= tol * (1 + Math.abs(expected[i])))) {
                throw new AssertionError(what + ": element " + i + " expected " + expected[i] + " got " + actual[i]
                        + " (tol " + tol + ")");
            }
        }
    }
}
