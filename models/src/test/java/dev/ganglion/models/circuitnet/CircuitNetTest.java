package dev.ganglion.models.circuitnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ganglion.autodiff.GradCheck;
import dev.ganglion.autodiff.GraphProbe;
import dev.ganglion.autodiff.Op;
import dev.ganglion.autodiff.Var;
import dev.ganglion.autodiff.nn.StateBudget;
import dev.ganglion.engine.DType;
import dev.ganglion.engine.Rng;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.io.SafetensorsWriter;
import dev.ganglion.models.ModelCheckpoint;
import dev.ganglion.models.ModelRegistry;
import dev.ganglion.models.NeuralModel;
import dev.ganglion.models.testing.ModelAsFunction;
import dev.ganglion.models.testing.RecordedBackwardCheck;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CircuitNetTest {
    static CircuitNetConfig config(String act, int k, boolean product, boolean attention) {
        return new CircuitNetConfig(3, 2, 4, 5, 2, k, 2, act, 1, true, product, attention, true);
    }

    /** A net whose CMU biases are random (b_c = 0 at init would hide Inter at K = 3). */
    static CircuitNet net(CircuitNetConfig cfg) {
        CircuitNet net = CircuitNet.create(cfg, new Rng(6));
        net.namedParameters().get("cmu.bias").value().copyFrom(new Rng(7).uniform(Shape.of(4, 5), -0.5, 0.5));
        return net;
    }

    @Test
    void gradCheckInFloat64() {
        for (CircuitNetConfig cfg : List.of(config("clipsin", 3, true, true), config("tanh", 3, false, true),
                config("tanh", 2, true, false))) {
            CircuitNet net = net(cfg);
            ModelAsFunction f = ModelAsFunction.of(net, new Rng(8).uniform(Shape.of(2, 3), -1, 1));
            GradCheck.check(f.function(), f.inputs()).assertPassed();
        }
    }

    @Test
    void attentionRecordsItsBackward() {
        Rng r = new Rng(12);
        Shape shape = Shape.of(2, 3, 5);
        Tensor weights = r.uniform(shape, -1, 1, DType.F64);
        RecordedBackwardCheck.check("attention",
                v -> CircuitAttention.apply(v[0], v[1], v[2]).tanh().mul(Var.constant(weights)).sum(),
                r.uniform(shape, -2, 2, DType.F64), r.uniform(shape, -2, 2, DType.F64),
                r.uniform(shape, -1, 1, DType.F64));
    }

    @Test
    void anInputGradientPenaltyDifferentiatesThroughTheNetwork() {
        for (CircuitNetConfig cfg : List.of(config("clipsin", 3, true, true), config("tanh", 2, true, true))) {
            CircuitNet net = net(cfg);
            RecordedBackwardCheck.checkModel(cfg.toString(), net, new Rng(9).uniform(Shape.of(2, 3), -1, 1));
        }
    }

    @Test
    void runsCmusOnTheBlockDiagonalKernelAndLinksOnBsr() {
        CircuitNet net = net(config("clipsin", 3, true, true));
        List<GraphProbe.Recorded> ops = GraphProbe.ops(net.forward(Var.parameter(new Rng(1).uniform(Shape.of(2, 3), -1, 1))));
        // iterations 2 and 3 (the first reads X⁰ = 0): Lin and Prod on block-diagonal, Inter on BSR
        assertThat(ops).filteredOn(r -> r.op() == Op.BLOCK_DIAGONAL).hasSize(4);
        assertThat(ops).filteredOn(r -> r.op() == Op.BSR).hasSize(2);
        // dense products: encoder and head only; attention is the fused op, once per iteration that reads X
        assertThat(ops).filteredOn(r -> r.op() == Op.LINEAR).hasSize(2);
        assertThat(ops).filteredOn(r -> r.op() == Op.CUSTOM).hasSize(2);
        assertThat(ops).extracting(GraphProbe.Recorded::op).doesNotContain(Op.MATMUL, Op.SOFTMAX);
    }

    @Test
    void portLinksReachTheOutputOnlyFromThreeIterations() {
        for (int k : new int[] {2, 3}) {
            CircuitNet net = net(config("tanh", k, true, true));
            net.forward(Var.constant(new Rng(1).uniform(Shape.of(2, 3), -1, 1))).sum().backward();
            float[] g = net.namedParameters().get("ports.weight").grad().toFloatArray();
            double norm = 0;
            for (float v : g) {
                norm += Math.abs(v);
            }
            assertThat(norm > 0).as("K = " + k).isEqualTo(k == 3);
        }
    }

    @Test
    void aStateBudgetStopsTheBuildBeforeItsUnitTensorsAreMade() {
        // 4 units of 8,000 neurons: cmu.linear and cmu.product would be 256M floats (1 GiB) each; the
        // budget names them before either is allocated (it used to fire only at their registration)
        CircuitNetConfig huge = new CircuitNetConfig(3, 2, 4, 8000, 2, 1, 0, "tanh", 1, true, true, false, false);
        assertThatThrownBy(() -> StateBudget.within(1000, "the test's cap", () -> CircuitNet.create(huge, new Rng(1))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs more than 1000 elements of state (the test's cap)")
                .hasMessageContaining("CircuitNet's cmu.linear and cmu.product [4, 8000, 8000] (512000000 elements)");
        // within the cap, the same check lets a small network through
        CircuitNetConfig small = config("tanh", 1, true, false);
        assertThat(StateBudget.within(100_000, "a cap", () -> CircuitNet.create(small, new Rng(1)))).isNotNull();
    }

    @Test
    void edgesHaveTheInDegreeNoSelfLinksAndTargetOrder() {
        CircuitNetConfig cfg = new CircuitNetConfig(3, 2, 16, 8, 2, 2, 3, "clipsin", 4, true, true, true, true);
        int[][] edges = CircuitNet.create(cfg, new Rng(1)).edges();
        assertThat(edges).hasNumberOfRows(48);
        Set<String> seen = new HashSet<>();
        for (int e = 0; e < edges.length; e++) {
            assertThat(edges[e][1]).isEqualTo(e / 3);
            assertThat(edges[e][0]).isNotEqualTo(edges[e][1]);
            assertThat(seen.add(Arrays.toString(edges[e]))).isTrue();
            if (e % 3 > 0) {
                assertThat(edges[e][0]).isGreaterThan(edges[e - 1][0]);
            }
        }
    }

    @Test
    void checkpointRoundTripAndAblatedNames(@TempDir Path dir) throws Exception {
        CircuitNet net = net(config("clipsin", 3, true, true));
        Path file = dir.resolve("c.safetensors");
        ModelCheckpoint.save(file, net);
        NeuralModel loaded = ModelCheckpoint.load(file);
        Map<String, Tensor> a = net.stateDict();
        Map<String, Tensor> b = loaded.module().stateDict();
        assertThat(b.keySet()).containsExactlyElementsOf(a.keySet());
        a.forEach((k, t) -> assertThat(b.get(k).toFloatArray()).as(k).containsExactly(t.toFloatArray()));
        Tensor x = new Rng(2).uniform(Shape.of(2, 3), -1, 1);
        assertThat(loaded.forward(Var.constant(x)).value().toFloatArray())
                .containsExactly(net.forward(Var.constant(x)).value().toFloatArray());
        CircuitNet ablated = CircuitNet.create(new CircuitNetConfig(3, 2, 4, 5, 2, 2, 2, "tanh", 0, true, false, false,
                false), new Rng(1));
        assertThat(ablated.stateDict().keySet()).containsExactly("encoder.weight", "encoder.bias", "cmu.linear", "cmu.bias",
                "head.weight", "head.bias");
    }

    @Test
    void edgesStoredAsFloatsOrNotWholeAreRefusedNamingTheEntry(@TempDir Path dir) throws Exception {
        CircuitNet net = net(config("tanh", 3, true, true));
        Path file = dir.resolve("float-edges.safetensors");
        SafetensorsWriter w = new SafetensorsWriter();
        net.stateDict().forEach(w::put);   // ports.edges as float32, not an integer type
        w.metadata(ModelCheckpoint.MODEL_KEY, "circuitnet").metadata(ModelCheckpoint.CONFIG_KEY, net.config().toJson());
        w.write(file);
        assertThatThrownBy(() -> ModelCheckpoint.load(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("'ports.edges' is stored as F32; it is an integer buffer (I32 when saved)");
        Map<String, Tensor> s = new java.util.LinkedHashMap<>(net.stateDict());
        float[] edges = s.get("ports.edges").toFloatArray();
        edges[3] += 0.5f;
        s.put("ports.edges", Tensor.of(edges, edges.length / 2, 2));
        assertThatThrownBy(() -> net.loadStateDict(s, true)).hasMessageContaining("ports.edges row 1 = ")
                .hasMessageContaining("is not a whole CMU index");
        // models.md's graph: no self-links, in_degree links into every CMU (both had been accepted)
        float[] self = net.stateDict().get("ports.edges").toFloatArray();
        self[0] = self[1];
        s.put("ports.edges", Tensor.of(self, self.length / 2, 2));
        assertThatThrownBy(() -> net.loadStateDict(s, true)).hasMessageContaining("links a CMU to itself");
        float[] skewed = net.stateDict().get("ports.edges").toFloatArray();
        int target = (int) skewed[1];
        int other = -1;
        for (int e = 0; e < skewed.length / 2 && other < 0; e++) {
            if ((int) skewed[2 * e + 1] != target && (int) skewed[2 * e] != target) {
                other = e;
            }
        }
        skewed[2 * other + 1] = target;   // one more link into target, one fewer into the other's
        s.put("ports.edges", Tensor.of(skewed, skewed.length / 2, 2));
        assertThatThrownBy(() -> net.loadStateDict(s, true)).hasMessageContaining("incoming links")
                .hasMessageContaining("each CMU receives in_degree links");
    }

    @Test
    void sizeProductsPastTheTensorLimitAreNamedNotWrapped() {
        // these wrapped round to a negative array size or a wrong shape deep inside
        assertThatThrownBy(() -> new CircuitNetConfig(3, 2, 70000, 70000, 8, 2, 2, "tanh", 0, true, true, true, true))
                .hasMessage("circuitnet config: units·neurons = 70000·70000 exceeds the 2^31 − 9 elements a tensor holds");
        assertThatThrownBy(() -> new CircuitNetConfig(3, 2, 50000, 1, 1, 2, 49999, "tanh", 0, true, true, true, true))
                .hasMessageContaining("circuitnet config: units·in_degree·ports·ports = 2499950000·1 exceeds");
        ModelRegistry r = ModelRegistry.standard();
        assertThatThrownBy(() -> r.create(r.config("lstm", Map.of("input_size", 2, "output_size", 2,
                "hidden_size", 600_000_000)), 1)).hasMessageContaining("lstm config: 4·hidden_size·max(hidden_size, input_size)");
        assertThatThrownBy(() -> r.create(r.config("elm", Map.of("input_size", 2, "output_size", 2, "num_branches", 3,
                "synapses_per_branch", 1_431_655_766)), 1)).hasMessageContaining("elm config: num_branches·synapses_per_branch");
        assertThatThrownBy(() -> r.create(r.config("elm", Map.of("input_size", 2, "output_size", 2,
                "synapses_per_branch", 0)), 1)).hasMessage("elm config: 'synapses_per_branch' must be ≥ 1, got 0");
    }

    @Test
    void unsortedEdgesRunSortedAndAreShownInTheirOwnOrder() {
        CircuitNet net = net(config("tanh", 3, true, true));
        Map<String, Tensor> s = new java.util.LinkedHashMap<>(net.stateDict());
        int[][] edges = net.edges();
        int e = edges.length;
        float[] w = s.get("ports.weight").toFloatArray();
        float[] edgesRev = new float[2 * e];
        float[] wRev = new float[w.length];
        for (int i = 0; i < e; i++) {
            edgesRev[2 * i] = edges[e - 1 - i][0];
            edgesRev[2 * i + 1] = edges[e - 1 - i][1];
            System.arraycopy(w, (e - 1 - i) * 4, wRev, i * 4, 4);
        }
        s.put("ports.edges", Tensor.wrap(edgesRev, Shape.of(e, 2)));
        s.put("ports.weight", Tensor.wrap(wRev, Shape.of(e, 2, 2)));
        CircuitNet loaded = CircuitNet.fromState(net.typedConfig(), s);
        Tensor x = new Rng(2).uniform(Shape.of(2, 3), -1, 1);
        Var yLoaded = loaded.forward(Var.constant(x));
        Var y = net.forward(Var.constant(x));
        assertThat(yLoaded.value().toFloatArray()).containsExactly(y.value().toFloatArray());
        // state and gradients are shown in the order given (eval --grad had listed the gradient's
        // rows in the sorted order, under edges it does not write)
        assertThat(loaded.stateDict().get("ports.edges").toFloatArray()).containsExactly(edgesRev);
        assertThat(loaded.stateDict().get("ports.weight").toFloatArray()).containsExactly(wRev);
        yLoaded.sum().backward();
        y.sum().backward();
        float[] g = net.stateGradients().get("ports.weight").toFloatArray();
        float[] gLoaded = loaded.stateGradients().get("ports.weight").toFloatArray();
        assertThat(g).as("the links reach the output").isNotEqualTo(new float[g.length]);
        for (int i = 0; i < e; i++) {
            for (int k = 0; k < 4; k++) {
                assertThat(gLoaded[i * 4 + k]).isCloseTo(g[(e - 1 - i) * 4 + k], org.assertj.core.data.Offset.offset(1e-6f));
            }
        }
        // saving and loading again keeps that order and the model
        CircuitNet again = CircuitNet.fromState(net.typedConfig(), loaded.stateDict());
        assertThat(again.stateDict().get("ports.edges").toFloatArray()).containsExactly(edgesRev);
        assertThat(again.forward(Var.constant(x)).value().toFloatArray()).containsExactly(y.value().toFloatArray());
    }

    @Test
    void clipsinIsContinuousWithTheSpecBranches() {
        Tensor x = Tensor.wrap(new float[] {-5, -3, -1, 0, 2, 3, 4}, Shape.of(7));
        float[] y = ClipSin.apply(Var.constant(x)).value().toFloatArray();
        double a = ClipSin.A;
        double[] expected = {-a - 0.02, -a, a * Math.sin(-Math.PI / 6), 0, a * Math.sin(Math.PI / 3), a, a + 0.01};
        for (int i = 0; i < 7; i++) {
            assertThat((double) y[i]).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-5));
        }
    }

    @Test
    void errorsNameTheProblem() {
        assertThatThrownBy(() -> new CircuitNetConfig(3, 2, 4, 5, 6, 2, 2, "tanh", 0, true, true, true, true))
                .hasMessageContaining("ports 6 must lie in [1, neurons = 5]");
        assertThatThrownBy(() -> new CircuitNetConfig(3, 2, 4, 5, 2, 2, 4, "tanh", 0, true, true, true, true))
                .hasMessageContaining("in_degree 4 exceeds units − 1 = 3");
        assertThatThrownBy(() -> new CircuitNetConfig(3, 2, 4, 5, 2, 2, 2, "relu", 0, true, true, true, true))
                .hasMessageContaining("'activation' must be clipsin or tanh");
        CircuitNet net = net(config("tanh", 2, true, true));
        assertThatThrownBy(() -> net.forward(Var.constant(Tensor.zeros(2, 4)))).hasMessageContaining("expected x [B, 3]");
        Map<String, Tensor> s = new java.util.LinkedHashMap<>(net.stateDict());
        s.put("ports.edges", Tensor.wrap(new float[] {0, 9, 1, 0, 2, 0, 3, 1, 0, 1, 2, 2, 0, 3, 1, 3}, Shape.of(8, 2)));
        assertThatThrownBy(() -> CircuitNet.fromState(net.typedConfig(), s)).hasMessageContaining("outside [0, 4)");
    }
}
