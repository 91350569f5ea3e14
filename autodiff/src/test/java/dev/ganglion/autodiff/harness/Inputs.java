package dev.ganglion.autodiff.harness;

import dev.ganglion.engine.DType;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import java.util.SplittableRandom;

/**
 * Sample input tensors: float64 holding float32-representable values (so the float32 and float64
 * runs see the same numbers), in domains that keep finite differences away from kinks.
 */
public final class Inputs {
    private Inputs() {}

    /** Uniform in [−1, 1), but |x| ≥ 0.1 so that kinks at 0 (relu, abs) stay out of the ε-ball. */
    public static Tensor rand(long seed, int... dims) {
        SplittableRandom r = new SplittableRandom(seed);
        return fill(dims, () -> {
            double v = r.nextDouble(0.1, 1.0);
            return r.nextBoolean() ? v : -v;
        });
    }

    /** Uniform in [lo, hi). */
    public static Tensor uniform(long seed, double lo, double hi, int... dims) {
        SplittableRandom r = new SplittableRandom(seed);
        return fill(dims, () -> r.nextDouble(lo, hi));
    }

    /** Positive values in [0.5, 2): for log, sqrt, reciprocal, pow. */
    public static Tensor positive(long seed, int... dims) {
        return uniform(seed, 0.5, 2, dims);
    }

    /** Distinct values (a shuffled ramp with gaps of 0.05): no ties for max/min. */
    public static Tensor distinct(long seed, int... dims) {
        int n = Shape.of(dims).size();
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        int[] k = {0};
        return fill(dims, () -> (float) ((perm[k[0]++] - n / 2.0) * 0.05));
    }

    /** Random integers in [0, bound). */
    public static int[] indices(long seed, int n, int bound) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = r.nextInt(bound);
        }
        return idx;
    }

    /**
     * The same values in a non-contiguous layout with a nonzero offset: every other element of a
     * buffer twice as long in the last axis.
     */
    public static Tensor nonContiguous(Tensor t) {
        if (t.rank() == 0 || t.size() == 0) {
            return t;
        }
        int[] dims = t.shape().dims();
        int last = dims[dims.length - 1];
        dims[dims.length - 1] = 2 * last + 1;
        Tensor base = Tensor.zeros(Shape.of(dims), t.dtype());
        Tensor view = base.slice(-1, 1, 2 * last + 1, 2);
        view.copyFrom(t);
        return view;
    }

    private interface DoubleSource {
        double next();
    }

    private static Tensor fill(int[] dims, DoubleSource source) {
        Shape s = Shape.of(dims);
        double[] v = new double[s.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) source.next();
        }
        return Tensor.wrap(v, s).to(DType.F64);
    }
}
