package dev.ganglion.autodiff;

import dev.ganglion.engine.DType;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Checks a differentiable function's gradients against central differences in float64: for a
 * random projection {@code L = ⟨r, f(x)⟩}, the backward's {@code ∂L/∂xᵢ} must match
 * {@code (L(xᵢ+ε) − L(xᵢ−ε)) / 2ε} for every element of every input, within
 * {@code |analytic − numeric| ≤ atol + rtol·|numeric|}. A NaN on either side fails, and so does an
 * infinity unless both sides are the same one.
 *
 * <pre>{@code
 * GradCheck.check(v -> PointwiseOps.tanh(v[0]).mul(v[1]), x, y).assertPassed();
 * GradCheck.of(v -> myOp.apply(v)).eps(1e-5).tolerance(1e-4, 1e-3).check(x).assertPassed();
 * }</pre>
 *
 * <p>Inputs are copied to float64 (the originals are never written), so every op in the function
 * must support float64; constants the function needs are captured by the lambda and must be
 * float64 too (the engine never mixes dtypes). The cost is one backward and two forwards per input
 * element: keep inputs small. Inputs near a kink (relu at 0, ties of max) make the central
 * difference meaningless there: keep them at least a few ε away.
 */
public final class GradCheck {
    /** A function of variables to check; called once with tracking and 2·n times under {@link NoGrad}. */
    @FunctionalInterface
    public interface VarFunction {
        /** The function's output for {@code inputs}, one per checked tensor in the given order. */
        Var apply(Var[] inputs);
    }

    private final VarFunction function;
    private double eps = 1e-6;
    private double atol = 1e-5;
    private double rtol = 1e-3;
    private long seed = 42;

    private GradCheck(VarFunction function) {
        this.function = Objects.requireNonNull(function, "GradCheck: function is null");
    }

    /** A checker with the defaults ε = 1e-6, atol = 1e-5, rtol = 1e-3, projection seed 42. */
    public static GradCheck of(VarFunction function) {
        return new GradCheck(function);
    }

    /** {@code of(function).check(inputs)}. */
    public static Report check(VarFunction function, Tensor... inputs) {
        return of(function).check(inputs);
    }

    /** The finite-difference step. */
    public GradCheck eps(double eps) {
        if (!(eps > 0)) {
            throw new IllegalArgumentException("GradCheck: eps must be positive, got " + eps);
        }
        this.eps = eps;
        return this;
    }

    /** Absolute and relative tolerance. */
    public GradCheck tolerance(double atol, double rtol) {
        if (!(atol >= 0) || !(rtol >= 0)) {
            throw new IllegalArgumentException("GradCheck: tolerances must be ≥ 0, got atol " + atol + ", rtol " + rtol);
        }
        this.atol = atol;
        this.rtol = rtol;
        return this;
    }

    /** Seed of the random projection {@code r}. */
    public GradCheck seed(long seed) {
        this.seed = seed;
        return this;
    }

    /** Runs the check at {@code inputs} (converted to float64 copies). */
    @SuppressWarnings("try") // the scope variable is unused by design
    public Report check(Tensor... inputs) {
        Var[] vars = new Var[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            vars[i] = Var.parameter(inputs[i].to(DType.F64).copy());
        }
        Var out = function.apply(vars);
        Tensor projection = randomLike(out.shape());
        Tensor[] analytic = Autodiff.grad(out, projection, false, vars);
        Worst worst = new Worst();
        try (var g = NoGrad.enter()) {
            for (int i = 0; i < vars.length; i++) {
                double[] x = vars[i].value().doubleArray();
                double[] a = analytic[i].to(DType.F64).contiguous().toDoubleArray();
                for (int j = 0; j < x.length; j++) {
                    double numeric = centralDifference(vars, i, x, j, projection);
                    worst.consider(i, vars[i].shape(), j, a[j], numeric, atol, rtol);
                }
            }
        }
        return worst.report(atol, rtol, eps);
    }

    private double centralDifference(Var[] vars, int input, double[] x, int j, Tensor projection) {
        double saved = x[j];
        x[j] = saved + eps;
        vars[input].value().markWritten();
        double plus = project(function.apply(vars), projection);
        x[j] = saved - eps;
        vars[input].value().markWritten();
        double minus = project(function.apply(vars), projection);
        x[j] = saved;
        vars[input].value().markWritten();
        return (plus - minus) / (2 * eps);
    }

    private static double project(Var out, Tensor projection) {
        double[] y = out.value().toDoubleArray();
        double[] r = projection.doubleArray();
        double s = 0;
        for (int i = 0; i < y.length; i++) {
            s += y[i] * r[i];
        }
        return s;
    }

    private Tensor randomLike(Shape shape) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] r = new double[shape.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = random.nextDouble(0.5, 1.5) * (random.nextBoolean() ? 1 : -1);
        }
        return Tensor.wrap(r, shape);
    }

    /** Tracks the element with the largest error relative to its tolerance. */
    private static final class Worst {
        double ratio = -1;
        int input = -1;
        int[] index = new int[0];
        double analytic;
        double numeric;
        int checked;

        void consider(int in, Shape shape, int flat, double a, double n, double atol, double rtol) {
            checked++;
            // Equal values pass (∞ = ∞ too); otherwise a NaN or infinity on either side fails, as
            // torch.autograd.gradcheck does (|a − n| / rtol·|n| would be ∞/∞ = NaN, never the worst).
            double r = a == n ? 0
                    : Double.isFinite(a) && Double.isFinite(n) ? Math.abs(a - n) / (atol + rtol * Math.abs(n))
                    : Double.POSITIVE_INFINITY;
            if (r > ratio) {
                ratio = r;
                input = in;
                index = unflatten(shape, flat);
                analytic = a;
                numeric = n;
            }
        }

        Report report(double atol, double rtol, double eps) {
            return new Report(checked == 0 || ratio <= 1, input, index, analytic, numeric, checked, atol, rtol, eps);
        }
    }

    private static int[] unflatten(Shape shape, int flat) {
        int[] idx = new int[shape.rank()];
        for (int a = shape.rank() - 1; a >= 0; a--) {
            idx[a] = flat % shape.dim(a);
            flat /= shape.dim(a);
        }
        return idx;
    }

    /**
     * The outcome of a check: whether every element passed, and the worst element (input number,
     * index, analytic and numeric values).
     */
    public record Report(boolean passed, int worstInput, int[] worstIndex, double analytic, double numeric,
            int elementsChecked, double atol, double rtol, double eps) {

        /** {@code |analytic − numeric|} at the worst element. */
        public double error() {
            return Math.abs(analytic - numeric);
        }

        /**
         * This report when the check passed.
         *
         * @throws AssertionError with {@link #toString()} when the check failed
         */
        public Report assertPassed() {
            if (!passed) {
                throw new AssertionError(toString());
            }
            return this;
        }

        @Override
        public String toString() {
            if (elementsChecked == 0) {
                return "GradCheck passed: no input elements to check";
            }
            return "GradCheck " + (passed ? "passed" : "FAILED") + ": worst element input " + worstInput
                    + Arrays.toString(worstIndex) + ": analytic " + analytic + " vs numeric " + numeric
                    + " (|diff| " + error() + ", allowed " + (atol + rtol * Math.abs(numeric)) + " = atol " + atol
                    + " + rtol " + rtol + "·|numeric|; eps " + eps + "; " + elementsChecked + " elements checked)";
        }
    }
}
