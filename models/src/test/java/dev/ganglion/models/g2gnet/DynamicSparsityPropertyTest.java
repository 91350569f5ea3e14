package dev.ganglion.models.g2gnet;

import static dev.ganglion.models.g2gnet.G2GNetPropertyTest.probability;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ganglion.autodiff.Var;
import dev.ganglion.autodiff.optim.Adam;
import dev.ganglion.autodiff.optim.Optimizer;
import dev.ganglion.engine.Rng;
import dev.ganglion.engine.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Dynamic sparse training on random G2GNets (widths 1–40, group counts that do not divide them,
 * every grouping, p_intra/p_inter from 0 to 1, ζ from 0 to 1, every prune and regrow rule, batches
 * of 1–9), through several rewirings, each checked against the state just before it, per layer:
 * <ul>
 *   <li>the live count stays the same, and {@code pruned = regrown = ⌊ζ·nnz⌋} unless fewer
 *       connections were dead (then as many as there were);</li>
 *   <li>a connection kept keeps its weight and, at its new parameter position, every optimizer
 *       buffer of its old one (Adam's m and v);</li>
 *   <li>a regrown connection starts at weight 0 with zeroed optimizer buffers;</li>
 *   <li>with magnitude pruning no pruned |W| exceeds a kept one.</li>
 * </ul>
 */
class DynamicSparsityPropertyTest {
    @Test
    void rewiringKeepsCountsWeightsAndOptimizerStateOnRandomNets() {
        Random r = new Random(20261124);
        for (int c = 0; c < 40; c++) {
            int in = 1 + r.nextInt(40);
            int hidden = 1 + r.nextInt(40);
            G2GNetConfig cfg = new G2GNetConfig(in, hidden, 1 + r.nextInt(3), 1 + r.nextInt(4), 1 + r.nextInt(9),
                    probability(r), probability(r), List.of("index", "random", "mixer").get(r.nextInt(3)),
                    r.nextBoolean() ? "relu" : "tanh", r.nextInt(1000));
            DynamicSparsity.Settings settings = new DynamicSparsity.Settings(1 + r.nextInt(2), probability(r),
                    DynamicSparsity.Prune.values()[r.nextInt(DynamicSparsity.Prune.values().length)],
                    DynamicSparsity.Regrow.values()[r.nextInt(DynamicSparsity.Regrow.values().length)], r.nextLong());
            check("case " + c + " " + cfg + " " + settings, cfg, settings, 1 + r.nextInt(9), r);
        }
    }

    private static void check(String what, G2GNetConfig cfg, DynamicSparsity.Settings settings, int batch, Random r) {
        G2GNet net = G2GNet.create(cfg, new Rng(r.nextLong()));
        Optimizer opt = new Adam(net.parameters(), 1e-2);
        DynamicSparsity dst = new DynamicSparsity(net, opt, settings);
        Rng data = new Rng(r.nextLong());
        int rewirings = 0;
        for (int step = 0; step < 7; step++) {
            DynamicSparsityTest.trainStep(net, opt, batch, data);
            List<Snapshot> before = Snapshot.all(net, opt); // what the rewiring sees: the step's update done
            List<DynamicSparsity.LayerStats> stats = dst.afterStep();
            if (stats.isEmpty()) {
                continue;
            }
            rewirings++;
            List<Snapshot> after = Snapshot.all(net, opt);
            for (int l = 0; l < cfg.numLayers(); l++) {
                check(what + " step " + step + " layer " + l, stats.get(l), settings, before.get(l), after.get(l));
            }
        }
        assertThat(rewirings).as(what + ": rewirings").isPositive();
    }

    private static void check(String what, DynamicSparsity.LayerStats s,
                              DynamicSparsity.Settings settings, Snapshot old, Snapshot now) {
        int nnz = old.weights.length;
        int dead = old.mask.length - nnz;
        int expected = Math.min((int) Math.floor(settings.zeta() * nnz), dead);
        assertThat(now.weights.length).as(what + ": nnz").isEqualTo(nnz);
        assertThat(s.nnz()).as(what + ": logged nnz").isEqualTo(nnz);
        assertThat(s.pruned()).as(what + ": pruned").isEqualTo(s.regrown()).isEqualTo(expected);
        assertThat(old.state.keySet()).as(what + ": Adam's buffers of the weight").contains("exp_avg", "exp_avg_sq");
        int pruned = 0;
        int regrown = 0;
        float maxPruned = 0;
        float minKept = Float.POSITIVE_INFINITY;
        for (int e = 0; e < old.mask.length; e++) {
            int p = old.positions[e];
            int q = now.positions[e];
            if (p >= 0 && q < 0) {
                pruned++;
                maxPruned = Math.max(maxPruned, Math.abs(old.weights[p]));
            } else if (p >= 0) {
                minKept = Math.min(minKept, Math.abs(old.weights[p]));
                assertThat(now.weights[q]).as(what + ": kept weight of entry " + e).isEqualTo(old.weights[p]);
                for (String b : old.state.keySet()) {
                    assertThat(now.state.get(b)[q]).as(what + ": kept " + b + " of entry " + e)
                            .isEqualTo(old.state.get(b)[p]);
                }
            } else if (q >= 0) {
                regrown++;
                assertThat(now.weights[q]).as(what + ": regrown weight of entry " + e).isZero();
                for (String b : now.state.keySet()) {
                    assertThat(now.state.get(b)[q]).as(what + ": regrown " + b + " of entry " + e).isZero();
                }
            }
        }
        assertThat(pruned).as(what + ": pruned entries").isEqualTo(s.pruned());
        assertThat(regrown).as(what + ": regrown entries").isEqualTo(s.regrown());
        if (settings.prune() == DynamicSparsity.Prune.MAGNITUDE && pruned > 0 && minKept < Float.POSITIVE_INFINITY) {
            assertThat(maxPruned).as(what + ": pruned |W| against kept").isLessThanOrEqualTo(minKept);
        }
    }

    /** One layer's mask, parameter positions, live weights and optimizer buffers over the weight. */
    private record Snapshot(boolean[] mask, int[] positions, float[] weights, Map<String, float[]> state) {
        /** Every sparse layer's, from one copy of the optimizer's state. */
        static List<Snapshot> all(G2GNet net, Optimizer opt) {
            List<Var> params = net.parameters();
            List<Map<String, Tensor>> buffers = opt.stateDict().buffers();
            List<Snapshot> out = new ArrayList<>();
            for (int l = 0; l < net.typedConfig().numLayers(); l++) {
                G2GSparseLayer layer = net.layer(l);
                Map<String, float[]> state = new TreeMap<>();
                buffers.get(params.indexOf(layer.weight())).forEach((name, t) -> state.put(name, t.toFloatArray()));
                out.add(new Snapshot(layer.maskArray(), layer.positions(), layer.weight().value().toFloatArray(),
                        state));
            }
            return out;
        }
    }
}
