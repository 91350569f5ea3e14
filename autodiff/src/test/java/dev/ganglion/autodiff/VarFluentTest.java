package dev.ganglion.autodiff;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ganglion.engine.Tensor;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The fluent forms on {@link Var} record the same op with the same value as the op families. */
class VarFluentTest {
    private static final Tensor X = Tensor.of(new double[] {0.5, -1.5, 2, 0.25, -0.75, 1}, 2, 3);
    private static final Tensor Y = Tensor.of(new double[] {1.5, 0.5, -1}, 3);

    private record Pair(String name, Op op, Function<Var, Var> fluent, Function<Var, Var> family) {}

    @Test
    void eachFluentFormIsItsFamilysOp() {
        Var y = Var.parameter(Y);
        List<Pair> pairs = List.of(
                new Pair("sin", Op.SIN, Var::sin, PointwiseOps::sin),
                new Pair("cos", Op.COS, Var::cos, PointwiseOps::cos),
                new Pair("reciprocal", Op.RECIPROCAL, Var::reciprocal, PointwiseOps::reciprocal),
                new Pair("silu", Op.SILU, Var::silu, PointwiseOps::silu),
                new Pair("gelu", Op.GELU, Var::gelu, PointwiseOps::gelu),
                new Pair("softplus", Op.SOFTPLUS, Var::softplus, PointwiseOps::softplus),
                new Pair("maximum", Op.MAXIMUM, v -> v.maximum(y), v -> PointwiseOps.maximum(v, y)),
                new Pair("minimum", Op.MINIMUM, v -> v.minimum(y), v -> PointwiseOps.minimum(v, y)),
                new Pair("pow", Op.POW, v -> v.abs().pow(y), v -> PointwiseOps.pow(v.abs(), y)),
                new Pair("logsumexp", Op.LOGSUMEXP, v -> v.logsumexp(1, true), v -> ReductionOps.logsumexp(v, 1, true)));
        for (Pair p : pairs) {
            Var fluent = p.fluent.apply(Var.parameter(X));
            Var family = p.family.apply(Var.parameter(X));
            assertThat(fluent.op()).as(p.name).isEqualTo(p.op);
            assertThat(fluent.value().toDoubleArray()).as(p.name).containsExactly(family.value().toDoubleArray());
        }
    }
}
