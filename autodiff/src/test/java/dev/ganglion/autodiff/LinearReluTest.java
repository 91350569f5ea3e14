package dev.ganglion.autodiff;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ganglion.engine.Rng;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import org.junit.jupiter.api.Test;

/**
 * {@link LinalgOps#linearRelu}: the bits of {@code linear(x, w, b).relu()}, output and gradients, and
 * its backward's kept storage for dy never reaches a gradient it hands on.
 */
class LinearReluTest {
    @Test
    void givesTheBitsOfLinearThenRelu() {
        for (int[] xDims : new int[][] {{7, 12}, {2, 3, 12}, {12}, {1, 12}}) {
            for (boolean withBias : new boolean[] {true, false}) {
                Tensor x = new Rng(1).uniform(Shape.of(xDims), -1, 1);
                Tensor w = new Rng(2).uniform(Shape.of(9, 12), -1, 1);
                Tensor b = withBias ? new Rng(3).uniform(Shape.of(9), -1, 1) : null;
                Tensor[] fused = outputAndGradients(x, w, b, true, 4);
                Tensor[] separate = outputAndGradients(x, w, b, false, 4);
                assertThat(fused[0].toFloatArray()).as("some outputs cut to 0").contains(0f);
                for (int k = 0; k < fused.length; k++) {
                    String what = Shape.of(xDims) + " bias " + withBias + " result " + k;
                    if (separate[k] == null) {
                        assertThat(fused[k]).as(what).isNull();
                    } else {
                        assertThat(fused[k].toFloatArray()).as(what).isEqualTo(separate[k].toFloatArray());
                    }
                }
                Var one = LinalgOps.linearRelu(Var.parameter(x), Var.parameter(w), b == null ? null : Var.parameter(b));
                assertThat(one.node.op).as("one node").isEqualTo(Op.LINEAR_RELU);
            }
        }
    }

    /**
     * Two stacked layers on a vector input, whose bias gradient needs no sum (so the walk would hand
     * on dy itself, and keep it until the end of a functional {@code grad}, after the first layer's
     * backward has taken the same storage again): every gradient has the bits of linear-then-relu.
     */
    @Test
    void stackedLayersKeepNoGradientInTheReusedStorage() {
        for (int[] xDims : new int[][] {{6}, {1, 6}, {3, 6}}) {
            Tensor x = new Rng(5).uniform(Shape.of(xDims), -1, 1);
            Tensor[] params = {new Rng(6).uniform(Shape.of(8, 6), -1, 1), new Rng(7).uniform(Shape.of(8), -1, 1),
                new Rng(8).uniform(Shape.of(8, 8), -1, 1), new Rng(9).uniform(Shape.of(8), -1, 1)};
            Tensor[] fused = stackGradients(x, params, true);
            Tensor[] separate = stackGradients(x, params, false);
            for (int k = 0; k < fused.length; k++) {
                assertThat(fused[k].toFloatArray()).as(Shape.of(xDims) + " gradient " + k)
                        .isEqualTo(separate[k].toFloatArray());
            }
        }
    }

    /** Functional gradients of {@code sum(relu(L₂(relu(L₁(x)))) ⊙ r)}: x, W₁, b₁, W₂, b₂. */
    private static Tensor[] stackGradients(Tensor x, Tensor[] params, boolean fused) {
        Var[] v = {Var.parameter(x), Var.parameter(params[0]), Var.parameter(params[1]), Var.parameter(params[2]),
            Var.parameter(params[3])};
        Var h = v[0];
        for (int l = 0; l < 2; l++) {
            h = fused ? LinalgOps.linearRelu(h, v[1 + 2 * l], v[2 + 2 * l])
                    : LinalgOps.linear(h, v[1 + 2 * l], v[2 + 2 * l]).relu();
        }
        return Autodiff.grad(h, new Rng(10).uniform(h.shape(), -1, 1), false, v);
    }

    /** h and the gradients of {@code sum(h ⊙ r)} for x, w and b (null without a bias), fused or not. */
    private static Tensor[] outputAndGradients(Tensor x, Tensor w, Tensor b, boolean fused, long seed) {
        Var xv = Var.parameter(x);
        Var wv = Var.parameter(w);
        Var bv = b == null ? null : Var.parameter(b);
        Var h = fused ? LinalgOps.linearRelu(xv, wv, bv) : LinalgOps.linear(xv, wv, bv).relu();
        h.mul(Var.constant(new Rng(seed).uniform(h.shape(), -1, 1))).sum().backward();
        return new Tensor[] {h.value(), xv.grad(), wv.grad(), bv == null ? null : bv.grad()};
    }
}
