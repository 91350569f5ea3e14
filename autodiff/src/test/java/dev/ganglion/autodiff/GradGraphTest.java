package dev.ganglion.autodiff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.ganglion.autodiff.nn.Losses;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.ops.Elementwise;
import dev.ganglion.engine.sparse.Csr;
import org.junit.jupiter.api.Test;

/** {@link Autodiff#gradGraph}'s contract beyond the values (those are in the harness and the torch tests). */
class GradGraphTest {
    @Test
    void aGradientOfAGradient() {
        // y = Σ x³: dy/dx = 3x², d(Σ 3x²)/dx = 6x
        Var x = Var.parameter(Tensor.of(new double[] {1, -2, 0.5}, 3));
        Var g = Autodiff.gradGraph(x.pow(3).sum(), x)[0];
        assertThat(g.requiresGrad()).isTrue();
        assertThat(g.value().toDoubleArray()).containsExactly(3, 12, 0.75);
        assertThat(Autodiff.grad(g.sum(), x)[0].toDoubleArray()).containsExactly(6, -12, 3);
    }

    @Test
    void theGraphBehindTheOutputIsKeptForALaterBackward() {
        Var w = Var.parameter(Tensor.of(new double[] {0.5, -1.5}, 2));
        Var loss = w.tanh().mul(w).sum();
        Tensor expected = Autodiff.grad(loss, Tensor.of(new double[] {1}), true, w)[0];
        Autodiff.gradGraph(loss, w);
        loss.backward();
        assertThat(w.grad().toDoubleArray()).containsExactly(expected.toDoubleArray());
    }

    @Test
    void aSeedThatRequiresGradIsDifferentiatedThrough() {
        // g = s·2x, so ∂⟨g, r⟩/∂s = 2x·r
        Var x = Var.parameter(Tensor.of(new double[] {1, 3}, 2));
        Var s = Var.parameter(Tensor.of(new double[] {0.5, 2}, 2));
        Var g = Autodiff.gradGraphSeeded(x.square(), s, x)[0];
        assertThat(g.value().toDoubleArray()).containsExactly(1, 12);
        Tensor ds = Autodiff.grad(g.mul(Var.constant(Tensor.of(new double[] {10, 100}, 2))).sum(), s)[0];
        assertThat(ds.toDoubleArray()).containsExactly(20, 600);
    }

    @Test
    void anIntermediateTargetsGradientIsDifferentiableInTheLeavesBehindIt() {
        // y = Σ sin(h), h = x²: ∂y/∂h = cos(x²), and d/dx Σ cos(x²) = −2x·sin(x²)
        Var x = Var.parameter(Tensor.of(new double[] {0.5, -1.25}, 2));
        Var h = x.square();
        Var gh = Autodiff.gradGraph(h.sin().sum(), h)[0];
        Tensor d = Autodiff.grad(gh.sum(), x)[0];
        for (int i = 0; i < 2; i++) {
            double xi = x.value().get(i);
            assertThat(gh.value().get(i)).isCloseTo(Math.cos(xi * xi), within(1e-15));
            assertThat(d.get(i)).isCloseTo(-2 * xi * Math.sin(xi * xi), within(1e-15));
        }
    }

    @Test
    void inFloat32TheRecordedGradientsMatchTheTensorWalks() {
        // the fused kernels (relu, gelu, the cross-entropy) against their recorded compositions
        Tensor w0 = Tensor.of(new float[] {0.3f, -0.7f, 1.1f, 0.2f, -0.4f, 0.9f, 0.5f, -0.1f, 0.8f}, 3, 3);
        Tensor x0 = Tensor.of(new float[] {1, -1, 0.5f, -0.25f, 2, 0.75f}, 2, 3);
        Var w = Var.parameter(w0);
        Var x = Var.parameter(x0);
        Var h = LinalgOps.linear(x, w, null).relu().add(LinalgOps.linear(x, w, null).gelu());
        Var loss = LossOps.crossEntropyWithLogits(PointwiseOps.gelu(h, Gelu.TANH), new int[] {2, 0});
        Tensor[] plain = Autodiff.grad(loss, Tensor.of(new float[] {1}), true, w, x);
        Var[] recorded = Autodiff.gradGraph(loss, w, x);
        for (int k = 0; k < 2; k++) {
            float[] e = plain[k].floatArray();
            float[] a = recorded[k].value().contiguous().floatArray();
            for (int i = 0; i < e.length; i++) {
                assertThat(a[i]).as("input %d element %d", k, i).isCloseTo(e[i], within(2e-6f * (1 + Math.abs(e[i]))));
            }
        }
    }

    @Test
    void gradientsThatDependOnNothingTrackedAreConstants() {
        Var x = Var.parameter(Tensor.of(new double[] {1, 2}, 2));
        Var unused = Var.parameter(Tensor.of(new double[] {7}, 1));
        Var[] g = Autodiff.gradGraph(x.scale(3).sum(), x, unused);
        assertThat(g[0].value().toDoubleArray()).containsExactly(3, 3);
        assertThat(g[0].requiresGrad()).isFalse();
        assertThat(g[1].value().toDoubleArray()).containsExactly(0);
        assertThat(g[1].requiresGrad()).isFalse();
    }

