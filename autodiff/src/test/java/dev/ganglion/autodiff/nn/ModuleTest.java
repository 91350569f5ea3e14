package dev.ganglion.autodiff.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ganglion.autodiff.Var;
import dev.ganglion.engine.Rng;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.io.IntType;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The module tree: names, order, buffers, modes, state dicts and their errors. */
class ModuleTest {
    /** {@code layers: Sequential(Linear, relu, Dropout, Linear)}, a buffer, a head. */
    static final class Net extends Layer {
        final Sequential layers;
        final Linear head;
        final Tensor mask;

        Net(long seed) {
            Rng rng = new Rng(seed);
            layers = registerModule("layers", new Sequential(new Linear(4, 6, rng), Activation.relu(),
                    new Dropout(0.5, new Rng(seed + 1)), new Linear(6, 5, rng)));
            mask = registerBuffer("mask", Tensor.ones(5), IntType.U8);
            head = registerModule("head", new Linear(5, 2, false, rng));
        }

        @Override
        public Var forward(Var x) {
            return head.forward(layers.forward(x).mul(Var.constant(mask)));
        }
    }

    @Test
    void namesAreHierarchicalAndOrdered() {
        Net net = new Net(1);
        assertThat(net.namedParameters().keySet()).containsExactly(
                "layers.0.weight", "layers.0.bias", "layers.3.weight", "layers.3.bias", "head.weight");
        assertThat(net.parameters()).containsExactlyElementsOf(net.namedParameters().values());
        assertThat(net.namedBuffers().keySet()).containsExactly("mask");
        assertThat(net.stateDict().keySet()).containsExactly(
                "mask", "layers.0.weight", "layers.0.bias", "layers.3.weight", "layers.3.bias", "head.weight");
        assertThat(net.stateIntTypes()).containsExactly(Map.entry("mask", IntType.U8));
        assertThat(net.namedModules().keySet()).containsExactly("", "layers", "layers.0", "layers.1", "layers.2",
                "layers.3", "head");
        assertThat(net.parameterCount()).isEqualTo(4 * 6 + 6 + 6 * 5 + 5 + 5 * 2);
        assertThat(net.extraState().keySet()).containsExactly("layers.2.rng");
    }

    @Test
    void sameSeedSameParameters() {
        Map<String, Tensor> a = new Net(7).stateDict();
        Map<String, Tensor> b = new Net(7).stateDict();
        Map<String, Tensor> c = new Net(8).stateDict();
        a.forEach((n, t) -> assertThat(b.get(n).toFloatArray()).as(n).containsExactly(t.toFloatArray()));
        assertThat(c.get("layers.0.weight").toFloatArray()).isNotEqualTo(a.get("layers.0.weight").toFloatArray());
    }

    @Test
    void registrationErrors() {
        class Bad extends Module {
            void twice() {
                registerParameter("w", Tensor.zeros(2));
                registerBuffer("w", Tensor.zeros(2));
            }

            void dotted() {
                registerModule("a.b", new Linear(1, 1, new Rng(0)));
            }

            void nonLeaf() {
                Var p = Var.parameter(Tensor.ones(2));
                registerParameter("x", p.exp());
            }

            void contain(String name, Module m) {
                registerModule(name, m);
            }
        }
        assertThatThrownBy(() -> new Bad().twice()).hasMessageContaining("'w' is already registered");
        assertThatThrownBy(() -> new Bad().dotted()).hasMessageContaining("'a.b'");
        assertThatThrownBy(() -> new Bad().nonLeaf()).hasMessageContaining("must be a leaf");
        Bad outer = new Bad();
        Bad inner = new Bad();
        outer.contain("inner", inner);
        // a cycle made every listing, state and train() walk recurse until the stack overflowed
        assertThatThrownBy(() -> inner.contain("outer", outer))
                .hasMessage("Bad: registering Bad as 'outer' would make a cycle: it already contains this Bad");
        assertThat(outer.namedModules()).containsOnlyKeys("", "inner");
        assertThat(new Bad().typeName()).isEqualTo("Bad");
        Module anonymous = new Module() {
        };
        assertThat(anonymous.typeName()).isEqualTo(anonymous.getClass().getName()) // not the empty simple name
                .startsWith(ModuleTest.class.getName() + "$");
    }

