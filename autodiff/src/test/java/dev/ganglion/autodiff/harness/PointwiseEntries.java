package dev.ganglion.autodiff.harness;

import static dev.ganglion.autodiff.harness.Inputs.positive;
import static dev.ganglion.autodiff.harness.Inputs.rand;

import dev.ganglion.autodiff.Gelu;
import dev.ganglion.autodiff.Op;
import dev.ganglion.autodiff.PointwiseOps;
import dev.ganglion.autodiff.Var;
import dev.ganglion.engine.DType;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;

/** Harness entries of the elementwise ops. */
final class PointwiseEntries {
    private PointwiseEntries() {}

    /** Shapes every unary op is run at: vector, matrix, size-1 axes, an empty axis, a scalar. */
    private static final int[][] UNARY_SHAPES = {{7}, {3, 4}, {1, 5, 1}, {0, 3}, {}};

    /** (a, b) shape pairs: equal, both broadcast, a lower rank, scalar, empty, size 1. */
    private static final int[][][] BINARY_SHAPES = {
        {{3, 4}, {3, 4}}, {{3, 1}, {1, 4}}, {{2, 3, 4}, {4}}, {{}, {3, 4}}, {{0, 4}, {4}}, {{1}, {1}}};

    interface Generator {
        Tensor make(long seed, int... dims);
    }

