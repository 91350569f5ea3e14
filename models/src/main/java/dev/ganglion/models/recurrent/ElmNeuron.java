package dev.ganglion.models.recurrent;

import dev.ganglion.autodiff.IndexOps;
import dev.ganglion.autodiff.LinalgOps;
import dev.ganglion.autodiff.PointwiseOps;
import dev.ganglion.autodiff.ReductionOps;
import dev.ganglion.autodiff.Var;
import dev.ganglion.autodiff.ViewOps;
import dev.ganglion.autodiff.nn.Linear;
import dev.ganglion.autodiff.nn.Module;
import dev.ganglion.engine.DType;
import dev.ganglion.engine.Rng;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.io.IntType;
import dev.ganglion.models.ConfigSchema;
import dev.ganglion.models.ConfigSchema.Type;
import dev.ganglion.models.ConfigSizes;
import dev.ganglion.models.ModelConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The Expressive Leaky Memory neuron (Spieler et al., ICLR 2024), {@code x [B, T, d_in] → y [B, T, d_out]}:
 * {@code s_t = κ_s·s_{t−1} + relu(ŵ)⊙x̃_t}, {@code b_t} = branch sums of {@code s_t},
 * {@code Δm_t = 1.7159·tanh(⅔·MLP([b_t, κ_m⊙m_{t−1}]))}, {@code m_t = κ_m⊙m_{t−1} + λ(1−κ_m)⊙Δm_t},
 * {@code y_t = m_t W_yᵀ + b_y}, with {@code κ_s = exp(−Δt/τ_s)} and
 * {@code κ_m = exp(−Δt/(τ_min + (τ_max − τ_min)·σ(θ)))}.
 *
 * <p>Choices (models.md and the reference README): routing is on exactly when a {@code synapse.route}
 * (int32 {@code [n_b·s_b]}, input index per synapse, −1 = always zero) is given, else
 * {@code n_b·s_b = d_in} is required; branch j sums synapses {@code j·s_b … j·s_b + s_b − 1};
 * {@code z_t = [b_t, κ_m⊙m_{t−1}]} in that order; MLP {@code mlp.0: n_b + d_m → d_mlp}, …,
 * {@code mlp.ℓ: d_mlp → d_m}; {@code y_t} reads {@code m_t} after the update; {@code κ_s} is a double
 * constant; {@code λ(1 − κ_m)} is not clipped. {@code memory.tau_logit} is always a registered
 * parameter (stored in checkpoints); with {@code learn_tau = false} it does not require grad, so it
 * gets no gradient and {@link #trainableParameters()} leaves it out. Init: {@code ŵ = 0.5},
 * {@code θ = logit((τ₀ − τ_min)/(τ_max − τ_min))} with {@code τ₀} log-spaced in float64 over
 * {@code [τ_min + 1e−6, τ_max − 1e−6]}; MLP and readout PyTorch default Linear.
 *
 * <p>Execution: the synapse traces do not depend on the memory, so they are one scan op over all
 * steps ({@link LeakyScanFunction}) and the branch part of {@code mlp.0} is one GEMM over all steps;
 * the memory loop then needs one {@code d_m → d_mlp} product per step. State: {@code [s [B, d_syn], m [B, d_m]]}.
 */
public final class ElmNeuron extends Module implements RecurrentModel {
    /** Checkpoint name of the routing buffer. */
    public static final String ROUTE = "synapse.route";

    /** The config fields in models.md order. */
    public static final ConfigSchema SCHEMA = ConfigSchema.builder("elm")
            .required("input_size", Type.INT)
            .required("output_size", Type.INT)
            .optional("num_memory", Type.INT, 100)
            .derived("mlp_hidden", Type.INT)
            .optional("mlp_layers", Type.INT, 1)
            .choice("mlp_activation", "relu", "relu", "silu")
            .optional("lambda", Type.FLOAT, 5.0)
            .optional("tau_syn", Type.FLOAT, 5.0)
            .optional("tau_min", Type.FLOAT, 1.0)
            .optional("tau_max", Type.FLOAT, 1000.0)
            .optional("learn_tau", Type.BOOL, false)
            .optional("dt", Type.FLOAT, 1.0)
            .derived("num_branches", Type.INT)
            .optional("synapses_per_branch", Type.INT, 1)
            .build();

    private final ModelConfig config;
    private final int dIn;
    private final int dSyn;
    private final int branches;
    private final int perBranch;
    private final int dm;
    private final boolean silu;
    private final double lambda;
    private final double dt;
    private final double tauMin;
    private final double tauMax;
    private final int[] route;
    private final Synapse synapse;
    private final Memory memory;
    private final List<Linear> mlp = new ArrayList<>();
    private final Linear readout;
    private final LeakyScanFunction traces;

    /** {@code synapse.weight_raw} and, when routing, the {@code route} buffer. */
    private static final class Synapse extends Module {
        final Var weightRaw;

        Synapse(int dSyn, Tensor routeOrNull) {
            weightRaw = registerParameter("weight_raw", Tensor.full(Shape.of(dSyn), 0.5, DType.F32));
            if (routeOrNull != null) {
                registerBuffer("route", routeOrNull, IntType.I32);
            }
        }
    }

    /** {@code mlp.0 … mlp.ℓ}. */
    private static final class Mlp extends Module {
        /** {@code in → hidden} ({@code layers} times, hidden → hidden after the first), then {@code → out}. */
        Mlp(List<Linear> into, int in, int hidden, int layers, int out, Rng rng) {
            int width = in;
            for (int k = 0; k <= layers; k++) {
                int next = k == layers ? out : hidden;
                into.add(registerModule(Integer.toString(k), new Linear(width, next, rng)));
                width = next;
            }
        }
    }

    /** {@code memory.tau_logit}. */
    private static final class Memory extends Module {
        final Var tauLogit;

        Memory(Tensor theta, boolean learn) {
            tauLogit = registerParameter("tau_logit", theta);
            tauLogit.setRequiresGrad(learn);
        }
    }

    /**
     * An ELM of {@code config} (derived fields resolved here), routed when {@code routeOrNull}
     * ({@code [n_b·s_b]}, integer values in {@code [−1, d_in)}) is given.
     *
     * @throws IllegalArgumentException on sizes that do not fit, naming them
     */
    public ElmNeuron(ModelConfig config, Tensor routeOrNull, Rng rng) {
        config = resolve(config);
        this.config = config;
        this.dIn = config.getInt("input_size");
        this.dm = config.getInt("num_memory");
        this.branches = config.getInt("num_branches");
        this.perBranch = config.getInt("synapses_per_branch");
        this.dSyn = ConfigSizes.product("elm", "num_branches·synapses_per_branch", branches, perBranch);
        this.silu = config.getString("mlp_activation").equals("silu");
        this.lambda = config.getDouble("lambda");
        this.dt = config.getDouble("dt");
        this.tauMin = config.getDouble("tau_min");
        this.tauMax = config.getDouble("tau_max");
        int hiddenW = config.getInt("mlp_hidden");
        int layers = config.getInt("mlp_layers");
        checkSizes(config, layers, routeOrNull != null);
        this.route = routeOrNull == null ? null : checkRoute(routeOrNull);
        this.synapse = registerModule("synapse", new Synapse(dSyn, routeOrNull == null ? null : routeOrNull.copy()));
        this.memory = registerModule("memory", new Memory(tauLogitInit(dm, tauMin, tauMax), config.getBoolean("learn_tau")));
        registerModule("mlp", new Mlp(mlp, branches + dm, hiddenW, layers, dm, rng));
        this.readout = registerModule("readout", new Linear(dm, config.getInt("output_size"), rng));
        this.traces = new LeakyScanFunction(Math.exp(-dt / config.getDouble("tau_syn")));
    }

    /** Sets {@code mlp_hidden = 2·num_memory} and {@code num_branches = input_size} where unset. */
    public static ModelConfig resolve(ModelConfig config) {
        if (!config.model().equals("elm")) {
            throw new IllegalArgumentException("ElmNeuron: config of model '" + config.model() + "'");
        }
        return config.withDefault("mlp_hidden", 2 * config.getLong("num_memory"))
                .withDefault("num_branches", config.getLong("input_size"));
    }

    private void checkSizes(ModelConfig c, int layers, boolean routed) {
        for (String field : new String[] {"input_size", "num_memory", "num_branches", "synapses_per_branch",
                "mlp_hidden", "output_size"}) {
            if (c.getInt(field) < 1) {
                throw new IllegalArgumentException("elm config: '" + field + "' must be ≥ 1, got " + c.getInt(field));
            }
        }
        if (layers < 0) {
            throw new IllegalArgumentException("elm config: 'mlp_layers' must be ≥ 0, got " + layers);
        }
        if (!routed && dSyn != dIn) {
            throw new IllegalArgumentException("elm: num_branches·synapses_per_branch = " + dSyn + " ≠ input_size "
                    + dIn + " needs a synapse.route");
        }
        // tau_max − tau_min > 2e-6: the log-spaced τ₀ of tauLogitInit must stay strictly inside (tau_min, tau_max)
        if (!(c.getDouble("tau_min") > 0) || !(c.getDouble("tau_max") > c.getDouble("tau_min") + 2e-6)
                || !(c.getDouble("tau_syn") > 0) || !(c.getDouble("dt") > 0)) {
            throw new IllegalArgumentException("elm config: need 0 < tau_min, tau_max > tau_min + 2e-6, tau_syn > 0 and "
                    + "dt > 0; got tau_min " + c.getDouble("tau_min") + ", tau_max " + c.getDouble("tau_max") + ", tau_syn "
                    + c.getDouble("tau_syn") + ", dt " + c.getDouble("dt"));
        }
    }

    /** The route's entries, or an error naming the shape or the first bad entry (not the whole route). */
    private int[] checkRoute(Tensor r) {
        if (!r.shape().equals(Shape.of(dSyn))) {
            throw new IllegalArgumentException("elm: synapse.route has shape " + r.shape() + "; num_branches·synapses_per_branch = "
                    + dSyn + " synapses need [" + dSyn + "]");
        }
        double[] v = r.toDoubleArray();
        int[] out = new int[v.length];
        for (int k = 0; k < v.length; k++) {
            out[k] = (int) v[k];
            if (out[k] != v[k] || out[k] < -1 || out[k] >= dIn) {
                throw new IllegalArgumentException("elm: synapse.route element " + k + " of " + dSyn + " is "
                        + (out[k] == v[k] ? Integer.toString(out[k]) : Double.toString(v[k])) + "; an entry is an integer in [−1, "
                        + dIn + "): the input the synapse reads, or −1 for none");
            }
        }
        return out;
    }

    /**
     * {@code θ_k = logit((τ₀_k − τ_min)/(τ_max − τ_min))}, τ₀ log-spaced (base 10) in float64, cast to
     * float32.
     *
     * <p>NOTE: the end units sit deep in σ's tails, {@code |θ| = ln((τ_max − τ_min)/1e−6)} (≈ 20.7 at
     * the defaults). There a float32 σ(θ) of the top unit rounds to exactly 1, so with
     * {@code learn_tau} its τ gets a zero gradient ({@code σ' = y − y²}) and stays at τ_max, as it does
     * in a float32 PyTorch run of the same init; the bottom unit's σ ≈ 1e−9 is exact enough to learn.
     */
    static Tensor tauLogitInit(int dm, double tauMin, double tauMax) {
        double lo = Math.log10(tauMin + 1e-6);
        double hi = Math.log10(tauMax - 1e-6);
        float[] theta = new float[dm];
        for (int k = 0; k < dm; k++) {
            double tau0 = Math.pow(10, dm == 1 ? lo : lo + (hi - lo) * k / (dm - 1));
            double p = (tau0 - tauMin) / (tauMax - tauMin);
            theta[k] = (float) Math.log(p / (1 - p));
        }
        return Tensor.wrap(theta, Shape.of(dm));
    }

    @Override
    public String name() {
        return "elm";
    }

    @Override
    public ModelConfig config() {
        return config;
    }

    @Override
    public Module module() {
        return this;
    }

    /** The routing ({@code input index per synapse, −1 = zero}), or null without routing. */
    public int[] route() {
        return route == null ? null : route.clone();
    }

    @Override
    public RecurrentState initialState(int batch, DType dtype) {
        return new RecurrentState(List.of(Var.constant(Tensor.zeros(Shape.of(batch, dSyn), dtype)),
                Var.constant(Tensor.zeros(Shape.of(batch, dm), dtype))));
    }

    @Override
    public SequenceResult forward(Var x, RecurrentState state) {
        return run(namedParameters()::get, x, state);
    }

    @Override
    public SequenceResult forward(Var x, RecurrentState state, UnaryOperator<Var> substitute) {
        return run(RecurrentModel.substitutedByName(this, substitute), x, state);
    }

    @Override
    public SequenceResult step(Var x, RecurrentState state) {
        check(x, 2, state);
        Var drive = routed(x).mul(PointwiseOps.relu(synapse.weightRaw));
        Var s = state.get(0).scale(traces.kappa()).add(drive);
        Var[] k = memoryGains(memory.tauLogit);
        Linear first = mlp.get(0);
        Var proj = LinalgOps.linear(branchSums(s), ViewOps.slice(first.weight(), 1, 0, branches, 1), first.bias());
        Var m = memoryStep(mlpTail(namedParameters()::get), proj, state.get(1), k[0], k[1]);
        return new SequenceResult(readout.forward(m), new RecurrentState(List.of(s, m)));
    }

    /**
     * The chunk forward with parameters looked up by checkpoint name (the module's own, or their
     * substitutes: {@link #forward(Var, RecurrentState, java.util.function.UnaryOperator)}); the final
     * state is detached.
     */
    private SequenceResult run(java.util.function.Function<String, Var> p, Var x, RecurrentState state) {
        check(x, 3, state);
        Var drive = routed(x).mul(PointwiseOps.relu(p.apply("synapse.weight_raw")));
        Var s = traces.apply(drive, state.get(0));                       // [B, T, d_syn]: every step at once
        Var w0 = p.apply("mlp.0.weight");
        Var proj = LinalgOps.linear(branchSums(s), ViewOps.slice(w0, 1, 0, branches, 1), p.apply("mlp.0.bias"));
        int steps = x.dim(1);
        int[] ones = new int[steps];
        java.util.Arrays.fill(ones, 1);
        Var[] projT = IndexOps.split(proj, 1, ones);                      // one node, not T selects
        Var[] k = memoryGains(p.apply("memory.tau_logit"));
        Var m = state.get(1);
        Var[] ms = new Var[steps];
        Var[] tail = mlpTail(p);
        for (int t = 0; t < steps; t++) {
            m = memoryStep(tail, ViewOps.squeeze(projT[t], 1), m, k[0], k[1]);
            ms[t] = ViewOps.unsqueeze(m, 1);
        }
        Var y = LinalgOps.linear(IndexOps.concat(1, ms), p.apply("readout.weight"), p.apply("readout.bias"));
        Var sLast = ViewOps.select(s, 1, steps - 1).detach();
        return new SequenceResult(y, new RecurrentState(List.of(sLast, m.detach())));
    }

    /** {@code κ_m} and {@code λ(1 − κ_m)} from θ. */
    private Var[] memoryGains(Var theta) {
        Var tau = PointwiseOps.sigmoid(theta).scale(tauMax - tauMin).addScalar(tauMin);
        Var kappa = PointwiseOps.exp(PointwiseOps.reciprocal(tau).scale(-dt));
        return new Var[] {kappa, kappa.neg().addScalar(1).scale(lambda)};
    }

    /**
     * The memory columns of {@code mlp.0} and the weights and biases of {@code mlp.1 … mlp.ℓ}, looked up
     * once per run: a slice taken per step would cost a full-size gradient buffer per step.
     */
    private Var[] mlpTail(java.util.function.Function<String, Var> p) {
        Var[] out = new Var[2 * mlp.size() - 1];
        out[0] = ViewOps.slice(p.apply("mlp.0.weight"), 1, branches, branches + dm, 1);
        for (int k = 1; k < mlp.size(); k++) {
            out[2 * k - 1] = p.apply("mlp." + k + ".weight");
            out[2 * k] = p.apply("mlp." + k + ".bias");
        }
        return out;
    }

    /** One memory update from the branch part of {@code mlp.0} ({@code proj [B, d_mlp]}, bias included). */
    private Var memoryStep(Var[] tail, Var proj, Var m, Var kappa, Var gain) {
        Var decayed = m.mul(kappa);
        Var h = proj.add(LinalgOps.linear(decayed, tail[0], null));
        for (int k = 1; k < mlp.size(); k++) {
            h = LinalgOps.linear(activation(h), tail[2 * k - 1], tail[2 * k]);
        }
        Var delta = PointwiseOps.tanh(h.scale(2.0 / 3.0)).scale(1.7159);
        return decayed.add(delta.mul(gain));
    }

    private Var activation(Var h) {
        return silu ? PointwiseOps.silu(h) : PointwiseOps.relu(h);
    }

    /** {@code x̃}: synapse k reads input {@code route[k]}, or zero where it is −1; x itself without routing. */
    private Var routed(Var x) {
        if (route == null) {
            return x;
        }
        int axis = x.rank() - 1;
        int[] dims = x.shape().dims();
        dims[axis] = 1;
        Var padded = IndexOps.concat(axis, x, Var.constant(Tensor.zeros(Shape.of(dims), x.dtype())));
        int[] index = new int[dSyn];
        for (int k = 0; k < dSyn; k++) {
            index[k] = route[k] < 0 ? dIn : route[k];
        }
        return IndexOps.indexSelect(padded, axis, index);
    }

    /** Branch currents: sums of each branch's {@code s_b} consecutive synapses, {@code [..., n_b]}. */
    private Var branchSums(Var s) {
        if (perBranch == 1) {
            return s;
        }
        int[] dims = s.shape().dims();
        int[] split = java.util.Arrays.copyOf(dims, dims.length + 1);
        split[dims.length - 1] = branches;
        split[dims.length] = perBranch;
        return ReductionOps.sum(ViewOps.reshape(s, split), false, dims.length);
    }

    private void check(Var x, int rank, RecurrentState state) {
        RecurrentModel.checkInput("elm", x, rank, dIn);
        Shape sShape = Shape.of(x.dim(0), dSyn);
        Shape mShape = Shape.of(x.dim(0), dm);
        if (state.size() != 2 || !state.get(0).shape().equals(sShape) || !state.get(1).shape().equals(mShape)) {
            throw new IllegalArgumentException("elm: state must be [s " + sShape + ", m " + mShape + "] for x "
                    + x.shape() + ", got " + state.tensors().stream().map(Var::shape).toList());
        }
    }
}
