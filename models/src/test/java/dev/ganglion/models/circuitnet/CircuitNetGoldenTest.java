package dev.ganglion.models.circuitnet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ganglion.autodiff.Var;
import dev.ganglion.models.ModelConfig;
import dev.ganglion.models.testing.GoldenCase;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The PyTorch golden files of circuitnet: forward, input gradient and every parameter gradient. */
class CircuitNetGoldenTest {
    static CircuitNetConfig config(GoldenCase g) {
        return CircuitNetConfig.of(ModelConfig.parse(CircuitNetConfig.SCHEMA, g.metadata("ganglion.config")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"circuitnet_small", "circuitnet_tanh", "circuitnet_ablation"})
    void matchesTheReference(String name) {
        GoldenCase g = GoldenCase.load(name);
        assertThat(g.model()).isEqualTo("circuitnet");
        CircuitNet net = CircuitNet.fromState(config(g), g.tensors());
        g.checkForwardAndInputGradient(net::forward);
        Map<String, Var> params = net.namedParameters();
        assertThat(g.gradientNames()).containsExactlyInAnyOrderElementsOf(params.keySet());
        for (String n : g.gradientNames()) {
            g.assertClose("grad." + n, params.get(n).grad());
        }
    }
}
