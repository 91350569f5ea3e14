package dev.ganglion.autodiff.harness;

import dev.ganglion.autodiff.Op;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** Every harness entry, gathered from the per-family entry classes. */
public final class OpRegistry {
    private OpRegistry() {}

    /**
     * Ops that accept every tensor (unary elementwise ops have no invalid shape or argument), so
     * they have no error case; every other op must have at least one.
     */
    public static final Set<Op> NO_INVALID_INPUT = EnumSet.of(Op.NEG, Op.EXP, Op.LOG, Op.SQRT, Op.TANH, Op.SIGMOID,
            Op.RELU, Op.SILU, Op.SIN, Op.COS, Op.ABS, Op.SQUARE, Op.RECIPROCAL, Op.CLAMP, Op.POW_SCALAR, Op.SCALE,
            Op.ADD_SCALAR, Op.CAST, Op.LOG1P, Op.EXPM1, Op.ERF, Op.GELU, Op.GELU_TANH);

    public static List<Sample> samples() {
        List<Sample> all = new ArrayList<>();
        all.addAll(PointwiseEntries.samples());
        all.addAll(ReductionEntries.samples());
        all.addAll(ShapeEntries.samples());
        all.addAll(ProductEntries.samples());
        all.addAll(ComposedEntries.samples());
        all.addAll(CrossEntropyEntries.samples());
        all.addAll(LayerNormEntries.samples());
        return all;
    }

    public static List<ErrorCase> errors() {
        List<ErrorCase> all = new ArrayList<>();
        all.addAll(PointwiseEntries.errors());
        all.addAll(ReductionEntries.errors());
        all.addAll(ShapeEntries.errors());
        all.addAll(ProductEntries.errors());
        all.addAll(ComposedEntries.errors());
        all.addAll(CrossEntropyEntries.errors());
        all.addAll(LayerNormEntries.errors());
        return all;
    }
}
