package dev.ganglion.autodiff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ganglion.engine.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The {@link Op#LAYER_NORM} node's bookkeeping: nothing recorded under {@link NoGrad}, gradients only
 * for the inputs that require them, and the saved x checked against writes after the forward. Its
 * values and gradients are checked in {@code LayerNormTorchTest} and the op harness.
 */
class LayerNormTest {
    private static Tensor ramp(int... dims) {
        Tensor t = Tensor.zeros(dims);
        float[] v = t.floatArray();
        for (int i = 0; i < v.length; i++) {
            v[i] = (i * 7 % 11) / 4f;
        }
        return t;
    }

    @Test
    @SuppressWarnings("try") // the scope variable is unused by design
    void noGradRecordsNothing() {
        Var x = Var.parameter(ramp(2, 3));
        Var w = Var.parameter(Tensor.ones(3));
        try (var g = NoGrad.enter()) {
            Var y = ReductionOps.layerNorm(x, new int[] {3}, w, null, 1e-5);
            assertThat(y.requiresGrad()).isFalse();
            assertThat(y.op()).isNull();
        }
        assertThat(ReductionOps.layerNorm(x, new int[] {3}, w, null, 1e-5).op()).isEqualTo(Op.LAYER_NORM);
    }

    @Test
    void onlyTheInputsThatRequireGradGetOne() {
        Var x = Var.parameter(ramp(2, 3));
        Var frozen = Var.constant(Tensor.ones(3));
        Var b = Var.parameter(Tensor.zeros(3));
        Tensor seed = ramp(2, 3);
        ReductionOps.layerNorm(x, new int[] {3}, frozen, b, 1e-5).backward(seed);
        assertThat(frozen.grad()).isNull();
        assertThat(x.grad()).isNotNull();
        float[] columnSums = new float[3];
        for (int i = 0; i < 3; i++) {
            columnSums[i] = (float) (seed.get(0, i) + seed.get(1, i));
        }
        assertThat(b.grad().toFloatArray()).containsExactly(columnSums);
    }

    @Test
    void writingXAfterTheForwardIsReported() {
        Var x = Var.parameter(ramp(2, 3));
        Var y = ReductionOps.layerNorm(x, new int[] {3}, null, null, 1e-5).sum();
        x.value().set(5, 0, 0);
        assertThatThrownBy(y::backward).isInstanceOf(IllegalStateException.class).hasMessageContaining("LAYER_NORM");
    }
}
