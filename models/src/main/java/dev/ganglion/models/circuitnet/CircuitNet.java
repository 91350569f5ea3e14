package dev.ganglion.models.circuitnet;

import dev.ganglion.autodiff.IndexOps;
import dev.ganglion.autodiff.LinalgOps;
import dev.ganglion.autodiff.Var;
import dev.ganglion.autodiff.nn.Layer;
import dev.ganglion.autodiff.nn.Linear;
import dev.ganglion.autodiff.nn.Module;
import dev.ganglion.autodiff.nn.StateBudget;
import dev.ganglion.engine.DType;
import dev.ganglion.engine.Rng;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.sparse.BlockDiagonal;
import dev.ganglion.models.ModelConfig;
import dev.ganglion.models.NeuralModel;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * CircuitNet (Wang et al., ICML 2023) as models.md §4 formulates it: {@code U = x·W_encᵀ + b_enc → [B, C, p]},
 * {@code X⁰ = 0}, for t = 1…K {@code X = act(Lin + Prod + Att + Inter + Drive + b_c)} (every term reads
 * {@code X^{t−1}}), {@code y = concat_c X[:, c, out-ports]·W_headᵀ + b_head}.
 *
 * <p>Execution: Lin and the product's {@code X·P_cᵀ} run on the block-diagonal kernel (C blocks of
 * N×N over {@code X [B, C·N]}), Inter on the BSR kernel ({@link CircuitEdges}); attention per sample
 * and CMU ({@code softmax_j((q_i x_i)(k_j x_j)/√N)} times {@code v_j x_j}) is one fused op
 * ({@link CircuitAttention} on the engine's rank-one attention kernel: no {@code N×N} score or
 * gradient tensor enters the graph; the op keeps only its {@code N×N} probabilities for backward).
 *
 * <p>Choices: in-ports are neurons 0…p−1, out-ports N−p…N−1; Drive = U persists every iteration;
 * the terms of the first iteration (X⁰ = 0) are all 0 and are skipped. Init: {@code W_c ~ U(±1/√N)},
 * {@code P_c ~ 0.1·U(±1/√N)}, {@code q, k ~ U(−1, 1)}, {@code v ~ 0.1·U(−1, 1)}, {@code M_e ~ U(±1/√(k·p))},
 * {@code b_c = 0}, encoder and head PyTorch's default (drawn in that order: encoder, linear, product,
 * q, k, v, ports, head); edges from a generator seeded with the config's seed.
 * NOTE (spec finding): Inter writes in-ports and the head reads out-ports, so for K ≤ 2 the port links
 * never reach the output ({@code ports.weight} gets a zero gradient; see the golden README).
 */
public final class CircuitNet extends Layer implements NeuralModel {
    /** Registry name and {@code ganglion.model}. */
    public static final String NAME = "circuitnet";
    private final CircuitNetConfig config;
    private final Linear encoder;
    private final CircuitUnits cmu;
    private final PortLinks ports;
    private final Linear head;
    private final BlockDiagonal units;

    private CircuitNet(CircuitNetConfig cfg, Linear encoder, CircuitUnits cmu, PortLinks ports, Linear head) {
        this.config = cfg;
        this.encoder = registerModule("encoder", encoder);
        this.cmu = registerModule("cmu", cmu);
        this.ports = ports == null ? null : registerModule("ports", ports);
        this.head = registerModule("head", head);
        this.units = BlockDiagonal.zeros(cfg.units(), cfg.units() * cfg.neurons(), cfg.units() * cfg.neurons(), DType.F32);
    }

    /** A fresh network with the models.md init, values from {@code rng}, edges from the config's seed. */
    public static CircuitNet create(CircuitNetConfig cfg, Rng rng) {
        // the edges' own stream of the seed: the weights' stream may have been seeded with the same number
        Rng edges = Rng.forPurpose(cfg.seed(), "circuitnet.edges");
        return create(cfg, cfg.useInter() ? CircuitEdges.draw(cfg.units(), cfg.inDegree(), edges) : null, rng);
    }

    /** A fresh network over the given edges ({@code [E][2]} rows (source, target); null without links). */
    static CircuitNet create(CircuitNetConfig cfg, int[][] edges, Rng rng) {
        int c = cfg.units();
        int n = cfg.neurons();
        int p = cfg.ports();
        Linear encoder = new Linear(cfg.inputSize(), c * p, rng);
        // the [c, n, n] tensors are made before CircuitUnits registers them: checked against a
        // checkpoint's budget first, so that an edited config stops before allocating them
        StateBudget.reserve("CircuitNet's cmu.linear and cmu.product [" + c + ", " + n + ", " + n + "]",
                ((cfg.useLinear() ? 1L : 0L) + (cfg.useProduct() ? 1L : 0L)) * c * n * n);
        double inv = 1 / Math.sqrt(n);
        Tensor linear = cfg.useLinear() ? rng.uniform(Shape.of(c, n, n), -inv, inv) : null;
        Tensor product = cfg.useProduct() ? rng.uniform(Shape.of(c, n, n), -0.1 * inv, 0.1 * inv) : null;
        Tensor q = cfg.useAttention() ? rng.uniform(Shape.of(c, n), -1, 1) : null;
        Tensor k = cfg.useAttention() ? rng.uniform(Shape.of(c, n), -1, 1) : null;
        Tensor v = cfg.useAttention() ? rng.uniform(Shape.of(c, n), -0.1, 0.1) : null;
        CircuitUnits cmu = new CircuitUnits(linear, product, q, k, v, Tensor.zeros(Shape.of(c, n), DType.F32));
        PortLinks links = null;
        if (cfg.useInter()) {
            double b = 1 / Math.sqrt(Math.max(1, cfg.inDegree() * p));
            links = new PortLinks(edges, rng.uniform(Shape.of(edges.length, p, p), -b, b), c, p);
        }
        return new CircuitNet(cfg, encoder, cmu, links, new Linear(c * p, cfg.outputSize(), rng));
    }

