package dev.ganglion.models.g2gnet;

import dev.ganglion.autodiff.NoGrad;
import dev.ganglion.autodiff.Var;
import dev.ganglion.autodiff.nn.Activation;
import dev.ganglion.autodiff.nn.Init;
import dev.ganglion.autodiff.nn.Layer;
import dev.ganglion.autodiff.nn.Linear;
import dev.ganglion.autodiff.nn.Sequential;
import dev.ganglion.engine.Rng;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.autodiff.nn.Module;
import dev.ganglion.models.ModelConfig;
import dev.ganglion.models.NeuralModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * G2GNet (Konstantaropoulos et al. 2025), models.md §3: {@code h₀ = x}, {@code h_{l+1} = act(S_l(h_l))},
 * {@code y = h_L·W_headᵀ + b_head}, each {@code S_l} a {@link G2GSparseLayer} on the block-diagonal and
 * CSR kernels.
 *
 * <p>Init (fresh model): per layer, in order, a generator seeded with the config's {@code seed} draws (random grouping: the input
 * then the output permutation), then {@code r ~ U[0,1)} per entry row-major, {@code M = r < p_intra}
 * inside groups and {@code r < p′} outside; then from the caller's generator {@code W ~ U(±1/√n_in)} (all entries drawn, masked), each
 * row's live weights scaled by {@code √(n_in / fan_in(row))} (empty rows stay 0), {@code b ~ U(±1/√mean
 * fan_in)}; the head takes PyTorch's default Linear init from that generator.
 * NOTE: Java draws differ from the PyTorch reference's; checkpoints carry the masks and permutations.
 *
 * <p>Names: {@code layers.{l}.weight/mask/bias/in_perm/out_perm}, {@code head.weight/bias}.
 */
public final class G2GNet extends Layer implements NeuralModel {
    /** Registry name and {@code ganglion.model}. */
    public static final String NAME = "g2gnet";
    private final G2GNetConfig config;
    private final Sequential layers;
    private final Activation act;
    private final Linear head;
    private boolean recording;
    private final Tensor[] lastInputs;
    private final Tensor[] lastOutputs;

    private G2GNet(G2GNetConfig config, List<G2GSparseLayer> sparse, Linear head) {
        this.config = config;
        this.layers = registerModule("layers", new Sequential(sparse.toArray(new Layer[0])));
        this.head = registerModule("head", head);
        this.act = Activation.of(config.activation());
        this.lastInputs = new Tensor[sparse.size()];
        this.lastOutputs = new Tensor[sparse.size()];
    }

    /** A freshly initialised network: structure from the config's seed ({@link #structure}), values from {@code rng}. */
    public static G2GNet create(G2GNetConfig cfg, Rng rng) {
        Rng structure = structure(cfg);
        List<G2GSparseLayer> sparse = new ArrayList<>();
        for (int l = 0; l < cfg.numLayers(); l++) {
            int nIn = width(cfg, l);
            int nOut = cfg.hiddenSize();
            Shape dense = denseShape(l, nOut, nIn);
            Groupings.Kind kind = Groupings.ofLayer(cfg.grouping(), l);
            int[] gIn = Groupings.groups(kind, nIn, cfg.groups(), structure);
            int[] gOut = Groupings.groups(kind, nOut, cfg.groups(), structure);
            boolean[] mask = drawMask(gOut, gIn, cfg.pIntra(), cfg.pInter(), structure);
            Tensor w = rng.uniform(dense, -1 / Math.sqrt(nIn), 1 / Math.sqrt(nIn));
            Tensor b = Init.fanIn(rng, scaleRows(w, mask, nIn), nOut); // no connections: zero biases
            sparse.add(G2GSparseLayer.fromDense(w, G2GSparseLayer.maskTensor(mask, nOut, nIn), b,
                    Groupings.permutation(gIn), Groupings.permutation(gOut), cfg.groups(), wantsInputGradient(l)));
        }
        return new G2GNet(cfg, sparse, new Linear(width(cfg, cfg.numLayers()), cfg.outputSize(), rng));
    }