    @Test
    void trainAndEvalReachEveryDescendant() {
        Net net = new Net(1);
        net.eval();
        net.namedModules().values().forEach(m -> assertThat(m.isTraining()).isFalse());
        Var x = Var.constant(new Rng(3).normal(dev.ganglion.engine.Shape.of(3, 4), 0, 1));
        assertThat(net.forward(x).value().toFloatArray()).containsExactly(net.forward(x).value().toFloatArray());
        net.train();
        net.namedModules().values().forEach(m -> assertThat(m.isTraining()).isTrue());
    }

    @Test
    void stateDictRoundTripKeepsParameterIdentity() {
        Net a = new Net(1);
        Net b = new Net(2);
        Var w = b.namedParameters().get("layers.0.weight");
        b.loadStateDict(a.stateDict(), true);
        assertThat(b.namedParameters().get("layers.0.weight")).isSameAs(w);
        a.stateDict().forEach((n, t) -> assertThat(b.stateDict().get(n).toFloatArray()).as(n).containsExactly(t.toFloatArray()));
    }

    @Test
    void strictLoadListsEveryProblemAndWritesNothing() {
        Net net = new Net(1);
        float[] before = net.head.weight().value().toFloatArray();
        Map<String, Tensor> state = new LinkedHashMap<>(new Net(2).stateDict());
        state.remove("layers.0.bias");
        state.put("layers.9.weight", Tensor.zeros(1));
        state.put("layers.3.weight", Tensor.zeros(6, 5));
        assertThatThrownBy(() -> net.loadStateDict(state, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3 problem(s)")
                .hasMessageContaining("'layers.0.bias': missing")
                .hasMessageContaining("'layers.9.weight': unexpected")
                .hasMessageContaining("'layers.3.weight': shape [6, 5] in the state, [5, 6] in the Linear");
        assertThat(net.head.weight().value().toFloatArray()).containsExactly(before);
    }

    @Test
    void nonStrictLoadSkipsMissingAndUnexpectedButNotShapes() {
        Net net = new Net(1);
        Net other = new Net(2);
        Map<String, Tensor> state = new LinkedHashMap<>();
        state.put("head.weight", other.head.weight().value());
        state.put("nonsense", Tensor.zeros(3));
        net.loadStateDict(state, false);
        assertThat(net.head.weight().value().toFloatArray()).containsExactly(other.head.weight().value().toFloatArray());
        state.put("head.weight", Tensor.zeros(3, 3));
        assertThatThrownBy(() -> net.loadStateDict(state, false)).hasMessageContaining("'head.weight': shape [3, 3]");
    }

    @Test
    void extraStateRoundTripsAndIsChecked() {
        Net a = new Net(1);
        Net b = new Net(1);
        Var x = Var.constant(Tensor.ones(2, 4));
        a.forward(x); // a's dropout generator moves
        b.loadExtraState(a.extraState(), true);
        assertThat(b.forward(x).value().toFloatArray()).containsExactly(a.forward(x).value().toFloatArray());
        assertThatThrownBy(() -> b.loadExtraState(Map.of(), true)).hasMessageContaining("'layers.2.rng': missing");
        assertThatThrownBy(() -> b.loadExtraState(Map.of("layers.2.rng", "1,2"), false))
                .hasMessageContaining("not 4 comma-separated hex words");
        assertThatThrownBy(() -> b.loadExtraState(Map.of("layers.2.rng", "1,2,3,4", "x", "y"), true))
                .hasMessageContaining("'x': unexpected");
    }

    @Test
    void zeroGradClearsEveryParameter() {
        Net net = new Net(1);
        net.forward(Var.constant(Tensor.ones(2, 4))).sum().backward();
        assertThat(net.parameters()).allSatisfy(p -> assertThat(p.grad()).isNotNull());
        net.zeroGrad();
        assertThat(net.parameters()).allSatisfy(p -> assertThat(p.grad()).isNull());
    }
}
