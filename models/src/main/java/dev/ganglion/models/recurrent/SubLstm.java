package dev.ganglion.models.recurrent;

import dev.ganglion.autodiff.LinalgOps;
import dev.ganglion.autodiff.Var;
import dev.ganglion.autodiff.ViewOps;
import dev.ganglion.autodiff.nn.Init;
import dev.ganglion.autodiff.nn.Linear;
import dev.ganglion.autodiff.nn.Module;
import dev.ganglion.engine.DType;
import dev.ganglion.engine.Rng;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.models.ConfigSizes;
import dev.ganglion.models.ModelConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * A stack of {@code L} {@link Variant} layers (LSTM, subLSTM, fix-subLSTM; Costa et al. 2017) and a
 * linear readout at every step: {@code y_t = h_t^{(L−1)} W_headᵀ + b_head}, {@code x [B, T, I] → y [B, T, C]}.
 *
 * <p>Per layer, {@code a_t = x_t W_ihᵀ + b_ih + h_{t−1} W_hhᵀ + b_hh} split in gate order (i, f, z, o)
 * or (i, z, o) for fix-subLSTM whose forget value is {@code σ(φ)} per unit (see {@link Variant} for
 * the cell equations). Layer {@code l > 0} reads layer {@code l−1}'s {@code h_t} of the same step;
 * every layer starts at {@code h = c = 0}.
 *
 * <p>Choices (models.md and the reference README): both {@code b_ih} and {@code b_hh} exist and are
 * summed (as in PyTorch); gate rows are stacked in gate order ({@code [0, H)} i, {@code [H, 2H)} f or
 * z, …); init {@code U(±1/√H)} for every recurrent weight and bias, {@code φ ~ U(1, 3)}, head PyTorch
 * default Linear; the config's {@code variant} equals the model name.
 *
 * <p>Execution: the input projections of all steps are one GEMM per layer; the recurrence is one fused
 * op per layer ({@link SubLstmLayerFunction}) with a hand-written backward. Internally time-major.
 *
 * <p>Names: {@code rnn.weight_ih_l{l}}, {@code rnn.weight_hh_l{l}}, {@code rnn.bias_ih_l{l}},
 * {@code rnn.bias_hh_l{l}}, {@code rnn.forget_logit_l{l}} (fix-subLSTM), {@code head.weight},
 * {@code head.bias}. State: {@code [h_0, c_0, h_1, c_1, …]}, each {@code [B, H]}.
 */
public final class SubLstm extends Module implements RecurrentModel {
    private final ModelConfig config;
    private final Variant variant;
    private final int inputSize;
    private final int hidden;
    private final int layers;
    private final Linear head;
    private final SubLstmLayerFunction cell;

    /** The recurrent parameters, registered under the PyTorch {@code nn.LSTM} names. */
    private static final class Rnn extends Module {
        Rnn(Variant v, int in, int hid, int layers, Rng rng) {
            double bound = 1 / Math.sqrt(hid);
            int rows = v.gates() * hid;
            for (int l = 0; l < layers; l++) {
                registerParameter("weight_ih_l" + l, Init.uniform(rng, bound, rows, l == 0 ? in : hid));
                registerParameter("weight_hh_l" + l, Init.uniform(rng, bound, rows, hid));
                registerParameter("bias_ih_l" + l, Init.uniform(rng, bound, rows));
                registerParameter("bias_hh_l" + l, Init.uniform(rng, bound, rows));
                if (v.fixedForget()) {
                    registerParameter("forget_logit_l" + l, rng.uniform(Shape.of(hid), 1, 3));
                }
            }
        }
    }

    /**
     * A network of {@code config} ({@code input_size}, {@code hidden_size}, {@code num_layers},
     * {@code variant}, {@code output_size}) drawn from {@code rng}.
     *
     * @throws IllegalArgumentException when a size is not positive
     */
    public SubLstm(ModelConfig config, Rng rng) {
        config = RecurrentModels.resolveSubLstm(config);
        this.variant = Variant.of(config.getString("variant"));
        this.config = config;
        this.inputSize = config.getInt("input_size");
        this.hidden = config.getInt("hidden_size");
        this.layers = config.getInt("num_layers");
        int out = config.getInt("output_size");
        if (inputSize < 1 || hidden < 1 || layers < 1 || out < 1) {
            throw new IllegalArgumentException(variant.configName() + ": input_size, hidden_size, num_layers and "
                    + "output_size must be ≥ 1, got " + config.toJson());
        }
        // the gate weights are [4H, H] and [4H, input_size]
        ConfigSizes.product(variant.configName(), "4·hidden_size·max(hidden_size, input_size)", 4L * hidden,
                Math.max(hidden, inputSize));
        registerModule("rnn", new Rnn(variant, inputSize, hidden, layers, rng));
        this.head = registerModule("head", new Linear(hidden, out, rng));
        this.cell = new SubLstmLayerFunction(variant);
    }

