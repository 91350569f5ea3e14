package dev.ganglion.engine.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ganglion.engine.DType;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.testing.Fixtures;

/** Naive float64 references for op tests: element by element through {@link Tensor#get}, no kernels. */
final class Ref {
    private Ref() {}

    /** Every multi-index of {@code s} in row-major order. */
    static int[][] indices(Shape s) {
        int[][] all = new int[s.size()][];
        int[] idx = new int[s.rank()];
        for (int i = 0; i < s.size(); i++) {
            all[i] = idx.clone();
            for (int a = s.rank() - 1; a >= 0; a--) {
                if (++idx[a] < s.dim(a)) {
                    break;
                }
                idx[a] = 0;
            }
        }
        return all;
    }

    /** The values of {@code t} broadcast (NumPy rules) to {@code out}, row-major, as doubles. */
    static double[] broadcast(Tensor t, Shape out) {
        int[][] all = indices(out);
        double[] v = new double[all.length];
        int lead = out.rank() - t.rank();
        for (int i = 0; i < all.length; i++) {
            int[] src = new int[t.rank()];
            for (int a = 0; a < t.rank(); a++) {
                src[a] = t.dim(a) == 1 ? 0 : all[i][a + lead];
            }
            v[i] = t.get(src);
        }
        return v;
    }

    /** A tensor of random values in [−1, 1) of the given dtype. */
    static Tensor random(DType dtype, long seed, int... dims) {
        Shape s = Shape.of(dims);
        float[] f = Fixtures.randomFloats(s.size(), seed);
        Tensor t = Tensor.wrap(f, s);
        return t.to(dtype);
    }

    /** Asserts shape, dtype and values: |a − e| ≤ atol + rtol·|e| (NaN matches NaN). */
    static void assertValues(Tensor actual, Shape shape, DType dtype, double[] expected, double rtol, double atol) {
        assertThat(actual.shape()).isEqualTo(shape);
        assertThat(actual.dtype()).isEqualTo(dtype);
        assertThat(actual.isContiguous() || actual.size() == 0).isTrue();
        double[] got = actual.toDoubleArray();
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i];
            double a = got[i];
            boolean ok = (Double.isNaN(e) && Double.isNaN(a)) || e == a || Math.abs(a - e) <= atol + rtol * Math.abs(e);
            if (!ok) {
                throw new AssertionError("element " + i + " of " + shape + ": expected " + e + " but got " + a);
            }
        }
    }
}