    /**
     * The network of a checkpoint state (interchange names, masks as 0/1 tensors): any masks; the
     * permutations from {@code layers.{l}.in_perm/out_perm} when present, else from the config (a
     * {@code random} grouping is then redrawn from the seed as {@link #create} draws it). Every
     * entry's shape is checked before anything is drawn, so a config far larger than the tensors is
     * refused at once instead of after drawing masks of its size.
     *
     * @throws IllegalArgumentException naming the first missing or misshapen entry
     */
    public static G2GNet fromState(G2GNetConfig cfg, Map<String, Tensor> state) {
        List<Tensor[]> entries = new ArrayList<>();   // per layer: weight, mask, bias
        boolean permsStored = true;
        for (int l = 0; l < cfg.numLayers(); l++) {
            String p = "layers." + l + ".";
            entries.add(new Tensor[] {StateEntries.require(state, p + "weight", cfg.hiddenSize(), width(cfg, l)),
                StateEntries.require(state, p + "mask", cfg.hiddenSize(), width(cfg, l)),
                StateEntries.require(state, p + "bias", cfg.hiddenSize())});
            permsStored &= state.containsKey(p + "in_perm") && state.containsKey(p + "out_perm");
        }
        Tensor hw = StateEntries.require(state, "head.weight", cfg.outputSize(), width(cfg, cfg.numLayers()));
        Tensor hb = StateEntries.require(state, "head.bias", cfg.outputSize());
        List<int[][]> drawn = permsStored ? null : drawnPermutations(cfg);
        List<G2GSparseLayer> sparse = new ArrayList<>();
        for (int l = 0; l < cfg.numLayers(); l++) {
            String p = "layers." + l + ".";
            int[] inPerm = state.containsKey(p + "in_perm") ? G2GSparseLayer.toInts(state.get(p + "in_perm")) : drawn.get(l)[0];
            int[] outPerm = state.containsKey(p + "out_perm") ? G2GSparseLayer.toInts(state.get(p + "out_perm")) : drawn.get(l)[1];
            Tensor[] e = entries.get(l);
            try {
                sparse.add(G2GSparseLayer.fromDense(e[0], e[1], e[2], inPerm, outPerm, cfg.groups(), wantsInputGradient(l)));
            } catch (IllegalArgumentException ex) {   // a mask or permutation problem: say which layer's
                throw new IllegalArgumentException("g2gnet 'layers." + l + "': " + ex.getMessage(), ex);
            }
        }
        return new G2GNet(cfg, sparse, new Linear(hw, hb));
    }

    /** Replays {@link #create}'s draws to recover each layer's {@code (in_perm, out_perm)}. */
    private static List<int[][]> drawnPermutations(G2GNetConfig cfg) {
        Rng rng = structure(cfg);
        List<int[][]> out = new ArrayList<>();
        for (int l = 0; l < cfg.numLayers(); l++) {
            int nIn = width(cfg, l);
            int nOut = cfg.hiddenSize();
            Groupings.Kind kind = Groupings.ofLayer(cfg.grouping(), l);
            int[] gIn = Groupings.groups(kind, nIn, cfg.groups(), rng);
            int[] gOut = Groupings.groups(kind, nOut, cfg.groups(), rng);
            drawMask(gOut, gIn, cfg.pIntra(), cfg.pInter(), rng);
            out.add(new int[][] {Groupings.permutation(gIn), Groupings.permutation(gOut)});
        }
        return out;
    }

    /**
     * The stream groupings and masks are drawn from: the config's seed, but not the stream the
     * weights come from, which the caller may have seeded with the same number (see
     * {@link Rng#forPurpose}).
     */
    private static Rng structure(G2GNetConfig cfg) {
        return Rng.forPurpose(cfg.seed(), "g2gnet.structure");
    }

    /**
     * Whether sparse layer l's backward pass wants its input gradient, which picks its value order
     * ({@link G2GSparseLayer#fromDense(Tensor, Tensor, Tensor, int[], int[], int, boolean)}): not the
     * first layer's, whose input is the data.
     */
    private static boolean wantsInputGradient(int l) {
        return l > 0;
    }

    /**
     * Layer l's dense {@code [n_out, n_in]}, which the initialisation draws and the checkpoint
     * stores (weight and mask), or an error naming the layer when no tensor holds it.
     */
    private static Shape denseShape(int l, int nOut, int nIn) {
        return Shape.of("g2gnet layer " + l + " (" + nIn + " → " + nOut + "): its dense weight and mask, which "
                + "initialisation and checkpoints use", nOut, nIn);
    }

    static int width(G2GNetConfig cfg, int l) {
        return l == 0 ? cfg.inputSize() : cfg.hiddenSize();
    }

    /** {@code M_ij = r_ij < p_intra} where {@code g_out(i) = g_in(j)}, else {@code r_ij < p′}. */
    static boolean[] drawMask(int[] gOut, int[] gIn, double pIntra, double pInter, Rng rng) {
        boolean[] m = new boolean[gOut.length * gIn.length];
        for (int i = 0; i < gOut.length; i++) {
            for (int j = 0; j < gIn.length; j++) {
                double r = rng.nextDouble();
                m[i * gIn.length + j] = r < (gOut[i] == gIn[j] ? pIntra : pInter);
            }
        }
        return m;
    }

    /** Zeroes {@code w} off the mask, scales each row by √(n_in/fan_in); returns the mean fan-in. */
    static double scaleRows(Tensor w, boolean[] mask, int nIn) {
        float[] a = w.floatArray();
        long total = 0;
        int rows = mask.length / Math.max(nIn, 1);
        for (int i = 0; i < rows; i++) {
            int fan = 0;
            for (int j = 0; j < nIn; j++) {
                fan += mask[i * nIn + j] ? 1 : 0;
            }
            total += fan;
            float s = fan == 0 ? 0f : (float) Math.sqrt((double) nIn / fan);
            for (int j = 0; j < nIn; j++) {
                a[i * nIn + j] = mask[i * nIn + j] ? a[i * nIn + j] * s : 0f;
            }
        }
        w.markWritten();
        return rows == 0 ? 0 : (double) total / rows;
    }

