package dev.ganglion.models.g2gnet;

import static dev.ganglion.models.Golden.assertClose;

import dev.ganglion.autodiff.LinalgOps;
import dev.ganglion.autodiff.Var;
import dev.ganglion.autodiff.nn.Activation;
import dev.ganglion.engine.DType;
import dev.ganglion.engine.Rng;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * G2GNet on random configs against the dense masked network it stands for (models.md §3,
 * {@code h = act(h·(W ⊙ M)ᵀ + b)} per sparse layer, then the dense head): awkward widths, group counts
 * that do not divide them, every grouping, densities 0 and 1, batches of 0, 1 and odd sizes, and masks
 * with holes inside the diagonal blocks or extra live entries, loaded from a state or reached by
 * {@link G2GSparseLayer#rewire} (as dynamic sparse training does). The output, the input gradient and
 * every parameter gradient (sparse weights in dense form) must agree.
 */
class G2GNetPropertyTest {
    private static final List<String> GROUPINGS = List.of("index", "interleaved", "random", "mixer");
    private static final List<String> ACTIVATIONS = List.of("relu", "tanh", "silu");

    @Test
    void randomConfigsMatchTheDenseMaskedNetwork() {
        Random r = new Random(20261124);
        for (int c = 0; c < 60; c++) {
            int hidden = 1 + r.nextInt(70);
            G2GNetConfig cfg = new G2GNetConfig(1 + r.nextInt(40), hidden, r.nextInt(4), 1 + r.nextInt(7),
                    1 + r.nextInt(Math.min(hidden, 9) + 2), probability(r), probability(r), GROUPINGS.get(r.nextInt(4)),
                    ACTIVATIONS.get(r.nextInt(3)), r.nextInt(1000));
            int batch = List.of(0, 1, 2, 17, 33).get(r.nextInt(5));
            check("case " + c + " " + cfg + " batch " + batch, cfg, batch, r);
        }
    }

    /** 0, 1 or a random probability: the edges where a layer is empty, full or has no dead connection. */
    static double probability(Random r) {
        return switch (r.nextInt(4)) {
            case 0 -> 0;
            case 1 -> 1;
            default -> r.nextDouble();
        };
    }

    private static void check(String what, G2GNetConfig cfg, int batch, Random r) {
        G2GNet net = G2GNet.create(cfg, new Rng(r.nextLong()));
        Map<String, Tensor> state;
        if (r.nextBoolean()) {
            for (int l = 0; l < cfg.numLayers(); l++) {
                net.layer(l).rewire(swapped(net.layer(l).maskArray(), r)); // as dynamic sparse training does
            }
            state = net.stateDict();
        } else {
            state = new HashMap<>(net.stateDict());
            for (int l = 0; l < cfg.numLayers(); l++) {
                flipMaskEntries(state, l, r); // holes and new live entries, the weight stale where the mask is 0
            }
            net = G2GNet.fromState(cfg, state);
        }
        Tensor input = new Rng(r.nextLong()).normal(Shape.of(batch, cfg.inputSize()), 0, 1);
        Tensor seed = new Rng(r.nextLong()).normal(Shape.of(batch, cfg.outputSize()), 0, 1);

        Var x = Var.parameter(input.copy());
        Var y = net.forward(x);
        y.backward(seed);

        Var xRef = Var.parameter(input.copy());
        Map<String, Var> ref = new HashMap<>();
        Activation act = Activation.of(cfg.activation());
        Var h = xRef;
        for (int l = 0; l < cfg.numLayers(); l++) {
            Var w = Var.parameter(state.get("layers." + l + ".weight").copy());
            Var b = Var.parameter(state.get("layers." + l + ".bias").copy());
            ref.put("layers." + l + ".weight", w);
            ref.put("layers." + l + ".bias", b);
            Var mask = Var.constant(state.get("layers." + l + ".mask").to(DType.F32));
            h = act.forward(LinalgOps.linear(h, w.mul(mask), b));
        }
        Var wHead = Var.parameter(state.get("head.weight").copy());
        Var bHead = Var.parameter(state.get("head.bias").copy());
        ref.put("head.weight", wHead);
        ref.put("head.bias", bHead);
        Var yRef = LinalgOps.linear(h, wHead, bHead);
        yRef.backward(seed);

        assertClose(what + ": output", y.value(), yRef.value());
        assertClose(what + ": input gradient", x.grad(), xRef.grad());
        for (int l = 0; l < cfg.numLayers(); l++) {
            // the reference's ∂L/∂W is 0 off the mask (∂(W ⊙ M)/∂W = M), as the dense form of the sparse gradient
            assertClose(what + ": layers." + l + ".weight gradient", net.layer(l).denseGrad(), ref.get("layers." + l + ".weight").grad());
            assertClose(what + ": layers." + l + ".bias gradient", net.layer(l).bias().grad(), ref.get("layers." + l + ".bias").grad());
        }
        assertClose(what + ": head.weight gradient", net.head().weight().grad(), wHead.grad());
        assertClose(what + ": head.bias gradient", net.head().bias().grad(), bHead.grad());
    }

    /** The mask with up to a fifth of its live entries moved to dead places (the live count kept). */
    private static boolean[] swapped(boolean[] mask, Random r) {
        boolean[] m = mask.clone();
        for (int k = 0; k < m.length / 5; k++) {
            int on = r.nextInt(m.length);
            int off = r.nextInt(m.length);
            if (m[on] && !m[off]) {
                m[on] = false;
                m[off] = true;
            }
        }
        return m;
    }

    /** Turns about a tenth of layer l's mask entries over; where the mask ends up 0 the weight holds a stale value. */
    private static void flipMaskEntries(Map<String, Tensor> state, int l, Random r) {
        Tensor mask = state.get("layers." + l + ".mask").copy();
        Tensor weight = state.get("layers." + l + ".weight").copy();
        for (int i = 0; i < mask.dim(0); i++) {
            for (int j = 0; j < mask.dim(1); j++) {
                if (r.nextInt(10) == 0) {
                    mask.set(mask.get(i, j) != 0 ? 0 : 1, i, j);
                    weight.set(r.nextGaussian() * 0.3, i, j);
                } else if (mask.get(i, j) == 0) {
                    weight.set(r.nextGaussian(), i, j); // stale: must not contribute
                }
            }
        }
        state.put("layers." + l + ".mask", mask);
        state.put("layers." + l + ".weight", weight);
    }
}
