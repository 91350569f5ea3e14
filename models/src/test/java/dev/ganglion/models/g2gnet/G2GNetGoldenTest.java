package dev.ganglion.models.g2gnet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ganglion.autodiff.Var;
import dev.ganglion.engine.Tensor;
import dev.ganglion.models.ModelConfig;
import dev.ganglion.models.testing.GoldenCase;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The PyTorch golden files of g2gnet and mlp: forward, input gradient and every parameter gradient. */
class G2GNetGoldenTest {
    static G2GNetConfig config(GoldenCase g) {
        return G2GNetConfig.of(ModelConfig.parse(G2GNetConfig.SCHEMA, g.metadata("ganglion.config")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"g2gnet_index", "g2gnet_mixer", "g2gnet_random", "g2gnet_holes"})
    void g2gnetMatchesTheReference(String name) {
        GoldenCase g = GoldenCase.load(name);
        assertThat(g.model()).isEqualTo("g2gnet");
        G2GNet net = G2GNet.fromState(config(g), g.tensors());
        g.checkForwardAndInputGradient(net::forward);
        Map<String, Var> params = net.namedParameters();
        assertThat(g.gradientNames()).hasSize(params.size());
        for (String n : g.gradientNames()) {
            g.assertClose("grad." + n, gradient(net, params, n));
        }
    }

    /** The gradient under its checkpoint name: a sparse layer's weight gradient in dense form. */
    static Tensor gradient(G2GNet net, Map<String, Var> params, String name) {
        if (name.startsWith("layers.") && name.endsWith(".weight")) {
            return net.layer(Integer.parseInt(name.split("\\.")[1])).denseGrad();
        }
        assertThat(params).containsKey(name);
        return params.get(name).grad();
    }

    @ParameterizedTest
    @ValueSource(strings = {"mlp"})
    void mlpMatchesTheReference(String name) {
        GoldenCase g = GoldenCase.load(name);
        MlpConfig cfg = MlpConfig.of(ModelConfig.parse(MlpConfig.SCHEMA, g.metadata("ganglion.config")));
        Mlp net = Mlp.fromState(cfg, g.tensors());
        g.checkForwardAndInputGradient(net::forward);
        Map<String, Var> params = net.namedParameters();
        assertThat(g.gradientNames()).containsExactlyInAnyOrderElementsOf(params.keySet());
        for (String n : g.gradientNames()) {
            g.assertClose("grad." + n, params.get(n).grad());
        }
    }
}
