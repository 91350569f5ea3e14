package dev.ganglion.models.g2gnet;

import dev.ganglion.autodiff.optim.Optimizer;
import dev.ganglion.engine.Rng;
import dev.ganglion.models.StepHook;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Dynamic sparse training of a {@link G2GNet} (models.md §3): every {@code updateInterval} optimizer
 * steps, in each sparse layer, prune {@code n = ⌊ζ·nnz⌋} live connections and regrow n dead ones, so
 * nnz stays constant.
 * <ul>
 * <li>prune: {@code magnitude} (smallest |W|), {@code random}, or {@code hebbian} (lowest C);</li>
 * <li>regrow: {@code hebbian} (highest {@code C = rownorm(Post)·rownorm(Pre)ᵀ}) or {@code random}, Pre and
 * Post the layer's input and post-activation output over the last recorded batch.</li>
 * </ul>
 * Regrown weights start at 0 and their optimizer state is reset ({@link Optimizer#remapState}: kept
 * connections keep their state, new ones get zeros). Choices: regrowth draws from the connections
 * dead before this update (a just-pruned connection is not regrown at once), and n is capped by the
 * number of dead connections. Memory: the Hebbian score is the one dense {@code n_out×n_in} float
 * matrix per layer (made and dropped layer by layer); magnitudes and rewiring work on the live
 * values; the masks are {@code n_out·n_in} booleans. Hebbian scores need {@link G2GNet#recordActivations} (switched on here).
 */
public final class DynamicSparsity implements StepHook {
    /** How connections are pruned. */
    public enum Prune {
        /** The live connections of smallest |W|. */
        MAGNITUDE,
        /** Live connections drawn at random from the update's generator. */
        RANDOM,
        /** The live connections of lowest Hebbian score C. */
        HEBBIAN
    }

    /** How connections are regrown. */
    public enum Regrow {
        /** The dead connections of highest Hebbian score {@code C = rownorm(Post)·rownorm(Pre)ᵀ}. */
        HEBBIAN,
        /** Dead connections drawn at random from the update's generator. */
        RANDOM
    }

    /**
     * Settings (models.md defaults: interval 1000, ζ = 0.1, magnitude, hebbian).
     *
     * @param seed the generator of random pruning and regrowth
     */
    public record Settings(int updateInterval, double zeta, Prune prune, Regrow regrow, long seed) {
        /** Checks {@code updateInterval ≥ 1} and ζ in [0, 1] (ζ = 0 rewires nothing). */
        public Settings {
            if (updateInterval < 1) {
                throw new IllegalArgumentException("g2gnet config: 'update_interval' must be ≥ 1, got " + updateInterval);
            }
            if (!(zeta >= 0 && zeta <= 1)) {
                throw new IllegalArgumentException("g2gnet config: 'zeta' (the fraction of each layer's connections "
                        + "rewired per update) must lie in [0, 1], got " + zeta);
            }
        }

        /** The defaults. */
        public static Settings defaults() {
            return new Settings(1000, 0.1, Prune.MAGNITUDE, Regrow.HEBBIAN, 0);
        }
    }

    /** What one update did to layer {@code layer}. */
    public record LayerStats(int layer, int pruned, int regrown, int nnz, double sparsity) {
        /** The fields by name, for logs. */
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("layer", layer);
            m.put("pruned", pruned);
            m.put("regrown", regrown);
            m.put("nnz", nnz);
            m.put("sparsity", sparsity);
            return m;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "layer %d: pruned %d, regrown %d, nnz %d, sparsity %.4f", layer, pruned,
                    regrown, nnz, sparsity);
        }
    }

    private final G2GNet net;
    private final Optimizer optimizer;
    private final Settings settings;
    private long steps;

    /** Rewires {@code net}'s layers, whose weights {@code optimizer} updates. */
    public DynamicSparsity(G2GNet net, Optimizer optimizer, Settings settings) {
        this.net = net;
        this.optimizer = optimizer;
        this.settings = settings;
        if (needsScores()) {
            net.recordActivations(true);
        }
    }

    /** Call after every optimizer step: runs an update every {@code updateInterval} calls; its stats, else empty. */
    public List<LayerStats> afterStep() {
        return statsAfter(++steps);
    }

    /**
     * The {@link StepHook} form, with the run's step count: an update at every multiple of {@code
     * updateInterval}, drawing its random choices from a generator seeded by {@code (seed, step)}, so
     * a resumed run rewires exactly as an uninterrupted one.
     */
    @Override
    public List<Map<String, Object>> afterStep(long step) {
        steps = step;
        return statsAfter(step).stream().map(LayerStats::toMap).toList();
    }

    private List<LayerStats> statsAfter(long step) {
        return step % settings.updateInterval() == 0 ? update(generatorAt(step)) : List.of();
    }

    /** The random choices of the update at {@code step}: a function of (seed, step) only. */
    private Rng generatorAt(long step) {
        return Rng.forPurpose(settings.seed() * 0x9E3779B97F4A7C15L + step, "g2gnet.dst");
    }

    /** Rewires every layer now, with the generator of the current step. */
    public List<LayerStats> update() {
        return update(generatorAt(steps));
    }

    private List<LayerStats> update(Rng rng) {
        List<LayerStats> out = new ArrayList<>();
        for (int l = 0; l < net.numLayers(); l++) {
            out.add(update(l, rng));
        }
        return out;
    }

    private LayerStats update(int l, Rng rng) {
        G2GSparseLayer layer = net.layer(l);
        boolean[] mask = layer.maskArray();
        int nnz = layer.nnz();
        int n = Math.min((int) Math.floor(settings.zeta() * nnz), mask.length - nnz);
        float[] scores = needsScores() ? scores(l) : null; // the one dense n_out×n_in matrix
        int[] pruned = switch (settings.prune()) {
            case MAGNITUDE -> DstSelection.smallestMagnitudes(layer.weight().value().contiguous().toFloatArray(),
                    layer.liveEntries(), n);
            case RANDOM -> DstSelection.random(mask, true, n, rng);
            case HEBBIAN -> DstSelection.extremes(scores, mask, true, n, false);
        };
        int[] regrown = settings.regrow() == Regrow.HEBBIAN
                ? DstSelection.extremes(scores, mask, false, n, true) : DstSelection.random(mask, false, n, rng);
        boolean[] next = mask.clone();
        for (int e : pruned) {
            next[e] = false;
        }
        for (int e : regrown) {
            next[e] = true;
        }
        optimizer.remapState(layer.weight(), layer.rewire(next));
        return new LayerStats(l, pruned.length, regrown.length, layer.nnz(), 1 - (double) layer.nnz() / mask.length);
    }

    private boolean needsScores() {
        return settings.prune() == Prune.HEBBIAN || settings.regrow() == Regrow.HEBBIAN;
    }

    private float[] scores(int l) {
        if (net.lastInput(l) == null) {
            throw new IllegalStateException("DynamicSparsity: Hebbian scores need a recorded forward pass of layer " + l
                    + " (run a training step first)");
        }
        return DstSelection.hebbianScores(net.lastInput(l), net.lastOutput(l));
    }
}