    /**
     * {@code x [B, d_in] → y [B, C]}. The activations between layers are feature-major
     * ({@code hᵀ [width, B]}, {@link G2GSparseLayer#forwardFeatureMajor}): the sparse kernels
     * compute in that layout, so each layer reaches them by copies instead of transposes, and the
     * head is {@code yᵀ = W_head·hᵀ + b_head} read back through a transposed view.
     */
    @Override
    public Var forward(Var x) {
        NeuralModel.checkInput(NAME, x, config.inputSize());
        NeuralModel.checkInputDtype(NAME, x, this);
        return run(x, UnaryOperator.identity(), recording && NoGrad.isGradEnabled());
    }

    @Override
    public Var forward(Var x, UnaryOperator<Var> substitute) {
        NeuralModel.checkInput(NAME, x, config.inputSize());
        return run(x, NeuralModel.checkedSubstitute(this, substitute), false);
    }

    private Var run(Var x, UnaryOperator<Var> p, boolean record) {
        Var ht = x.transpose(0, 1);
        boolean fusedRelu = act.kind() == Activation.Kind.RELU;
        for (int l = 0; l < layers.size(); l++) {
            Tensor pre = ht.value();
            G2GSparseLayer layer = layer(l);
            // a ReLU runs inside the layer's op (G2GLayerFunction says why), any other activation after it
            Var h = layer.forwardFeatureMajor(ht, p.apply(layer.weight()), p.apply(layer.bias()), fusedRelu);
            ht = fusedRelu ? h : act.forward(h);
            if (record) {
                lastInputs[l] = pre.mT();
                lastOutputs[l] = ht.value().mT();
            }
        }
        Var yt = p.apply(head.weight()).matmul(ht);
        if (head.bias() != null) {
            yt = yt.add(p.apply(head.bias()).reshape(config.outputSize(), 1));
        }
        return yt.transpose(0, 1);
    }

    /** The typed config. */
    public G2GNetConfig typedConfig() {
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

    /** Sparse layer {@code l}. */
    public G2GSparseLayer layer(int l) {
        return (G2GSparseLayer) layers.get(l);
    }

    /** Number of sparse layers ({@code num_layers}), the head not counted. */
    public int numLayers() {
        return layers.size();
    }

    /**
     * The dense output layer {@code y = h_L·W_headᵀ + b_head}: H → C features (d_in → C with no sparse
     * layers).
     */
    public Linear head() {
        return head;
    }

    /** Dynamic sparse training when the config asks for it ({@code dst = true}), else nothing. */
    @Override
    public dev.ganglion.models.StepHook stepHook(dev.ganglion.autodiff.optim.Optimizer optimizer) {
        return config.dst() == null ? dev.ganglion.models.StepHook.NONE : new DynamicSparsity(this, optimizer, config.dst());
    }

    /**
     * Keeps (when on) each layer's last input and post-activation output, for Hebbian rewiring: of
     * the forwards that build a graph (training steps) only, so that a forward under {@link NoGrad}
     * (an evaluation, or another thread serving the model while it trains) neither changes the
     * rewiring nor keeps its activations alive.
     */
    public void recordActivations(boolean on) {
        recording = on;
    }

    /** Layer {@code l}'s input of the last recorded forward ({@code [S, n_in]}), or null. */
    public Tensor lastInput(int l) {
        return lastInputs[l];
    }

    /** Layer {@code l}'s post-activation output of the last recorded forward ({@code [S, n_out]}), or null. */
    public Tensor lastOutput(int l) {
        return lastOutputs[l];
    }

    /**
     * The network of a checkpoint's tensors ({@link dev.ganglion.models.ModelFactory}'s stored state,
     * float32): its masks and, when stored, permutations, with zero values where the state has none,
     * for a loader that fills them afterwards; a fresh model when there are no masks.
     */
    static G2GNet structured(G2GNetConfig cfg, Map<String, Tensor> storedState, Rng rng) {
        if (!storedState.containsKey("layers.0.mask") && cfg.numLayers() > 0) {
            return create(cfg, rng);
        }
        Map<String, Tensor> state = new LinkedHashMap<>(storedState);
        // zeros only where an entry is missing (putIfAbsent had allocated them, of the config's sizes, every time)
        for (int l = 0; l < cfg.numLayers(); l++) {
            int in = width(cfg, l);
            state.computeIfAbsent("layers." + l + ".weight", k -> Tensor.zeros(cfg.hiddenSize(), in));
            state.computeIfAbsent("layers." + l + ".bias", k -> Tensor.zeros(cfg.hiddenSize()));
        }
        state.computeIfAbsent("head.weight", k -> Tensor.zeros(cfg.outputSize(), width(cfg, cfg.numLayers())));
        state.computeIfAbsent("head.bias", k -> Tensor.zeros(cfg.outputSize()));
        return fromState(cfg, state);
    }
}
