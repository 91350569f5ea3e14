package dev.ganglion.models.g2gnet;

import dev.ganglion.autodiff.LinalgOps;
import dev.ganglion.autodiff.Var;
import dev.ganglion.autodiff.nn.Activation;
import dev.ganglion.autodiff.nn.Layer;
import dev.ganglion.autodiff.nn.Linear;
import dev.ganglion.autodiff.nn.Sequential;
import dev.ganglion.engine.Rng;
import dev.ganglion.engine.Tensor;
import dev.ganglion.autodiff.nn.Module;
import dev.ganglion.models.ModelConfig;
import dev.ganglion.models.NeuralModel;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The dense baseline {@code mlp}: {@code h_{l+1} = act(h_l·W_lᵀ + b_l)}, {@code y = h_L·W_headᵀ + b_head},
 * the widths of the matching {@link G2GNet}. PyTorch default Linear init from a caller-given seed
 * (the config has none). Names: {@code layers.{l}.weight/bias}, {@code head.weight/bias}.
 */
public final class Mlp extends Layer implements NeuralModel {
    /** Registry name and {@code ganglion.model}. */
    public static final String NAME = "mlp";
    private final MlpConfig config;
    private final Sequential layers;
    private final Activation act;
    private final Linear head;

    private Mlp(MlpConfig config, Sequential layers, Linear head) {
        this.config = config;
        this.layers = registerModule("layers", layers);
        this.head = registerModule("head", head);
        this.act = Activation.of(config.activation());
    }

    /** A freshly initialised network, layers then head drawn from {@code rng}. */
    public static Mlp create(MlpConfig cfg, Rng rng) {
        Sequential layers = new Sequential();
        for (int l = 0; l < cfg.numLayers(); l++) {
            layers.add(new Linear(width(cfg, l), cfg.hiddenSize(), rng));
        }
        return new Mlp(cfg, layers, new Linear(width(cfg, cfg.numLayers()), cfg.outputSize(), rng));
    }

    /** The network of a checkpoint state ({@code layers.{l}.weight/bias}, {@code head.weight/bias}). */
    public static Mlp fromState(MlpConfig cfg, Map<String, Tensor> state) {
        Sequential layers = new Sequential();
        for (int l = 0; l < cfg.numLayers(); l++) {
            String p = "layers." + l + ".";
            layers.add(new Linear(StateEntries.require(state, p + "weight", cfg.hiddenSize(), width(cfg, l)),
                    StateEntries.require(state, p + "bias", cfg.hiddenSize())));
        }
        Linear head = new Linear(StateEntries.require(state, "head.weight", cfg.outputSize(), width(cfg, cfg.numLayers())),
                StateEntries.require(state, "head.bias", cfg.outputSize()));
        return new Mlp(cfg, layers, head);
    }

    private static int width(MlpConfig cfg, int l) {
        return l == 0 ? cfg.inputSize() : cfg.hiddenSize();
    }

    /** {@code x [B, d_in] → y [B, C]}. */
    @Override
    public Var forward(Var x) {
        NeuralModel.checkInput(NAME, x, config.inputSize());
        NeuralModel.checkInputDtype(NAME, x, this);
        return run(x, UnaryOperator.identity());
    }

    @Override
    public Var forward(Var x, UnaryOperator<Var> substitute) {
        NeuralModel.checkInput(NAME, x, config.inputSize());
        return run(x, NeuralModel.checkedSubstitute(this, substitute));
    }

    private Var run(Var x, UnaryOperator<Var> p) {
        Var h = x;
        boolean fusedRelu = act.kind() == Activation.Kind.RELU;
        for (int l = 0; l < layers.size(); l++) {
            Linear layer = (Linear) layers.get(l);
            // a ReLU inside the product's op (LinalgOps.linearRelu says why), as G2GNet's layers do; any
            // other activation after it
            h = fusedRelu ? LinalgOps.linearRelu(h, p.apply(layer.weight()),
                    layer.bias() == null ? null : p.apply(layer.bias())) : act.forward(linear(h, layer, p));
        }
        return linear(h, head, p);
    }

    private static Var linear(Var x, Linear layer, UnaryOperator<Var> p) {
        return LinalgOps.linear(x, p.apply(layer.weight()), layer.bias() == null ? null : p.apply(layer.bias()));
    }

    /** The typed config. */
    public MlpConfig typedConfig() {
        return config;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ModelConfig config() {
        return config.toModelConfig();
    }

    @Override
    public Module module() {
        return this;
    }
}
