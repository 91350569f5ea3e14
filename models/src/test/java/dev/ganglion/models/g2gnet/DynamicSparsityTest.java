package dev.ganglion.models.g2gnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ganglion.autodiff.Var;
import dev.ganglion.autodiff.nn.Losses;
import dev.ganglion.autodiff.optim.Adam;
import dev.ganglion.autodiff.optim.Optimizer;
import dev.ganglion.engine.Rng;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.models.ModelRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DynamicSparsityTest {
    static G2GNet net() {
        return G2GNet.create(new G2GNetConfig(12, 32, 2, 3, 4, 1.0, 0.2, "mixer", "relu", 3), new Rng(4));
    }

    static void trainStep(G2GNet net, Optimizer opt, Rng rng) {
        trainStep(net, opt, 16, rng);
    }

    /** One optimizer step on a random batch of {@code batch} inputs and class targets. */
    static void trainStep(G2GNet net, Optimizer opt, int batch, Rng rng) {
        G2GNetConfig cfg = net.typedConfig();
        Var x = Var.constant(rng.uniform(Shape.of(batch, cfg.inputSize()), -1, 1));
        int[] t = new int[batch];
        for (int i = 0; i < t.length; i++) {
            t[i] = rng.nextInt(cfg.outputSize());
        }
        opt.zeroGrad();
        Losses.crossEntropyWithLogits(net.forward(x), t).backward();
        opt.step();
    }

    @Test
    void magnitudeHebbianUpdateKeepsNnzPrunesSmallestAndResetsRegrownState() {
        G2GNet net = net();
        Optimizer opt = new Adam(net.parameters(), 1e-2);
        DynamicSparsity dst = new DynamicSparsity(net, opt, new DynamicSparsity.Settings(3, 0.1,
                DynamicSparsity.Prune.MAGNITUDE, DynamicSparsity.Regrow.HEBBIAN, 0));
        Rng rng = new Rng(1);
        for (int step = 0; step < 2; step++) {
            trainStep(net, opt, rng);
            assertThat(dst.afterStep()).isEmpty();
        }
        trainStep(net, opt, rng);
        G2GSparseLayer layer = net.layer(1);
        boolean[] before = layer.maskArray();
        float[] w = layer.denseWeight().toFloatArray();
        int nnz = layer.nnz();
        List<DynamicSparsity.LayerStats> stats = dst.afterStep();
        assertThat(stats).hasSize(2);
        DynamicSparsity.LayerStats s = stats.get(1);
        assertThat(s.pruned()).isEqualTo(nnz / 10).isEqualTo(s.regrown());
        assertThat(s.nnz()).isEqualTo(nnz).isEqualTo(layer.nnz());
        assertThat(s.sparsity()).isEqualTo(1 - nnz / (32.0 * 32));
        boolean[] after = layer.maskArray();
        float[] w2 = layer.denseWeight().toFloatArray();
        float maxPruned = 0;
        float minKept = Float.MAX_VALUE;
        List<Integer> regrown = new ArrayList<>();
        for (int e = 0; e < after.length; e++) {
            if (before[e] && !after[e]) {
                maxPruned = Math.max(maxPruned, Math.abs(w[e]));
            } else if (before[e]) {
                minKept = Math.min(minKept, Math.abs(w[e]));
                assertThat(w2[e]).isEqualTo(w[e]);
            } else if (after[e]) {
                regrown.add(e);
                assertThat(w2[e]).isZero();
            }
        }
        assertThat(maxPruned).isLessThanOrEqualTo(minKept);
        assertThat(regrown).hasSize(s.regrown());
        Map<String, Tensor> state = opt.stateDict().buffers().get(net.parameters().indexOf(layer.weight()));
        int[] at = layer.positions();
        for (Tensor buffer : state.values()) {
            float[] b = buffer.toFloatArray();
            for (int e : regrown) {
                assertThat(b[at[e]]).isZero();
            }
        }
        trainStep(net, opt, rng); // trains on after a rewiring
    }

    @Test
    void randomAndHebbianPruningKeepNnzConstant() {
        for (DynamicSparsity.Prune p : DynamicSparsity.Prune.values()) {
            G2GNet net = net();
            Optimizer opt = new Adam(net.parameters(), 1e-2);
            DynamicSparsity dst = new DynamicSparsity(net, opt, new DynamicSparsity.Settings(1, 0.3, p,
                    DynamicSparsity.Regrow.RANDOM, 5));
            int nnz = net.layer(0).nnz();
            Rng rng = new Rng(2);
            for (int step = 0; step < 3; step++) {
                trainStep(net, opt, rng);
                assertThat(dst.afterStep().get(0).nnz()).isEqualTo(nnz);
            }
        }
    }

    @Test
    void hebbianScoresAreCosinesAndRegrowthPicksTheHighestInactive() {
        // pre: 3 input neurons over 4 samples; post: 2 output neurons
        Tensor pre = Tensor.wrap(new float[] {1, 0, 1, 1, 0, 0, 0, 1, -1, 0, 1, 0}, Shape.of(4, 3));
        Tensor post = Tensor.wrap(new float[] {1, 0, 1, 0, 0, 1, 0, 0}, Shape.of(4, 2));
        float[] c = DstSelection.hebbianScores(pre, post);
        // input columns: j0 = (1,1,0,0), j1 = (0,0,1,1), j2 = (1,0,-1,0); output: i0 = (1,1,0,0), i1 = (0,0,1,0)
        float r = (float) (1 / Math.sqrt(2));
        float[] expected = {1, 0, 0.5f, 0, r, -r};
        for (int e = 0; e < 6; e++) {
            assertThat(c[e]).isCloseTo(expected[e], org.assertj.core.data.Offset.offset(1e-6f));
        }
        boolean[] mask = {true, false, false, false, false, true};
        // inactive entries: 1 (0), 2 (0.5), 3 (0), 4 (0.707): the two highest are 4 and 2
        assertThat(DstSelection.extremes(c, mask, false, 2, true)).containsExactly(2, 4);
        // active entries: 0 (1), 5 (−0.707): the lowest is 5
        assertThat(DstSelection.extremes(c, mask, true, 1, false)).containsExactly(5);
        assertThatThrownBy(() -> DstSelection.extremes(c, mask, true, 3, false)).hasMessageContaining("3 entries asked among 2");
    }

    @Test
    void selectionPicksTheSameEntriesAsAFullSort() {
        Rng rng = new Rng(17);
        for (int length : new int[] {1, 2, 3, 7, 100, 4097}) {
            for (String order : new String[] {"random", "ascending", "descending", "few scores"}) {
                long[] keys = new long[length];
                for (int e = 0; e < length; e++) {
                    long score = switch (order) {
                        case "ascending" -> e;
                        case "descending" -> length - e;
                        case "few scores" -> rng.nextInt(3); // ties broken by the entry, as in the choosers
                        default -> rng.nextInt(1 << 20);
                    };
                    keys[e] = score << 32 | e;
                }
                long[] sorted = keys.clone();
                java.util.Arrays.sort(sorted);
                for (int n : new int[] {0, 1, length / 2, length - 1, length}) {
                    long[] k = keys.clone();
                    DstSelection.selectSmallest(k, n);
                    long[] chosen = java.util.Arrays.copyOf(k, n);
                    java.util.Arrays.sort(chosen);
                    assertThat(chosen).as(order + ", " + n + " of " + length).containsExactly(java.util.Arrays.copyOf(sorted, n));
                }
            }
        }
    }

    @Test
    void hebbianNeedsARecordedForward() {
        G2GNet net = net();
        DynamicSparsity dst = new DynamicSparsity(net, new Adam(net.parameters(), 1e-2), DynamicSparsity.Settings.defaults());
        assertThatThrownBy(dst::update).isInstanceOf(IllegalStateException.class).hasMessageContaining("recorded forward");
        assertThatThrownBy(() -> new DynamicSparsity.Settings(0, 0.1, DynamicSparsity.Prune.RANDOM,
                DynamicSparsity.Regrow.RANDOM, 0)).hasMessage("g2gnet config: 'update_interval' must be ≥ 1, got 0");
        assertThatThrownBy(() -> new DynamicSparsity.Settings(10, 1.5, DynamicSparsity.Prune.RANDOM,
                DynamicSparsity.Regrow.RANDOM, 0)).hasMessageContaining("'zeta' (the fraction of each layer's connections");
        // checked with dst off too (a bad value had been accepted, then replaced by the default)
        ModelRegistry r = ModelRegistry.standard();
        assertThatThrownBy(() -> r.create(r.config("g2gnet", Map.of("input_size", 6, "output_size", 2,
                "hidden_size", 16, "zeta", 5.0)), 1)).hasMessageContaining("'zeta'").hasMessageContaining("got 5.0");
        // and recorded as given (they had been replaced by the defaults in config() and the checkpoint)
        var off = r.create(r.config("g2gnet", Map.of("input_size", 6, "output_size", 2, "hidden_size", 16, "zeta", 0.3,
                "update_interval", 7)), 1).config();
        assertThat(off.getBoolean("dst")).isFalse();
        assertThat(off.getDouble("zeta")).isEqualTo(0.3);
        assertThat(off.getInt("update_interval")).isEqualTo(7);
    }
}
