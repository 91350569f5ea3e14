package dev.ganglion.autodiff.harness;

import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import java.util.Arrays;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.ToDoubleFunction;
import java.util.function.UnaryOperator;

/**
 * Float64 references written as plain index loops over {@link Tensor#get(int...)}: slow, obvious,
 * and independent of the engine's compute ops they check.
 */
public final class References {
    private References() {}

    /** Row-major multi-index of flat position {@code flat}. */
    public static int[] unflatten(Shape s, int flat) {
        int[] idx = new int[s.rank()];
        for (int a = s.rank() - 1; a >= 0; a--) {
            idx[a] = flat % s.dim(a);
            flat /= s.dim(a);
        }
        return idx;
    }

    /** The index into {@code s} that a broadcast result's index {@code out} reads. */
    public static int[] broadcastIndex(Shape s, int[] out) {
        int[] idx = new int[s.rank()];
        int lead = out.length - s.rank();
        for (int a = 0; a < s.rank(); a++) {
            idx[a] = s.dim(a) == 1 ? 0 : out[a + lead];
        }
        return idx;
    }

    /** A tensor of {@code shape} whose element at each index is {@code f(index)}. */
    public static Tensor build(Shape shape, java.util.function.ToDoubleFunction<int[]> f) {
        double[] v = new double[shape.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = f.applyAsDouble(unflatten(shape, i));
        }
        return Tensor.wrap(v, shape);
    }

    public static Tensor map(Tensor x, DoubleUnaryOperator f) {
        return build(x.shape(), i -> f.applyAsDouble(x.get(i)));
    }

    public static Tensor zip(Tensor a, Tensor b, DoubleBinaryOperator f) {
        Shape s = Shape.broadcast(a.shape(), b.shape(), "reference");
        return build(s, i -> f.applyAsDouble(a.get(broadcastIndex(a.shape(), i)), b.get(broadcastIndex(b.shape(), i))));
    }

    public static Tensor where(Tensor c, Tensor a, Tensor b) {
        Shape s = Shape.broadcast(Shape.broadcast(c.shape(), a.shape(), "reference"), b.shape(), "reference");
        return build(s, i -> c.get(broadcastIndex(c.shape(), i)) != 0
                ? a.get(broadcastIndex(a.shape(), i)) : b.get(broadcastIndex(b.shape(), i)));
    }

    /** Reduces {@code axes} (normalised, any order) with {@code f} over the collected values. */
    public static Tensor reduce(Tensor x, int[] axes, boolean keep, ToDoubleFunction<double[]> f) {
        Shape s = x.shape();
        boolean[] red = new boolean[s.rank()];
        for (int a : axes) {
            red[a] = true;
        }
        int[] kept = new int[s.rank()];
        int n = 1;
        for (int a = 0; a < s.rank(); a++) {
            kept[a] = red[a] ? 1 : s.dim(a);
            n *= red[a] ? s.dim(a) : 1;
        }
        Shape keptShape = Shape.of(kept);
        int count = n;
        Tensor k = build(keptShape, out -> {
            double[] vals = new double[count];
            for (int j = 0; j < count; j++) {
                int[] r = reducedIndex(s, red, j);
                int[] idx = out.clone();
                for (int a = 0; a < idx.length; a++) {
                    idx[a] = red[a] ? r[a] : out[a];
                }
                vals[j] = x.get(idx);
            }
            return f.applyAsDouble(vals);
        });
        return keep ? k : squeezeAxes(k, red);
    }

    private static int[] reducedIndex(Shape s, boolean[] red, int j) {
        int[] r = new int[s.rank()];
        for (int a = s.rank() - 1; a >= 0; a--) {
            if (red[a]) {
                r[a] = j % s.dim(a);
                j /= s.dim(a);
            }
        }
        return r;
    }

    private static Tensor squeezeAxes(Tensor k, boolean[] red) {
        int[] dims = new int[k.rank()];
        int m = 0;
        for (int a = 0; a < k.rank(); a++) {
            if (!red[a]) {
                dims[m++] = k.dim(a);
            }
        }
        return Tensor.wrap(k.toDoubleArray(), Shape.of(Arrays.copyOf(dims, m)));
    }

    /** Applies {@code f} to every 1-D line along {@code axis}. */
    public static Tensor alongAxis(Tensor x, int axis, UnaryOperator<double[]> f) {
        Shape s = x.shape();
        double[] out = new double[s.size()];
        int len = s.dim(axis);
        for (int flat = 0; flat < s.size(); flat++) {
            int[] idx = unflatten(s, flat);
            if (idx[axis] != 0) {
                continue;
            }
            double[] line = new double[len];
            for (int k = 0; k < len; k++) {
                idx[axis] = k;
                line[k] = x.get(idx);
            }
            double[] res = f.apply(line);
            for (int k = 0; k < len; k++) {
                idx[axis] = k;
                out[flatten(s, idx)] = res[k];
            }
        }
        return Tensor.wrap(out, s);
    }

    public static int flatten(Shape s, int[] idx) {
        int f = 0;
        for (int a = 0; a < s.rank(); a++) {
            f = f * s.dim(a) + idx[a];
        }
        return f;
    }

    public static double sum(double[] v) {
        double s = 0;
        for (double d : v) {
            s += d;
        }
        return s;
    }

    public static double logsumexp(double[] v) {
        double m = Arrays.stream(v).max().orElse(Double.NEGATIVE_INFINITY);
        double s = 0;
        for (double d : v) {
            s += Math.exp(d - m);
        }
        return m + Math.log(s);
    }

    public static double[] softmax(double[] v) {
        double lse = logsumexp(v);
        return Arrays.stream(v).map(d -> Math.exp(d - lse)).toArray();
    }

    public static double[] logSoftmax(double[] v) {
        double lse = logsumexp(v);
        return Arrays.stream(v).map(d -> d - lse).toArray();
    }

    /**
     * {@code erf x} by its Maclaurin series {@code (2/√π)·Σ (−1)ⁿx²ⁿ⁺¹/(n!·(2n + 1))} summed until the
     * terms vanish, independent of the engine's: within 10⁻¹⁴ for |x| ≤ 3 (its largest term there is
     * about 170, so cancellation costs three digits), and no use beyond.
     */
    public static double erf(double x) {
        double term = x;
        double sum = 0;
        for (int n = 0; Math.abs(term) > 1e-18 * Math.abs(sum) || n == 0; n++) {
            sum += term / (2 * n + 1);
            term *= -x * x / (n + 1);
        }
        return 2 / Math.sqrt(Math.PI) * sum;
    }
}