    /**
     * The network structured by a checkpoint's integer tensors ({@code ports.edges}) and filled from
     * {@code state} when it holds the float parameters too (extra entries ignored; strict otherwise).
     */
    public static CircuitNet fromState(CircuitNetConfig cfg, Map<String, Tensor> state) {
        CircuitNet net = structured(cfg, state, new Rng(0));
        Map<String, Tensor> own = new LinkedHashMap<>();
        for (String name : net.stateDict().keySet()) {
            if (state.containsKey(name)) {
                own.put(name, state.get(name));
            }
        }
        net.loadStateDict(own, true);
        return net;
    }

    /** A fresh network whose links are {@code ports.edges} of {@code storedState} when present. */
    static CircuitNet structured(CircuitNetConfig cfg, Map<String, Tensor> storedState, Rng rng) {
        Tensor e = storedState.get("ports.edges");
        if (e == null || !cfg.useInter()) {
            return create(cfg, rng);
        }
        int[][] edges = CircuitEdges.rows(e);
        if (edges.length != (long) cfg.units() * cfg.inDegree()) {
            throw new IllegalArgumentException("circuitnet: ports.edges holds " + edges.length + " links; the config's "
                    + cfg.units() + " units with in_degree " + cfg.inDegree() + " have " + (long) cfg.units() * cfg.inDegree());
        }
        return create(cfg, edges, rng);
    }

    /** The module's variables. */
    CircuitParams params() {
        return new CircuitParams(encoder.weight(), encoder.bias(), cmu.linear, cmu.product, cmu.query, cmu.key,
                cmu.value, cmu.bias, ports == null ? null : ports.weight(), head.weight(), head.bias());
    }

    /** {@code x [B, d_in] → y [B, d_out]}. */
    @Override
    public Var forward(Var x) {
        NeuralModel.checkInput(NAME, x, config.inputSize());
        NeuralModel.checkInputDtype(NAME, x, this);
        return forward(x, params());
    }

    @Override
    public Var forward(Var x, UnaryOperator<Var> substitute) {
        NeuralModel.checkInput(NAME, x, config.inputSize());
        CircuitParams own = params();
        UnaryOperator<Var> checked = NeuralModel.checkedSubstitute(this, substitute);
        return forward(x, own.with(Arrays.stream(own.present()).map(checked).toArray(Var[]::new)));
    }

    /** The forward pass over explicit variables (any one float dtype). */
    Var forward(Var x, CircuitParams w) {
        int b = x.dim(0);
        int c = config.units();
        int n = config.neurons();
        int p = config.ports();
        Var drive = LinalgOps.linear(x, w.encoderWeight(), w.encoderBias()).reshape(b, c, p);
        Var state = null; // X⁰ = 0
        for (int t = 0; t < config.iterations(); t++) {
            state = activate(step(state, drive, w, b));
        }
        Var outPorts = state == null ? Var.constant(Tensor.zeros(Shape.of(b, c * p), x.dtype()))
                : state.slice(2, n - p, n).reshape(b, c * p);
        return LinalgOps.linear(outPorts, w.headWeight(), w.headBias());
    }

    /** {@code Lin + Prod + Att + Inter + Drive + b_c} from {@code X^{t−1}} (null for X⁰ = 0). */
    private Var step(Var x, Var drive, CircuitParams w, int b) {
        int c = config.units();
        int n = config.neurons();
        int p = config.ports();
        Var inPorts = drive;
        Var total = null;
        if (x != null) {
            Var flat = x.reshape(b, c * n);
            if (w.linear() != null) {
                total = LinalgOps.sparseLinear(flat, units, w.linear()).reshape(b, c, n);
            }
            if (w.product() != null) {
                total = plus(total, x.mul(LinalgOps.sparseLinear(flat, units, w.product()).reshape(b, c, n)));
            }
            if (w.query() != null) {
                total = plus(total, attention(x, w));
            }
            if (w.ports() != null) {
                Var out = x.slice(2, n - p, n).reshape(b, c * p);
                inPorts = inPorts.add(LinalgOps.sparseLinear(out, ports.pattern(), w.ports()).reshape(b, c, p));
            }
        }
        Var padded = n == p ? inPorts
                : IndexOps.concat(2, inPorts, Var.constant(Tensor.zeros(Shape.of(b, c, n - p), drive.dtype())));
        return plus(total, padded).add(w.bias());
    }

    private static Var plus(Var a, Var b) {
        return a == null ? b : a.add(b);
    }

    /** {@code Att_i = Σ_j softmax_j((q_i x_i)(k_j x_j)/√N)·(v_j x_j)} per sample and CMU. */
    private Var attention(Var x, CircuitParams w) {
        Var a = x.mul(w.query()).scale(1 / Math.sqrt(config.neurons()));
        return CircuitAttention.apply(a, x.mul(w.key()), x.mul(w.value()));
    }

    private Var activate(Var v) {
        return config.activation().equals("tanh") ? v.tanh() : ClipSin.apply(v);
    }

    /** The typed config. */
    public CircuitNetConfig typedConfig() {
        return config;
    }

    /** The CMU graph's edges {@code [E][2]} (source, target), sorted by (target, source); empty without links. */
    public int[][] edges() {
        return ports == null ? new int[0][] : ports.edges();
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
