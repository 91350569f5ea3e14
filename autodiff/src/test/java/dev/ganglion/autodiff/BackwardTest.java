package dev.ganglion.autodiff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.ganglion.engine.DType;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import org.junit.jupiter.api.Test;

/** The backward walk: accumulation, broadcasting, leaves, spent graphs, seeds and in-place writes. */
class BackwardTest {
    private static Var param(double... v) {
        return Var.parameter(Tensor.of(v, v.length));
    }

    @Test
    void valueUsedSeveralTimesAccumulates() {
        Var x = param(1, 2, -3);
        Var y = x.mul(x).add(x).add(x.exp()).sum(); // y = Σ x² + x + eˣ
        y.backward();
        for (int i = 0; i < 3; i++) {
            double v = x.value().get(i);
            assertThat(x.grad().get(i)).isCloseTo(2 * v + 1 + Math.exp(v), within(1e-12));
        }
    }

    @Test
    void broadcastGradientIsSummedBackToTheInputShape() {
        Var w = Var.parameter(Tensor.ones(3, 4));
        Var b = Var.parameter(Tensor.zeros(4));
        Var c = Var.parameter(Tensor.scalar(2f));
        w.add(b).mul(c).sum().backward();
        assertThat(b.grad().shape()).isEqualTo(Shape.of(4));
        assertThat(b.grad().toFloatArray()).containsExactly(6, 6, 6, 6);
        assertThat(c.grad().shape()).isEqualTo(Shape.scalar());
        assertThat(c.grad().item()).isEqualTo(12);
        assertThat(w.grad().toFloatArray()).containsOnly(2);
    }

    @Test
    void linearWeightGradientAccumulatesIntoAKeptBufferInPlace() {
        dev.ganglion.engine.Rng rng = new dev.ganglion.engine.Rng(3);
        Tensor xv = rng.normal(Shape.of(2, 3, 5), 0, 1);
        Var w = Var.parameter(rng.normal(Shape.of(4, 5), 0, 1));
        Var b = Var.parameter(rng.normal(Shape.of(4), 0, 1));
        LinalgOps.linear(Var.constant(xv), w, b).square().sum().backward();
        Tensor first = w.grad().copy();
        Tensor buffer = w.grad();
        LinalgOps.linear(Var.constant(xv), w, b).square().sum().backward();
        assertThat(w.grad()).isSameAs(buffer); // accumulated in place, no new tensor
        double[] once = first.toDoubleArray();
        double[] twice = w.grad().toDoubleArray();
        for (int i = 0; i < once.length; i++) {
            assertThat(twice[i]).isCloseTo(2 * once[i], within(1e-4 * (1 + Math.abs(once[i]))));
        }
        // the functional form leaves .grad alone and still returns dW
        Tensor[] g = Autodiff.grad(LinalgOps.linear(Var.constant(xv), w, b).square().sum(), w);
        assertThat(w.grad().toDoubleArray()).containsExactly(twice);
        assertThat(g[0].toDoubleArray()).hasSize(once.length);
        for (int i = 0; i < once.length; i++) {
            assertThat(g[0].toDoubleArray()[i]).isCloseTo(once[i], within(1e-4 * (1 + Math.abs(once[i]))));
        }
    }

    @Test
    void leafGradientsAccumulateOverBackwardsUntilZeroed() {
        Var x = param(1, 2);
        x.square().sum().backward();
        x.square().sum().backward();
        assertThat(x.grad().toDoubleArray()).containsExactly(4, 8);
        x.zeroGrad();
        assertThat(x.grad()).isNull();
        x.scale(3).sum().backward();
        assertThat(x.grad().toDoubleArray()).containsExactly(3, 3);
    }

