package dev.ganglion.models.g2gnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ganglion.autodiff.GraphProbe;
import dev.ganglion.autodiff.NoGrad;
import dev.ganglion.autodiff.Op;
import dev.ganglion.autodiff.Var;
import dev.ganglion.engine.Rng;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.io.SafetensorsWriter;
import dev.ganglion.models.ModelCheckpoint;
import dev.ganglion.models.ModelRegistry;
import dev.ganglion.models.NeuralModel;
import dev.ganglion.models.testing.RecordedBackwardCheck;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class G2GNetTest {
    static G2GNetConfig config(String grouping, int hidden) {
        return new G2GNetConfig(24, hidden, 3, 5, 8, 1.0, 0.15, grouping, "relu", 7);
    }

    /**
     * Regression: with the user's seed used for both the init and the config's {@code seed} (the
     * default), the first layer's mask and weights were drawn from the same uniforms, so the kept
     * off-diagonal weights (u &lt; p′) were all near the bottom of their range (mean −0.43 of the
     * bound) and every first-layer unit was dead at init. Now each layer's live weights average
     * ~0 and about half the first layer's units fire for a positive input.
     */
    @Test
    void initWeightsAreIndependentOfTheMaskWhenBothUseTheSameSeed() {
        G2GNetConfig cfg = G2GNetConfig.defaults(784, 10);
        G2GNet net = G2GNet.create(cfg, new Rng(cfg.seed()));
        for (int l = 0; l < cfg.numLayers(); l++) {
            float[] w = net.stateDict().get("layers." + l + ".weight").toFloatArray();
            double sum = 0;
            double max = 0;
            int live = 0;
            for (float v : w) {
                if (v != 0) {
                    sum += v;
                    max = Math.max(max, Math.abs(v));
                    live++;
                }
            }
            assertThat(sum / live / max).as("layer %d: mean of the live weights over their largest", l)
                    .isBetween(-0.01, 0.01);
        }
        Tensor x = new Rng(9).uniform(Shape.of(64, 784), 0, 1);
        float[] h = net.layer(0).forward(Var.constant(x)).value().toFloatArray();
        int positive = 0;
        for (float v : h) {
            positive += v > 0 ? 1 : 0;
        }
        assertThat((double) positive / h.length).as("first-layer pre-activations above 0").isBetween(0.3, 0.7);
    }

    /**
     * A gradient penalty through the whole network (double backpropagation), in float64 over x and
     * every parameter ({@code RecordedBackwardCheck.checkModel}): the gradients recorded
     * ({@code gradGraph}) through every sparse layer equal the fused ones, and the penalty's own
     * gradient passes GradCheck.
     */
    @Test
    void anInputGradientPenaltyDifferentiatesThroughTheNetwork() {
        for (String grouping : new String[] {"index", "mixer"}) {
            G2GNet net = G2GNet.create(new G2GNetConfig(24, 32, 3, 5, 8, 0.8, 0.15, grouping, "tanh", 7), new Rng(1));
            RecordedBackwardCheck.checkModel(grouping, net, new Rng(2).uniform(Shape.of(6, 24), -1, 1));
        }
    }

    @Test
    void freshLayersHaveTheSpecDensityAndInit() {
        G2GNet net = G2GNet.create(config("index", 256), new Rng(1));
        G2GSparseLayer hidden = net.layer(1);
        double sparsity = 1 - hidden.nnz() / (256.0 * 256);
        assertThat(sparsity).isCloseTo(1 - (1 / 8.0 + 7 / 8.0 * 0.15), org.assertj.core.data.Offset.offset(0.01));
        assertThat(hidden.hasHoles()).isFalse();
        assertThat(hidden.blockDiagonalNnz()).isEqualTo(8 * 32 * 32);
        // each row: |w| ≤ 1/√n_in · √(n_in / fan_in) = 1/√fan_in, zero off the mask
        float[] w = hidden.denseWeight().toFloatArray();
        boolean[] m = hidden.maskArray();
        for (int i = 0; i < 256; i++) {
            int fan = 0;
            for (int j = 0; j < 256; j++) {
                fan += m[i * 256 + j] ? 1 : 0;
            }
            for (int j = 0; j < 256; j++) {
                assertThat(Math.abs(w[i * 256 + j])).isLessThanOrEqualTo((float) (1 / Math.sqrt(fan)) + 1e-7f);
            }
        }
    }

    /**
     * Regression: a layer without connections (p_intra = p_inter = 0) drew its biases from
     * U(±1/√1e-12) = U(±10⁶), and training the function task reached losses of ~10¹⁰. The bias
     * bound 1/√mean_fan_in is now 0 for a mean fan-in of 0, as PyTorch's Linear init for fan_in 0.
     */
    @Test
    void aLayerTooWideForItsDenseFormIsNamedBeforeAnythingIsDrawn() {
        // 46,341² just passes 2^31: the mask's length had wrapped to a negative array size
        G2GNetConfig wide = new G2GNetConfig(8, 46_341, 2, 5, 8, 1.0, 0.15, "index", "relu", 7);
        assertThatThrownBy(() -> G2GNet.create(wide, new Rng(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("g2gnet layer 1 (46341 → 46341): its dense weight and mask")
                .hasMessageContaining("too large");
    }

    @Test
    void layersWithoutConnectionsStartWithZeroBiases() {
        G2GNet net = G2GNet.create(new G2GNetConfig(24, 64, 2, 5, 8, 0.0, 0.0, "index", "relu", 7), new Rng(1));
        for (int l = 0; l < 2; l++) {
            assertThat(net.layer(l).nnz()).isZero();
            assertThat(net.stateDict().get("layers." + l + ".bias").toFloatArray()).containsOnly(0f);
        }
        Tensor y = net.forward(Var.constant(new Rng(2).normal(Shape.of(3, 24), 0, 1))).value();
        Tensor head = net.stateDict().get("head.bias");
        for (int i = 0; i < 3; i++) {
            for (int c = 0; c < 5; c++) {
                assertThat(y.get(i, c)).isEqualTo(head.get(c)); // every hidden unit is relu(0) = 0
            }
        }
    }

    @Test
    void mixerAndRandomGroupingsBecomeDiagonalBlocksByPermutation() {
        G2GNet mixer = G2GNet.create(config("mixer", 64), new Rng(1));
        assertThat(Groupings.isIdentity(mixer.layer(0).outPerm())).isTrue();
        assertThat(Groupings.isIdentity(mixer.layer(1).outPerm())).isFalse(); // interleaved
        G2GNet random = G2GNet.create(config("random", 64), new Rng(1));
        for (G2GNet net : List.of(mixer, random)) {
            for (int l = 0; l < 3; l++) {
                G2GSparseLayer layer = net.layer(l);
                assertThat(layer.blockDiagonalNnz()).isEqualTo(layer.outFeatures() * layer.inFeatures() / 8);
            }
        }
    }

    @Test
    void forwardRunsOnSparseKernelsOnlyTheHeadIsDense() {
        G2GNet net = G2GNet.create(config("mixer", 64), new Rng(1));
        Var y = net.forward(Var.parameter(new Rng(2).uniform(Shape.of(4, 24), -1, 1)));
        List<GraphProbe.Recorded> ops = GraphProbe.ops(y);
        // each sparse layer is one fused op (G2GLayerFunction: block-diagonal + CSR kernels) over its [nnz] values
        assertThat(ops).filteredOn(r -> r.op() == Op.CUSTOM).extracting(r -> r.inputShapes().get(1))
                .containsExactlyInAnyOrder(Shape.of(net.layer(0).nnz()), Shape.of(net.layer(1).nnz()),
                        Shape.of(net.layer(2).nnz()));
        // the one dense product: the head, W_head·hᵀ on the feature-major activations
        assertThat(ops).extracting(GraphProbe.Recorded::op).doesNotContain(Op.LINEAR);
        assertThat(ops).filteredOn(r -> r.op() == Op.MATMUL).singleElement()
                .satisfies(r -> assertThat(r.inputShapes()).containsExactly(Shape.of(5, 64), Shape.of(64, 4)));
    }

    @Test
    void onlyForwardsThatBuildAGraphAreRecordedForHebbianRewiring() {
        G2GNet net = G2GNet.create(config("index", 64), new Rng(1));
        net.recordActivations(true);
        Var train = Var.constant(new Rng(2).uniform(Shape.of(4, 24), -1, 1));
        net.forward(train);
        Tensor input = net.lastInput(0);
        Tensor output = net.lastOutput(2);
        assertThat(input.shape()).isEqualTo(Shape.of(4, 24));
        // an evaluation, or a thread serving the model while it trains, leaves the training step's activations
        try (NoGrad off = NoGrad.enter()) {
            net.forward(Var.constant(new Rng(3).uniform(Shape.of(7, 24), -1, 1)));
        }
        assertThat(net.lastInput(0)).isSameAs(input);
        assertThat(net.lastOutput(2)).isSameAs(output);
    }

    @Test
    void anEmptyBatchAndAnOddOneRunThroughTheFeatureMajorStack() {
        for (String grouping : new String[] {"index", "random"}) {
            G2GNet net = G2GNet.create(config(grouping, 64), new Rng(1));
            assertThat(net.forward(Var.constant(Tensor.zeros(0, 24))).shape()).isEqualTo(Shape.of(0, 5));
            Var x = Var.parameter(new Rng(2).uniform(Shape.of(7, 24), -1, 1));
            Var y = net.forward(x);
            assertThat(y.shape()).isEqualTo(Shape.of(7, 5));
            y.sum().backward();
            assertThat(x.grad().shape()).isEqualTo(Shape.of(7, 24));
            assertThat(net.layer(0).weight().grad()).isNotNull();
        }
    }

    @Test
    void checkpointRoundTripIsExactForAnyMask(@TempDir Path dir) throws Exception {
        G2GNet net = G2GNet.create(config("random", 32), new Rng(3));
        // prune some block entries and add off-block ones: holes and a changed pattern
        boolean[] m = net.layer(1).maskArray();
        for (int e = 0; e < m.length; e += 7) {
            m[e] = !m[e];
        }
        G2GNet pruned = G2GNet.fromState(net.typedConfig(), withMask(net, 1, m));
        assertThat(pruned.layer(1).hasHoles()).isTrue();
        Path file = dir.resolve("g2g.safetensors");
        ModelCheckpoint.save(file, pruned);
        NeuralModel loaded = ModelCheckpoint.load(file);
        assertThat(loaded).isInstanceOf(G2GNet.class);
        assertThat(loaded.config()).isEqualTo(pruned.config());
        Map<String, Tensor> a = pruned.stateDict();
        Map<String, Tensor> b = loaded.module().stateDict();
        assertThat(b.keySet()).isEqualTo(a.keySet());
        a.forEach((k, t) -> assertThat(b.get(k).toFloatArray()).as(k).containsExactly(t.toFloatArray()));
        Tensor x = new Rng(5).uniform(Shape.of(3, 24), -1, 1);
        assertThat(loaded.forward(Var.constant(x)).value().toFloatArray())
                .containsExactly(pruned.forward(Var.constant(x)).value().toFloatArray());
    }

    static Map<String, Tensor> withMask(G2GNet net, int layer, boolean[] mask) {
        Map<String, Tensor> s = new java.util.LinkedHashMap<>();
        net.stateDict().forEach((k, t) -> s.put(k, t.copy()));
        G2GSparseLayer l = net.layer(layer);
        s.put("layers." + layer + ".mask", G2GSparseLayer.maskTensor(mask, l.outFeatures(), l.inFeatures()));
        s.put("layers." + layer + ".weight", new Rng(8).uniform(Shape.of(l.outFeatures(), l.inFeatures()), -1, 1));
        return s;
    }

    /** The checkpoint of {@code net} rewritten: its config JSON and state through {@code edit}. */
    private static Path tampered(Path dir, String name, G2GNet net, String configJson,
                                 java.util.function.Consumer<SafetensorsWriter> edit, java.util.Set<String> drop) throws Exception {
        SafetensorsWriter w = new SafetensorsWriter();
        Map<String, dev.ganglion.engine.io.IntType> ints = net.module().stateIntTypes();
        net.stateDict().forEach((k, t) -> {
            if (!drop.contains(k)) {
                if (ints.containsKey(k)) {
                    double[] d = t.toDoubleArray();
                    int[] v = new int[d.length];
                    for (int i = 0; i < d.length; i++) {
                        v[i] = (int) d[i];
                    }
                    w.putInts(k, v, t.shape(), ints.get(k));
                } else {
                    w.put(k, t);
                }
            }
        });
        edit.accept(w);
        w.metadata(ModelCheckpoint.MODEL_KEY, "g2gnet").metadata(ModelCheckpoint.CONFIG_KEY, configJson);
        Path file = dir.resolve(name);
        w.write(file);
        return file;
    }

    @Test
    void checkpointsWhoseTensorsAndConfigDisagreeAreRefused(@TempDir Path dir) throws Exception {
        G2GNet net = G2GNet.create(config("random", 32), new Rng(3));
        String json = net.config().toJson();
        // a mask value other than 0/1 (it had counted as 1: the outputs of the 0/1 mask, not of 2·W)
        int[] twos = new int[32 * 24];
        boolean[] m = net.layer(0).maskArray();
        for (int i = 0; i < m.length; i++) {
            twos[i] = m[i] ? 2 : 0;
        }
        Path two = tampered(dir, "two.safetensors", net, json,
                w -> w.putInts("layers.0.mask", twos, Shape.of(32, 24), dev.ganglion.engine.io.IntType.U8), java.util.Set.of("layers.0.mask"));
        assertThatThrownBy(() -> ModelCheckpoint.load(two)).hasMessageContaining("g2gnet 'layers.0': mask element")
                .hasMessageContaining("is 2.0; a mask holds 0 (no connection) or 1");
        // one layer fewer in the config than in the tensors (layer 2's entries had been dropped silently)
        String fewer = json.replace("\"num_layers\":3", "\"num_layers\":2");
        assertThat(fewer).isNotEqualTo(json);
        Path layers = tampered(dir, "layers.safetensors", net, fewer, w -> { }, java.util.Set.of());
        assertThatThrownBy(() -> ModelCheckpoint.load(layers)).hasMessageContaining("'layers.2.weight' is stored, but the g2gnet its config describes has no such entry");
        // a later layer's mask as float32 is named as such (it had been reported missing)
        Path f32 = tampered(dir, "f32.safetensors", net, json,
                w -> w.put("layers.1.mask", net.stateDict().get("layers.1.mask")), java.util.Set.of("layers.1.mask"));
        assertThatThrownBy(() -> ModelCheckpoint.load(f32)).hasMessageContaining("'layers.1.mask' is stored as F32; it is an integer buffer");
    }

    @Test
    void aConfigFarLargerThanTheTensorsIsRefusedBeforeItsMasksAreDrawn(@TempDir Path dir) throws Exception {
        // hidden_size 2^20 against [32, 24] tensors: the permutations of the config's groupings had been
        // drawn first, with masks of 2^20 × 2^20 entries (seconds, or no end, before the shape error)
        G2GNet net = G2GNet.create(config("random", 32), new Rng(3));
        String huge = net.config().toJson().replace("\"hidden_size\":32", "\"hidden_size\":1048576");
        for (boolean perms : new boolean[] {true, false}) {
            java.util.Set<String> drop = new java.util.HashSet<>();
            if (!perms) {
                net.stateDict().keySet().stream().filter(k -> k.endsWith("_perm")).forEach(drop::add);
            }
            Path file = tampered(dir, "huge.safetensors", net, huge, w -> { }, drop);
            assertThatThrownBy(() -> ModelCheckpoint.load(file))
                    .hasMessage(file + ": checkpoint state: 'layers.0.weight' has shape [32, 24], expected [1048576, 24]");
        }
    }

    @Test
    void aCheckpointOfFloat64ValuesLoadsAsFloat32LikeEveryModel(@TempDir Path dir) throws Exception {
        // the sparse layers came out float32 and the head float64, and the first forward failed in its matmul
        G2GNet net = G2GNet.create(config("random", 32), new Rng(3));
        java.util.Set<String> floats = new java.util.HashSet<>(net.stateDict().keySet());
        floats.removeAll(net.stateIntTypes().keySet());
        Path file = tampered(dir, "f64.safetensors", net, net.config().toJson(),
                w -> floats.forEach(k -> w.put(k, net.stateDict().get(k).to(dev.ganglion.engine.DType.F64))), floats);
        NeuralModel back = ModelCheckpoint.load(file);
        assertThat(back.module().parameters()).allSatisfy(p -> assertThat(p.dtype()).isEqualTo(dev.ganglion.engine.DType.F32));
        Tensor x = new Rng(5).uniform(Shape.of(3, 24), -1, 1);
        assertThat(back.forward(Var.constant(x)).value().toFloatArray())
                .containsExactly(net.forward(Var.constant(x)).value().toFloatArray());
    }

    @Test
    void aCheckpointWithoutPermutationsTakesThemFromTheConfig(@TempDir Path dir) throws Exception {
        G2GNet net = G2GNet.create(config("random", 32), new Rng(3));
        java.util.Set<String> perms = new java.util.HashSet<>();
        net.stateDict().keySet().stream().filter(k -> k.endsWith("_perm")).forEach(perms::add);
        assertThat(perms).hasSize(6);
        Path file = tampered(dir, "noperm.safetensors", net, net.config().toJson(), w -> { }, perms);
        Tensor x = new Rng(5).uniform(Shape.of(3, 24), -1, 1);
        assertThat(ModelCheckpoint.load(file).forward(Var.constant(x)).value().toFloatArray())
                .containsExactly(net.forward(Var.constant(x)).value().toFloatArray());
    }

    @Test
    void permutationsComeFromTheConfigWhenNotStored() {
        G2GNet net = G2GNet.create(config("random", 32), new Rng(3));
        Map<String, Tensor> s = new java.util.LinkedHashMap<>(net.stateDict());
        s.keySet().removeIf(k -> k.endsWith("_perm"));
        G2GNet loaded = G2GNet.fromState(net.typedConfig(), s);
        for (int l = 0; l < 3; l++) {
            assertThat(loaded.layer(l).inPerm()).containsExactly(net.layer(l).inPerm());
            assertThat(loaded.layer(l).outPerm()).containsExactly(net.layer(l).outPerm());
        }
    }

    @Test
    void registryBuildsBothModelsAndMlpRoundTrips(@TempDir Path dir) throws Exception {
        ModelRegistry r = ModelRegistry.standard();
        assertThat(r.names()).contains("g2gnet", "mlp", "circuitnet");
        NeuralModel g = r.create(r.config("g2gnet", Map.of("input_size", 6, "output_size", 2, "hidden_size", 16)), 1);
        assertThat(g.config().toJson()).isEqualTo("{\"input_size\":6,\"hidden_size\":16,\"num_layers\":3,\"output_size\":2,"
                + "\"groups\":8,\"p_intra\":1.0,\"p_inter\":0.15,\"grouping\":\"index\",\"activation\":\"relu\",\"seed\":0,"
                + "\"dst\":false,\"update_interval\":1000,\"zeta\":0.1,\"prune\":\"magnitude\",\"regrow\":\"hebbian\"}");
        NeuralModel mlp = r.create(r.config("mlp", Map.of("input_size", 6, "output_size", 2, "hidden_size", 16)), 1);
        assertThat(mlp.module().stateDict().keySet()).containsExactly("layers.0.weight", "layers.0.bias",
                "layers.1.weight", "layers.1.bias", "layers.2.weight", "layers.2.bias", "head.weight", "head.bias");
        Path file = dir.resolve("mlp.safetensors");
        ModelCheckpoint.save(file, mlp);
        Tensor x = new Rng(5).uniform(Shape.of(3, 6), -1, 1);
        assertThat(ModelCheckpoint.load(file).forward(Var.constant(x)).value().toFloatArray())
                .containsExactly(mlp.forward(Var.constant(x)).value().toFloatArray());
    }

    @Test
    void configAndInputErrors() {
        assertThatThrownBy(() -> new G2GNetConfig(4, 8, 2, 2, 0, 1, 0.1, "index", "relu", 0))
                .hasMessageContaining("'groups' must be ≥ 1");
        assertThatThrownBy(() -> new G2GNetConfig(4, 8, 2, 2, 2, 1, 1.5, "index", "relu", 0))
                .hasMessageContaining("must lie in [0, 1]");
        assertThatThrownBy(() -> new G2GNetConfig(4, 8, 2, 2, 2, 1, 0.1, "spiral", "relu", 0))
                .hasMessageContaining("'grouping' must be one of");
        assertThatThrownBy(() -> new MlpConfig(4, 8, 2, 2, "clipsin")).hasMessageContaining("'activation' must be");
        G2GNet net = G2GNet.create(config("index", 16), new Rng(1));
        assertThatThrownBy(() -> net.forward(Var.constant(Tensor.zeros(3, 5)))).hasMessageContaining("expected x [B, 24]");
        assertThatThrownBy(() -> net.forward(Var.constant(Tensor.zeros(Shape.of(3, 24), dev.ganglion.engine.DType.F64))))
                .hasMessage("g2gnet: x is F64 but the model's parameters are F32; convert x (Var.to, which differentiates) or the model");
        assertThatThrownBy(() -> G2GNet.fromState(net.typedConfig(), Map.of())).hasMessageContaining("missing 'layers.0.weight'");
    }
}