    @Test
    void aPenaltyOnTheInputGradientReachesTheParametersGradBuffers() {
        Var w = Var.parameter(Tensor.of(new double[] {0.3, -0.7, 1.1, 0.2, -0.4, 0.9}, 2, 3));
        Var x = Var.parameter(Tensor.of(new double[] {1, -1, 0.5}, 1, 3));
        Var y = LinalgOps.linear(x, w, null).tanh().sum();
        Var gx = Autodiff.gradGraph(y, x)[0];
        Var total = y.add(gx.square().sum());
        Tensor expected = Autodiff.grad(total, Tensor.of(new double[] {1}), true, w)[0];
        total.backward();
        assertThat(w.grad().toDoubleArray()).containsExactly(expected.toDoubleArray());
        // d/dw of Σ gx² alone is not zero: the penalty does reach w
        Tensor plain = Autodiff.grad(LinalgOps.linear(x, w, null).tanh().sum(), w)[0];
        assertThat(w.grad().toDoubleArray()).isNotEqualTo(plain.toDoubleArray());
    }

    @Test
    void insideNoGradItRefusesUnlessGradModeIsTurnedBackOn() {
        Var x = Var.parameter(Tensor.of(new double[] {2}, 1));
        Var y = x.square().sum();
        try (var off = NoGrad.enter()) {
            assertThatThrownBy(() -> Autodiff.gradGraph(y, x)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("NoGrad");
            try (var on = NoGrad.suspend()) {
                assertThat(Autodiff.isGradEnabled()).isTrue();
                assertThat(Autodiff.gradGraph(y, x)[0].requiresGrad()).isTrue();
            }
            assertThat(Autodiff.isGradEnabled()).isFalse();
        }
        assertThat(Autodiff.isGradEnabled()).isTrue();
    }

    @Test
    void aSpentGraphOrACustomFunctionIsNamed() {
        Var x = Var.parameter(Tensor.of(new double[] {2}, 1));
        Var y = x.exp().sum();
        y.backward();
        assertThatThrownBy(() -> Autodiff.gradGraph(y, x)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("retainGraph");
        CustomFunction twice = CustomFunction.of("twice", (ctx, in) -> Elementwise.scale(in[0], 2),
                (ctx, g) -> new Tensor[] {Elementwise.scale(g, 2)});
        Var z = twice.apply(x).sum();
        assertThatThrownBy(() -> Autodiff.gradGraph(z, x)).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("custom function twice").hasMessageContaining("Autodiff.grad");
    }

    @Test
    void theBinaryCrossEntropyRecordsItsBackward() {
        // second derivatives of Σ r·bce(x, y) in both the logits and the soft targets
        Tensor x = Tensor.of(new double[] {-2, -0.3, 0.4, 3}, 2, 2);
        Tensor y = Tensor.of(new double[] {0.1, 0.9, 0.5, 0.25}, 2, 2);
        Var[] v0 = {Var.parameter(x), Var.parameter(y)};
        Var[] recorded = Autodiff.gradGraph(Losses.bceWithLogits(v0[0], v0[1]), v0);
        Tensor[] plain = Autodiff.grad(Losses.bceWithLogits(v0[0], v0[1]), v0);
        for (int i = 0; i < 2; i++) {
            assertThat(recorded[i].value().toDoubleArray()).containsExactly(plain[i].toDoubleArray(), within(1e-15));
        }
        GradCheck.check(v -> {
            try (var on = NoGrad.suspend()) {
                Var[] g = Autodiff.gradGraph(Losses.bceWithLogits(v[0], v[1]), v);
                return g[0].square().sum().add(g[1].mul(v[0]).sum());
            }
        }, x, y).assertPassed();
    }

    @Test
    void aSparseLayersSecondDerivativeNeedsNoDenseWeight() {
        // y = Σ tanh(x·Wᵀ) over a CSR W: ∂²y/∂x∂v through the recorded product, against the same
        // function on the dense masked weight
        Csr pattern = Csr.fromDense(Tensor.of(new double[] {1, 0, 2, 0, 3, 0}, 2, 3));
        Tensor x0 = Tensor.of(new double[] {0.5, -1, 0.25, 1, 0.5, -0.5}, 2, 3);
        Var x = Var.parameter(x0);
        Var v = Var.parameter(pattern.values());
        Var gx = Autodiff.gradGraph(LinalgOps.sparseLinear(x, pattern, v).tanh().sum(), x)[0];
        Tensor mixed = Autodiff.grad(gx.square().sum(), v)[0];
        Var xd = Var.parameter(x0);
        Var dense = Var.parameter(pattern.toDense());
        Var gxd = Autodiff.gradGraph(xd.matmul(dense.transpose(0, 1)).tanh().sum(), xd)[0];
        Tensor mixedDense = Autodiff.grad(gxd.square().sum(), dense)[0];
        // the dense gradient at the stored entries (0, 0), (0, 2), (1, 1), in the values' order
        double[] expected = {mixedDense.get(0, 0), mixedDense.get(0, 2), mixedDense.get(1, 1)};
        assertThat(mixed.toDoubleArray()).containsExactly(expected, within(1e-14));
    }
}