    @Test
    void gradientHasTheValueDtypeAndIsNotShared() {
        Var a = Var.parameter(Tensor.ones(2));
        Var b = Var.parameter(Tensor.ones(2));
        a.add(b).sum().backward(); // both leaves receive the same upstream tensor
        a.grad().set(7, 0);
        assertThat(b.grad().get(0)).isEqualTo(1);
        assertThat(a.grad().dtype()).isEqualTo(DType.F32);
        // a replacement gradient must match too, or the next backward would fail inside its add
        assertThatThrownBy(() -> a.setGrad(Tensor.zeros(Shape.of(2), DType.F64)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("setGrad: gradient F64 [2] for a value F32 [2]");
        assertThatThrownBy(() -> a.setGrad(Tensor.zeros(3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("setGrad: gradient F32 [3] for a value F32 [2]");
    }

    @Test
    void detachAndFrozenLeavesStopGradients() {
        Var x = param(2);
        Var frozen = param(3).setRequiresGrad(false);
        Var y = x.mul(x.detach()).add(frozen.mul(x)).sum(); // d/dx = x_detached + frozen
        y.backward();
        assertThat(x.grad().get(0)).isEqualTo(5);
        assertThat(frozen.grad()).isNull();
        assertThat(x.detach().requiresGrad()).isFalse();
        assertThat(x.detach().value()).isSameAs(x.value());
    }

    @Test
    void constantsRecordNothing() {
        Var a = Var.constant(Tensor.ones(2));
        Var y = a.exp().mul(a);
        assertThat(y.requiresGrad()).isFalse();
        assertThat(y.op()).isNull();
        assertThat(y.isLeaf()).isTrue();
        assertThatThrownBy(() -> y.sum().backward()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not require grad");
    }

    @Test
    void resultsRecordTheirOp() {
        Var x = param(1, 2);
        assertThat(x.exp().op()).isEqualTo(Op.EXP);
        assertThat(x.isLeaf()).isTrue();
        assertThat(x.op()).isNull();
        assertThatThrownBy(() -> x.exp().setRequiresGrad(false)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("EXP");
    }

    @Test
    void seedsAreChecked() {
        Var x = param(1, 2);
        Var y = x.exp();
        assertThatThrownBy(y::backward).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[2]");
        assertThatThrownBy(() -> y.backward(Tensor.ones(3))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("seed of shape [3]");
        y.backward(Tensor.of(new float[] {1, 2}, 2)); // an F32 seed for an F64 output is converted
        assertThat(x.grad().get(1)).isCloseTo(2 * Math.exp(2), within(1e-5));
    }

    @Test
    void aSpentGraphCannotBeWalkedAgainButARetainedOneCan() {
        Var x = param(1, 2);
        Var y = x.exp().sum();
        y.backward();
        assertThatThrownBy(y::backward).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("a second time").hasMessageContaining("retainGraph");
        Var z = x.exp().sum();
        x.zeroGrad();
        Autodiff.backward(z, Tensor.scalar(1, DType.F64), true);
        Autodiff.backward(z, Tensor.scalar(1, DType.F64), false);
        assertThat(x.grad().get(0)).isCloseTo(2 * Math.E, within(1e-12));
    }

    @Test
    void savedTensorWrittenInPlaceIsReportedNamingTheOp() {
        Var x = param(1, 2);
        Var y = x.exp();
        Var loss = y.sum();
        y.value().set(5, 0);
        assertThatThrownBy(loss::backward).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("EXP").hasMessageContaining("modified in place");

        Var w = param(3, 4);
        Var z = x.mul(w).sum();
        w.value().fill(0); // e.g. an optimizer step between forward and backward
        assertThatThrownBy(z::backward).isInstanceOf(IllegalStateException.class).hasMessageContaining("MUL");
    }

    @Test
    void writingAViewOfASavedTensorIsReportedToo() {
        Var x = param(1, 2, 3, 4);
        Var y = x.square().sum();
        x.value().slice(0, 1, 2).fill(0);
        assertThatThrownBy(y::backward).isInstanceOf(IllegalStateException.class).hasMessageContaining("SQUARE");
    }

    @Test
    void multiOutputNodesCollectGradientsOfEveryOutput() {
        Var x = param(1, 2, 3, 4);
        Var[] parts = IndexOps.split(x, 0, 1, 3);
        parts[0].scale(2).sum().add(parts[1].square().sum()).backward();
        assertThat(x.grad().toDoubleArray()).containsExactly(2, 4, 6, 8);
    }

    @Test
    void kinksAndTiesFollowTheNotes() {
        Var x = param(0, 0.5, 0.5);
        Tensor[] g = Autodiff.grad(ReductionOps.max(x, 0, false), x);
        assertThat(g[0].toDoubleArray()).containsExactly(0, 0.5, 0.5); // ties share the gradient
        g = Autodiff.grad(PointwiseOps.relu(x).add(PointwiseOps.abs(x)).sum(), x);
        assertThat(g[0].get(0)).isZero(); // relu'(0) = abs'(0) = 0
        Var z = param(-1, 2);
        g = Autodiff.grad(PointwiseOps.relu(z).mul(Var.constant(Tensor.of(new double[] {Double.POSITIVE_INFINITY, 3}, 2)))
                .sum(), z);
        assertThat(g[0].toDoubleArray()).containsExactly(0, 3); // an inactive unit stops even ∞ (not ∞·0 = NaN)
        g = Autodiff.grad(PointwiseOps.clamp(x, 0, 0.5).sum(), x);
        assertThat(g[0].toDoubleArray()).containsExactly(1, 1, 1); // bounds pass the gradient
        Var a = param(2, 1);
        Var b = param(2, 3);
        g = Autodiff.grad(PointwiseOps.maximum(a, b).sum(), a, b);
        assertThat(g[0].toDoubleArray()).containsExactly(0.5, 0);
        assertThat(g[1].toDoubleArray()).containsExactly(0.5, 1);
    }

    /**
     * Regression (PyTorch differential fuzz): maximum, minimum and clamp weighted g by 0/1 masks, so
     * an infinite upstream gradient became ∞·0 = NaN on the side not taken, and ∞ − ∞ = NaN on the
     * side taken by the second operand. They select now, as PyTorch does; NaN inputs pass g to both
     * sides (PyTorch's rule). tanh's g − g·y² was ∞ − ∞ likewise.
     */
    @Test
    void infiniteGradientsDoNotTurnIntoNaNOnTheSideNotTaken() {
        double inf = Double.POSITIVE_INFINITY;
        Tensor seed = Tensor.of(new double[] {inf, -inf, 1}, 3);
        Var a = param(1, 5, Double.NaN);
        Var b = param(2, 3, 0);
        PointwiseOps.maximum(a, b).backward(seed);
        assertThat(a.grad().toDoubleArray()).containsExactly(0, -inf, 1);
        assertThat(b.grad().toDoubleArray()).containsExactly(inf, 0, 1);
        Var c = param(1, 5, 2);
        Var d = param(2, 3, 2);
        PointwiseOps.minimum(c, d).backward(seed);
        assertThat(c.grad().toDoubleArray()).containsExactly(inf, 0, 0.5);
        assertThat(d.grad().toDoubleArray()).containsExactly(0, -inf, 0.5);
        Var x = param(-2, 0.5, 3);
        PointwiseOps.clamp(x, -1, 1).backward(seed);
        assertThat(x.grad().toDoubleArray()).containsExactly(0, -inf, 0);
        Var t = param(0.5, -1, 0);
        PointwiseOps.tanh(t).backward(seed); // g(1 − y²), where g − g·y² was ∞ − ∞
        assertThat(t.grad().toDoubleArray()).containsExactly(inf, -inf, 1);
    }
}
