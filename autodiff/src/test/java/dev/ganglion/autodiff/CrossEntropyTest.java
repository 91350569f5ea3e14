package dev.ganglion.autodiff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import org.junit.jupiter.api.Test;

/** The fused cross-entropy against the composition of primitives, and at extreme logits. */
class CrossEntropyTest {
    private static final int[] TARGETS = {1, 0, 3};

    /** {@code −mean(gather(logSoftmax(z), t))}: four nodes instead of one. */
    private static Var composed(Var logits, int[] targets) {
        Var logp = ReductionOps.logSoftmax(logits, 1);
        Var picked = IndexOps.gather(logp, 1, targets, Shape.of(targets.length, 1));
        return ReductionOps.mean(picked).neg();
    }

    @Test
    void matchesTheCompositionOfPrimitivesInValueAndGradient() {
        Tensor z = Tensor.of(new float[] {0.1f, -1.2f, 2.0f, 0.5f, 1.5f, 0.3f, -0.7f, 0.0f, -2.0f, 0.4f, 0.9f, 1.1f}, 3, 4);
        Var a = Var.parameter(z);
        Var b = Var.parameter(z.copy());
        Var fused = LossOps.crossEntropyWithLogits(a, TARGETS);
        Var reference = composed(b, TARGETS);
        assertThat(fused.item()).isCloseTo(reference.item(), within(1e-6));
        fused.backward();
        reference.backward();
        float[] ga = a.grad().toFloatArray();
        float[] gb = b.grad().toFloatArray();
        for (int i = 0; i < ga.length; i++) {
            assertThat(ga[i]).isCloseTo(gb[i], within(1e-6f));
        }
    }

    @Test
    void staysFiniteAndExactForLogitsOfPlusMinusAThousand() {
        float[] v = {1000, -1000, 0, -1000, 1000, 999, 1000, 1000, -1000};
        Var z = Var.parameter(Tensor.of(v, 3, 3));
        Var loss = LossOps.crossEntropyWithLogits(z, new int[] {1, 2, 0});
        // row 0: −log softmax = 2000; row 1: 1 + log(1 + e⁻¹); row 2: log 2
        double expected = (2000 + 1 + Math.log1p(Math.exp(-1)) + Math.log(2)) / 3;
        assertThat(loss.item()).isCloseTo(expected, within(1e-3));
        loss.backward();
        float[] g = z.grad().toFloatArray();
        for (float x : g) {
            assertThat(Float.isFinite(x)).isTrue();
        }
        assertThat(g[0]).isCloseTo(1 / 3f, within(1e-6f));
        assertThat(g[1]).isCloseTo(-1 / 3f, within(1e-6f));
        assertThat(g[6] + g[7] + g[8]).isCloseTo(0f, within(1e-6f));
        assertThat(g[6]).isCloseTo(-1 / 6f, within(1e-6f));
    }

    @Test
    void gradCheckAtLargeLogits() {
        Tensor z = Tensor.of(new double[] {800, -900, 805, 3, -1000, 1000}, 2, 3);
        GradCheck.check(v -> LossOps.crossEntropyWithLogits(v[0], new int[] {2, 1}), z).assertPassed();
    }
}
