package dev.ganglion.autodiff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Long unrolls walk without recursion; saved activations are dropped while backward runs. */
class ReleaseAndUnrollTest {
    private static final int STEPS = 2000;

    /**
     * {@code h_t = tanh(w ⊙ h_{t−1} + x_t)}, 2,000 steps, walked on a thread with a 256 KiB stack (a
     * recursive walk over ~6,000 nodes would overflow it), checked against hand-written BPTT.
     */
    @Test
    void twoThousandStepRecurrentUnrollMatchesHandWrittenBackprop() throws Exception {
        int n = 4;
        double[] w0 = {0.9, -0.5, 0.7, 1.1};
        double[][] xs = new double[STEPS][n];
        for (int t = 0; t < STEPS; t++) {
            for (int i = 0; i < n; i++) {
                xs[t][i] = Math.sin(0.37 * t + i);
            }
        }
        AtomicReference<Object> result = new AtomicReference<>();
        Thread thread = new Thread(null, () -> {
            try {
                Var w = Var.parameter(Tensor.of(w0, n));
                Var h = Var.constant(Tensor.zeros(Shape.of(n), w.dtype()));
                for (int t = 0; t < STEPS; t++) {
                    h = w.mul(h).add(Var.constant(Tensor.of(xs[t], n))).tanh();
                }
                h.sum().backward();
                result.set(w.grad().toDoubleArray());
            } catch (Throwable e) {
                result.set(e);
            }
        }, "small-stack", 256 * 1024);
        thread.start();
        thread.join();
        if (result.get() instanceof Throwable e) {
            throw new AssertionError("backward on a small stack failed", e);
        }
        double[] expected = bptt(w0, xs);
        double[] actual = (double[]) result.get();
        for (int i = 0; i < n; i++) {
            assertThat(actual[i]).isCloseTo(expected[i], within(1e-10));
        }
    }

    private static double[] bptt(double[] w, double[][] xs) {
        int n = w.length;
        double[][] h = new double[STEPS + 1][n];
        for (int t = 0; t < STEPS; t++) {
            for (int i = 0; i < n; i++) {
                h[t + 1][i] = Math.tanh(w[i] * h[t][i] + xs[t][i]);
            }
        }
        double[] dw = new double[n];
        for (int i = 0; i < n; i++) {
            double dh = 1;
            for (int t = STEPS; t >= 1; t--) {
                double da = dh * (1 - h[t][i] * h[t][i]);
                dw[i] += da * h[t - 1][i];
                dh = da * w[i];
            }
        }
        return dw;
    }

    /**
     * A probe op at the start of a chain runs its backward last: by then every later node has been
     * released (no saved tensors, no inputs), and an activation only the graph referenced is gone.
     */
    @Test
    void savedActivationsAreReleasedDuringBackward() {
        List<Node> nodes = new ArrayList<>();
        List<WeakReference<Tensor>> activations = new ArrayList<>();
        AtomicReference<String> seenByProbe = new AtomicReference<>();
        CustomFunction probe = CustomFunction.of("probe", (ctx, in) -> in[0].copy(), (ctx, g) -> {
            seenByProbe.set(describe(nodes, activations));
            return new Tensor[] {g};
        });
        Var x = Var.parameter(Tensor.ones(64));
        Var loss = buildChain(x, probe, nodes, activations);
        assertThat(nodes).allMatch(node -> node.savedCount() == 1 && !node.released());
        loss.backward();
        assertThat(seenByProbe.get()).isEqualTo("released 5 of 5 nodes, collected 5 of 5 activations");
        assertThat(x.grad()).isNotNull();
    }

    /** {@code loss = Σ exp⁵(probe(x))}, keeping only the nodes and weak references to the activations. */
    private static Var buildChain(Var x, CustomFunction probe, List<Node> nodes, List<WeakReference<Tensor>> refs) {
        Var h = probe.apply(x);
        for (int i = 0; i < 5; i++) {
            h = h.scale(0.1).exp();
            nodes.add(h.node);
            refs.add(new WeakReference<>(h.value()));
        }
        return h.sum();
    }

    private static String describe(List<Node> nodes, List<WeakReference<Tensor>> refs) {
        long released = nodes.stream().filter(n -> n.released() && n.savedCount() == 0).count();
        long collected = 0;
        for (int attempt = 0; attempt < 10 && collected < refs.size(); attempt++) {
            System.gc();
            collected = refs.stream().filter(r -> r.get() == null).count();
        }
        return "released " + released + " of " + nodes.size() + " nodes, collected " + collected + " of "
                + refs.size() + " activations";
    }
}
