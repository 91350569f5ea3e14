package dev.ganglion.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ganglion.autodiff.Var;
import dev.ganglion.engine.DType;
import dev.ganglion.engine.Tensor;
import dev.ganglion.models.testing.SmallModels;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link NeuralModel#forward(Var, java.util.function.UnaryOperator)} of every registered model. */
class FunctionalForwardTest {
    private final ModelRegistry reg = ModelRegistry.standard();

    @Test
    void withItsOwnParametersItIsTheForwardAndAsksForEachOfThem() {
        for (String name : reg.names()) {
            NeuralModel m = SmallModels.create(reg, name);
            Var x = Var.constant(SmallModels.input(m, 1));
            Set<Var> asked = Collections.newSetFromMap(new IdentityHashMap<>());
            Var y = m.forward(x, p -> {
                asked.add(p);
                return p;
            });
            assertThat(y.value().toFloatArray()).as(name).containsExactly(m.forward(x).value().toFloatArray());
            List<Var> params = m.module().parameters();
            assertThat(asked).as(name + ": the parameters substituted").hasSize(params.size()).allMatch(params::contains);
        }
    }

    @Test
    void onFloat64CopiesItComputesInFloat64AndLeavesTheModelAlone() {
        for (String name : reg.names()) {
            NeuralModel m = SmallModels.create(reg, name);
            Tensor x = SmallModels.input(m, 2);
            IdentityHashMap<Var, Var> copies = new IdentityHashMap<>();
            for (Var p : m.module().parameters()) {
                copies.put(p, Var.parameter(p.value().to(DType.F64)));
            }
            Var y = m.forward(Var.constant(x.to(DType.F64)), copies::get);
            assertThat(y.dtype()).as(name).isEqualTo(DType.F64);
            float[] want = m.forward(Var.constant(x)).value().toFloatArray();
            double[] got = y.value().toDoubleArray();
            for (int i = 0; i < want.length; i++) {
                assertThat(got[i]).as(name + " output " + i).isCloseTo(want[i], org.assertj.core.data.Offset.offset(1e-5));
            }
            y.sum().backward();
            for (Var p : m.module().parameters()) {
                assertThat(p.grad()).as(name + ": the model's own parameter").isNull();
                if (p.requiresGrad()) {
                    assertThat(copies.get(p).grad()).as(name + ": its copy's gradient").isNotNull();
                }
            }
        }
    }

    @Test
    void aMissingOrMisshapenReplacementIsNamed() {
        for (String name : reg.names()) {
            NeuralModel m = SmallModels.create(reg, name);
            Var x = Var.constant(SmallModels.input(m, 3));
            assertThatThrownBy(() -> m.forward(x, p -> null)).as(name)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith(name + ".forward(x, substitute): the replacement of '")
                    .hasMessageEndingWith(" is null");
            assertThatThrownBy(() -> m.forward(x, p -> Var.constant(Tensor.zeros(p.size() + 1)))).as(name)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageMatching(java.util.regex.Pattern.quote(name) + "\\.forward\\(x, substitute\\): the replacement of "
                            + "'[a-z_0-9.]+' \\[[0-9, ]*\\] is of shape \\[[0-9]+\\]");
        }
    }

    @Test
    void theInputIsCheckedAsByTheForward() {
        for (String name : reg.names()) {
            NeuralModel m = SmallModels.create(reg, name);
            Var bad = Var.constant(Tensor.zeros(2, 1, 99));
            assertThatThrownBy(() -> m.forward(bad, p -> p)).as(name)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got");
        }
    }
}