    static List<Sample> samples() {
        List<Sample> s = new ArrayList<>();
        unary(s, Op.NEG, PointwiseOps::neg, x -> -x, Inputs::rand);
        unary(s, Op.EXP, PointwiseOps::exp, Math::exp, Inputs::rand);
        unary(s, Op.LOG, PointwiseOps::log, Math::log, Inputs::positive);
        unary(s, Op.SQRT, PointwiseOps::sqrt, Math::sqrt, Inputs::positive);
        unary(s, Op.TANH, PointwiseOps::tanh, Math::tanh, Inputs::rand);
        unary(s, Op.SIGMOID, PointwiseOps::sigmoid, x -> 1 / (1 + Math.exp(-x)), Inputs::rand);
        unary(s, Op.RELU, PointwiseOps::relu, x -> Math.max(x, 0), Inputs::rand);
        unary(s, Op.SILU, PointwiseOps::silu, x -> x / (1 + Math.exp(-x)), Inputs::rand);
        unary(s, Op.SIN, PointwiseOps::sin, Math::sin, Inputs::rand);
        unary(s, Op.COS, PointwiseOps::cos, Math::cos, Inputs::rand);
        unary(s, Op.ABS, PointwiseOps::abs, Math::abs, Inputs::rand);
        unary(s, Op.SQUARE, PointwiseOps::square, x -> x * x, Inputs::rand);
        unary(s, Op.RECIPROCAL, PointwiseOps::reciprocal, x -> 1 / x, Inputs::positive);
        unary(s, Op.LOG1P, PointwiseOps::log1p, Math::log1p, (seed, d) -> Inputs.uniform(seed, -0.9, 2, d));
        unary(s, Op.EXPM1, PointwiseOps::expm1, Math::expm1, Inputs::rand);
        unary(s, Op.ERF, PointwiseOps::erf, References::erf, (seed, d) -> Inputs.uniform(seed, -2.5, 2.5, d));
        unary(s, Op.GELU, PointwiseOps::gelu, x -> 0.5 * x * (1 + References.erf(x / Math.sqrt(2))),
                (seed, d) -> Inputs.uniform(seed, -3, 3, d));
        unary(s, Op.GELU_TANH, x -> PointwiseOps.gelu(x, Gelu.TANH),
                x -> 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x))),
                (seed, d) -> Inputs.uniform(seed, -3, 3, d));
        // |x| from 3 to 30: both sides of the threshold 20, and ln(1 + eˣ) far below 1 at −30
        unary(s, Op.SOFTPLUS, PointwiseOps::softplus, x -> x > 20 ? x : Math.log1p(Math.exp(x)),
                (seed, d) -> References.map(rand(seed, d), a -> a * 30));
        // βx = 2x from −12 to 12, around the threshold 5 (a jump of e⁻⁵/2 there; no sample within 10⁻³ of it)
        unary(s, Op.SOFTPLUS, x -> PointwiseOps.softplus(x, 2, 5), x -> 2 * x > 5 ? x : Math.log1p(Math.exp(2 * x)) / 2,
                (seed, d) -> References.map(Inputs.uniform(seed, -6, 6, d), a -> Math.abs(a - 2.5) < 1e-3 ? 3 : a));
        // keep every value at least 0.02 away from the bounds, so x ± ε never crosses a kink
        unary(s, Op.CLAMP, x -> PointwiseOps.clamp(x, -0.55, 0.45), x -> Math.min(Math.max(x, -0.55), 0.45),
                (seed, d) -> awayFrom(rand(seed, d), -0.55, 0.45));
        unary(s, Op.POW_SCALAR, x -> PointwiseOps.pow(x, 2.5), x -> Math.pow(x, 2.5), Inputs::positive);
        unary(s, Op.SCALE, x -> PointwiseOps.scale(x, -1.5), x -> -1.5 * x, Inputs::rand);
        unary(s, Op.ADD_SCALAR, x -> PointwiseOps.addScalar(x, 0.25), x -> x + 0.25, Inputs::rand);
        // to the other dtype and back (the harness wants x's dtype out), exact on float32 values; the
        // inputs lie within 2⁻⁸ of 0, where float32's spacing (≤ 2⁻³²) rounds the gradient check's
        // x ± 10⁻⁶ by under 10⁻⁴ of the slope, inside its tolerance
        unary(s, Op.CAST, x -> PointwiseOps.to(PointwiseOps.to(x, x.dtype() == DType.F64 ? DType.F32 : DType.F64),
                x.dtype()), x -> x, (seed, d) -> Inputs.uniform(seed, -0x1p-8, 0x1p-8, d));

        binary(s, Op.ADD, PointwiseOps::add, Double::sum, Inputs::rand, Inputs::rand);
        binary(s, Op.SUB, PointwiseOps::sub, (a, b) -> a - b, Inputs::rand, Inputs::rand);
        binary(s, Op.MUL, PointwiseOps::mul, (a, b) -> a * b, Inputs::rand, Inputs::rand);
        binary(s, Op.DIV, PointwiseOps::div, (a, b) -> a / b, Inputs::rand, Inputs::positive);
        binary(s, Op.MAXIMUM, PointwiseOps::maximum, Math::max, Inputs::rand, Inputs::rand);
        binary(s, Op.MINIMUM, PointwiseOps::minimum, Math::min, Inputs::rand, Inputs::rand);
        binary(s, Op.POW, PointwiseOps::pow, Math::pow, Inputs::positive, Inputs::rand);
        where(s);
        return s;
    }

    static List<ErrorCase> errors() {
        List<ErrorCase> e = new ArrayList<>();
        for (Op op : new Op[] {Op.ADD, Op.SUB, Op.MUL, Op.DIV, Op.MAXIMUM, Op.MINIMUM, Op.POW}) {
            Var a = Var.parameter(Tensor.zeros(3, 4));
            Var b = Var.parameter(Tensor.zeros(5));
            e.add(new ErrorCase(op, "shapes do not broadcast", () -> binaryOp(op).apply(a, b), "[3, 4]"));
            Var c = Var.parameter(Tensor.zeros(Shape.of(4), DType.F64));
            e.add(new ErrorCase(op, "dtype mismatch", () -> binaryOp(op).apply(a, c), "dtype"));
        }
        Var x = Var.parameter(Tensor.zeros(2, 3));
        e.add(new ErrorCase(Op.SOFTPLUS, "beta 0", () -> PointwiseOps.softplus(x, 0, 20),
                "softplus: beta must be positive and finite, got 0.0"));
        e.add(new ErrorCase(Op.SOFTPLUS, "beta NaN", () -> PointwiseOps.softplus(x, Double.NaN, 20),
                "softplus: beta must be positive and finite, got NaN"));
        e.add(new ErrorCase(Op.SOFTPLUS, "beta −1", () -> PointwiseOps.softplus(x, -1, 20), "got -1.0"));
        e.add(new ErrorCase(Op.SOFTPLUS, "beta ∞", () -> PointwiseOps.softplus(x, Double.POSITIVE_INFINITY, 20),
                "got Infinity"));
        e.add(new ErrorCase(Op.SOFTPLUS, "beta 0 as a float", () -> PointwiseOps.softplus(x, 1e-50, 20),
                "softplus: beta must be positive and finite as F32, got 1.0E-50"));
        e.add(new ErrorCase(Op.SOFTPLUS, "threshold NaN", () -> PointwiseOps.softplus(x, 1, Double.NaN),
                "softplus: threshold is NaN"));
        e.add(new ErrorCase(Op.WHERE, "condition does not broadcast",
                () -> PointwiseOps.where(Tensor.zeros(4), x, x), "where"));
        return e;
    }

    private interface BinaryVarOp {
        Var apply(Var a, Var b);
    }

    private static BinaryVarOp binaryOp(Op op) {
        return switch (op) {
            case ADD -> PointwiseOps::add;
            case SUB -> PointwiseOps::sub;
            case MUL -> PointwiseOps::mul;
            case DIV -> PointwiseOps::div;
            case MAXIMUM -> PointwiseOps::maximum;
            case MINIMUM -> PointwiseOps::minimum;
            case POW -> PointwiseOps::pow;
            default -> throw new IllegalArgumentException(op.name());
        };
    }

    private static void unary(List<Sample> s, Op op, UnaryOperator<Var> f, DoubleUnaryOperator ref, Generator gen) {
        long seed = op.ordinal() * 100L;
        for (int[] dims : UNARY_SHAPES) {
            s.add(new Sample(op, "shape", new Tensor[] {gen.make(seed++, dims)}, v -> f.apply(v[0]),
                    in -> References.map(in[0], ref)));
        }
    }

    private static void binary(List<Sample> s, Op op, BinaryVarOp f, DoubleBinaryOperator ref, Generator ga, Generator gb) {
        long seed = op.ordinal() * 100L;
        for (int[][] dims : BINARY_SHAPES) {
            Tensor a = ga.make(seed++, dims[0]);
            Tensor b = gb.make(seed++, dims[1]);
            String name = java.util.Arrays.equals(dims[0], dims[1]) ? "same shape" : "broadcast";
            s.add(new Sample(op, name, new Tensor[] {a, b}, v -> f.apply(v[0], v[1]),
                    in -> References.zip(in[0], in[1], ref)));
        }
    }

    private static void where(List<Sample> s) {
        Tensor cond = References.map(rand(7, 3, 1), v -> v > 0 ? 1 : 0);
        s.add(new Sample(Op.WHERE, "broadcast condition", new Tensor[] {rand(1, 3, 4), rand(2, 4)},
                v -> PointwiseOps.where(cond, v[0], v[1]), in -> References.where(cond, in[0], in[1])));
        Tensor full = References.map(rand(8, 2, 3), v -> v > 0 ? 1 : 0);
        s.add(new Sample(Op.WHERE, "same shape", new Tensor[] {rand(3, 2, 3), positive(4, 2, 3)},
                v -> PointwiseOps.where(full, v[0], v[1]), in -> References.where(full, in[0], in[1])));
        s.add(new Sample(Op.WHERE, "empty", new Tensor[] {rand(5, 0, 3), rand(6, 3)},
                v -> PointwiseOps.where(Tensor.zeros(0, 1), v[0], v[1]),
                in -> References.where(Tensor.zeros(0, 1), in[0], in[1])));
    }

    /** Moves values within 0.02 of a clamp bound away from it, so ±ε never crosses the kink. */
    private static Tensor awayFrom(Tensor t, double lo, double hi) {
        return References.map(t, v -> Math.abs(v - lo) < 0.02 ? lo + 0.05 : Math.abs(v - hi) < 0.02 ? hi - 0.05 : v);
    }
}
