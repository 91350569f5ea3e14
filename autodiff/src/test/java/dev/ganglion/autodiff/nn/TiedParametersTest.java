package dev.ganglion.autodiff.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ganglion.autodiff.Var;
import dev.ganglion.autodiff.checkpoint.Checkpoint;
import dev.ganglion.autodiff.optim.Adam;
import dev.ganglion.engine.DType;
import dev.ganglion.engine.Rng;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.io.SafetensorsFile;
import dev.ganglion.engine.io.SafetensorsReader;
import dev.ganglion.engine.io.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tied parameters: one module registered twice and one Var registered under two names are listed
 * once for optimizers, stored under every name, and stay tied through a checkpoint.
 */
class TiedParametersTest {
    @TempDir
    Path dir;

    /** A scale parameter owned by another module and registered there again (weight tying). */
    static final class Gain extends Layer {
        final Var gain;

        Gain(Var shared) {
            gain = registerParameter("gain", shared);
        }

        @Override
        public Var forward(Var x) {
            return x.mul(gain);
        }
    }

    /** {@code y = out(gain ⊙ lin(lin(x)))} with {@code lin} registered as {@code a} and {@code b}. */
    static final class TiedNet extends Layer {
        final Linear lin;
        final Var gain;
        final Gain head;

        TiedNet(long seed) {
            lin = new Linear(3, 3, new Rng(seed));
            registerModule("a", lin);
            registerModule("b", lin);
            gain = registerParameter("gain", Tensor.full(Shape.of(3), 1.5, DType.F32));
            head = registerModule("head", new Gain(gain));
        }

        @Override
        public Var forward(Var x) {
            return head.forward(lin.forward(lin.forward(x)));
        }
    }

    @Test
    void listingsNameEachParameterOnceAndTheStateEveryName() {
        TiedNet net = new TiedNet(1);
        assertThat(net.namedParameters().keySet()).containsExactly("gain", "a.weight", "a.bias");
        assertThat(net.parameters()).containsExactly(net.gain, net.lin.weight(), net.lin.bias());
        assertThat(net.parameterCount()).isEqualTo(3 + 9 + 3);
        assertThat(net.namedModules().keySet()).containsExactly("", "a", "head");
        assertThat(net.stateDict().keySet()).containsExactly("gain", "a.weight", "a.bias", "b.weight", "b.bias",
                "head.gain");
        assertThat(net.stateGradients().keySet()).containsExactlyElementsOf(net.stateDict().keySet());
    }

    @Test
    void aTiedModelTrainsWithAdam() {
        TiedNet net = new TiedNet(2);
        Adam adam = new Adam(net.parameters(), 1e-2);
        Var x = Var.constant(new Rng(3).normal(Shape.of(8, 3), 0, 1));
        Var target = Var.constant(new Rng(4).normal(Shape.of(8, 3), 0, 1));
        double first = Double.NaN;
        double last = Double.NaN;
        for (int step = 0; step < 30; step++) {
            adam.zeroGrad();
            Var loss = Losses.mse(net.forward(x), target);
            loss.backward();
            adam.step();
            first = step == 0 ? loss.item() : first;
            last = loss.item();
        }
        assertThat(last).isLessThan(first);
    }

    @Test
    void aCheckpointRoundTripKeepsTheTie() throws IOException {
        TiedNet net = new TiedNet(5);
        Adam adam = new Adam(net.parameters(), 1e-2);
        Var x = Var.constant(new Rng(6).normal(Shape.of(4, 3), 0, 1));
        Losses.mse(net.forward(x), Var.constant(Tensor.zeros(4, 3))).backward();
        adam.step();
        Path file = dir.resolve("tied.safetensors");
        Checkpoint.save(file, net, Map.of(), adam);
        try (SafetensorsFile f = SafetensorsReader.open(file)) {
            assertThat(f.tensor("b.weight").toDoubleArray()).containsExactly(f.tensor("a.weight").toDoubleArray());
            assertThat(f.names()).contains("optim.a.weight.step").doesNotContain("optim.b.weight.step");
        }

        TiedNet back = new TiedNet(99);
        Adam backAdam = new Adam(back.parameters(), 1e-2);
        Checkpoint.load(file, back, backAdam);
        assertThat(back.lin.weight().value().toDoubleArray()).containsExactly(net.lin.weight().value().toDoubleArray());
        assertThat(back.namedParameters().keySet()).containsExactly("gain", "a.weight", "a.bias");
        assertThat(back.children().get("b")).isSameAs(back.children().get("a"));
        assertThat(back.head.gain).isSameAs(back.gain);
        assertThat(backAdam.stateDict().steps()).containsExactly(1L, 1L, 1L);
    }

    @Test
    void aStateWhoseTiedNamesDifferIsRefusedAndNothingIsWritten() {
        TiedNet net = new TiedNet(7);
        double[] before = net.lin.weight().value().toDoubleArray();
        Map<String, Tensor> state = new LinkedHashMap<>();
        net.stateDict().forEach((n, t) -> state.put(n, t.copy()));
        state.put("b.weight", Tensor.zeros(3, 3));
        state.put("head.gain", Tensor.zeros(3));
        assertThatThrownBy(() -> net.loadStateDict(state, true))
                .hasMessageContaining("'b.weight' and 'a.weight' name one tied tensor of the TiedNet")
                .hasMessageContaining("'head.gain' and 'gain' name one tied tensor");
        assertThat(net.lin.weight().value().toDoubleArray()).containsExactly(before);
    }

    /** One gain Var in {@code n}, and in {@code m}, which is registered as both {@code x} and {@code y}. */
    static final class ThreeNames extends Module {
        final Var gain = Var.parameter(Tensor.full(Shape.of(2), 1, DType.F32));

        ThreeNames() {
            registerModule("n", new Gain(gain));
            Gain m = new Gain(gain);
            registerModule("x", m);
            registerModule("y", m);
        }
    }

    @Test
    void aModuleRegisteredTwiceJoinsTheTieOfATensorItShares() {
        // y.gain was put in a group of its own (x.gain's name, not n.gain's group): the state below was
        // accepted and its last copy written
        ThreeNames net = new ThreeNames();
        Map<String, Tensor> state = new LinkedHashMap<>();
        state.put("n.gain", Tensor.full(Shape.of(2), 5, DType.F32));
        state.put("x.gain", Tensor.full(Shape.of(2), 5, DType.F32));
        state.put("y.gain", Tensor.full(Shape.of(2), 9, DType.F32));
        assertThatThrownBy(() -> net.loadStateDict(state, true))
                .hasMessageContaining("'y.gain' and 'n.gain' name one tied tensor of the ThreeNames");
        assertThat(net.gain.value().toDoubleArray()).containsExactly(1, 1);
    }

    @Test
    void aCheckpointFileWhoseTiedCopiesDifferIsRefused() throws IOException {
        TiedNet net = new TiedNet(8);
        SafetensorsWriter w = new SafetensorsWriter();
        net.stateDict().forEach((n, t) -> w.put(n, n.equals("b.bias") ? Tensor.ones(3) : t));
        Path file = dir.resolve("untied.safetensors");
        w.write(file);
        assertThatThrownBy(() -> Checkpoint.load(file, new TiedNet(8), null))
                .hasMessageContaining("'b.bias' and 'a.bias' name one tied tensor");
    }
}