    @Override
    public String name() {
        return variant.configName();
    }

    @Override
    public ModelConfig config() {
        return config;
    }

    @Override
    public Module module() {
        return this;
    }

    /** The cell variant. */
    public Variant variant() {
        return variant;
    }

    @Override
    public RecurrentState initialState(int batch, DType dtype) {
        List<Var> s = new ArrayList<>();
        for (int l = 0; l < 2 * layers; l++) {
            s.add(Var.constant(Tensor.zeros(Shape.of(batch, hidden), dtype)));
        }
        return new RecurrentState(s);
    }

    @Override
    public SequenceResult forward(Var x, RecurrentState state) {
        return run(namedParameters()::get, x, state);
    }

    @Override
    public SequenceResult forward(Var x, RecurrentState state, UnaryOperator<Var> substitute) {
        return run(RecurrentModel.substitutedByName(this, substitute), x, state);
    }

    /**
     * The chunk forward with parameters looked up by checkpoint name (the module's own, or their
     * substitutes: {@link #forward(Var, RecurrentState, java.util.function.UnaryOperator)}); the final
     * state is detached.
     */
    private SequenceResult run(Function<String, Var> p, Var x, RecurrentState state) {
        checkInput(x, 3, state);
        Var seq = ViewOps.transpose(x, 0, 1); // [T, B, I]: the layer op is time-major
        List<Var> next = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            Var[] o = layer(p, l, seq, state);
            seq = o[0];
            next.add(o[0].select(0, o[0].dim(0) - 1).detach());
            next.add(o[1].detach());
        }
        Var y = LinalgOps.linear(seq, p.apply("head.weight"), p.apply("head.bias"));
        return new SequenceResult(ViewOps.transpose(y, 0, 1), new RecurrentState(next));
    }

    /** Layer {@code l} on {@code seq [T, B, ·]}: {@code {h [T, B, H], c_T}}. */
    private Var[] layer(Function<String, Var> p, int l, Var seq, RecurrentState state) {
        Var gx = LinalgOps.linear(seq, p.apply("rnn.weight_ih_l" + l), p.apply("rnn.bias_ih_l" + l));
        Var phi = variant.fixedForget() ? p.apply("rnn.forget_logit_l" + l) : null;
        return cell.apply(gx, state.get(2 * l), state.get(2 * l + 1), p.apply("rnn.weight_hh_l" + l),
                p.apply("rnn.bias_hh_l" + l), phi);
    }

    @Override
    public SequenceResult step(Var x, RecurrentState state) {
        checkInput(x, 2, state);
        Var in = ViewOps.unsqueeze(x, 0); // [1, B, I]: the layer op with T = 1 is the fused cell step
        List<Var> next = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            Var[] o = layer(namedParameters()::get, l, in, state);
            in = o[0];
            next.add(ViewOps.squeeze(o[0], 0));
            next.add(o[1]);
        }
        return new SequenceResult(head.forward(ViewOps.squeeze(in, 0)), new RecurrentState(next));
    }

    private void checkInput(Var x, int rank, RecurrentState state) {
        RecurrentModel.checkInput(name(), x, rank, inputSize);
        if (state.size() != 2 * layers) {
            throw new IllegalArgumentException(name() + ": state must hold h, c for each of " + layers
                    + " layers (" + 2 * layers + " tensors), got " + state.size());
        }
        Shape hs = Shape.of(x.dim(0), hidden);
        for (Var v : state.tensors()) {
            if (!v.shape().equals(hs)) {
                throw new IllegalArgumentException(name() + ": state tensors must be " + hs + " for x " + x.shape()
                        + ", got " + v.shape());
            }
        }
    }
}
