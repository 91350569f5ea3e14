package dev.ganglion.models.recurrent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.ganglion.autodiff.Var;
import dev.ganglion.engine.DType;
import dev.ganglion.engine.Rng;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.models.ModelConfig;
import dev.ganglion.models.ModelRegistry;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Chunked (truncated BPTT) and step-by-step runs reproduce the full-sequence forward. */
class RecurrentApiTest {
    static Stream<RecurrentModel> models() {
        ModelRegistry reg = ModelRegistry.standard();
        List<RecurrentModel> out = new java.util.ArrayList<>();
        for (String v : List.of("lstm", "sublstm", "fix-sublstm")) {
            out.add((RecurrentModel) reg.create(reg.config(v, Map.of("input_size", 3, "hidden_size", 5,
                    "num_layers", 2, "output_size", 2)), 1));
        }
        ModelConfig elm = reg.config("elm", Map.of("input_size", 4, "output_size", 2, "num_memory", 6,
                "num_branches", 2, "synapses_per_branch", 2, "mlp_activation", "silu"));
        out.add((RecurrentModel) reg.create(elm, 2));
        out.add(new ElmNeuron(reg.config("elm", Map.of("input_size", 4, "output_size", 3, "num_memory", 5,
                "num_branches", 3)), Tensor.of(new float[] {3, -1, 0}, 3), new Rng(3)));
        return out.stream();
    }

    @ParameterizedTest
    @MethodSource("models")
    void chunksAndStepsMatchTheFullForward(RecurrentModel model) {
        int steps = 7;
        Tensor x = new Rng(4).uniform(Shape.of(3, steps, model.config().getInt("input_size")), -1, 1);
        Tensor full = model.forward(Var.constant(x)).value();
        assertThat(full.shape().dims()).containsExactly(3, steps, model.config().getInt("output_size"));

        RecurrentState s = model.initialState(3, DType.F32);
        SequenceResult a = model.forward(Var.constant(x.slice(1, 0, 4)), s);
        SequenceResult b = model.forward(Var.constant(x.slice(1, 4, steps)), a.state());
        assertThat(a.state().tensors()).allSatisfy(v -> assertThat(v.requiresGrad()).isFalse());
        assertClose(a.output().value(), full.slice(1, 0, 4));
        assertClose(b.output().value(), full.slice(1, 4, steps));

        s = model.initialState(3, DType.F32);
        for (int t = 0; t < steps; t++) {
            SequenceResult r = model.step(Var.constant(x.select(1, t)), s);
            assertClose(r.output().value(), full.select(1, t));
            s = r.state();
        }
    }

    @ParameterizedTest
    @MethodSource("models")
    void truncatedChunksKeepGradientsInsideTheChunk(RecurrentModel model) {
        Tensor x = new Rng(5).uniform(Shape.of(2, 6, model.config().getInt("input_size")), -1, 1);
        Var first = Var.parameter(x.slice(1, 0, 3).copy());
        Var second = Var.parameter(x.slice(1, 3, 6).copy());
        SequenceResult a = model.forward(first, model.initialState(2, DType.F32));
        model.forward(second, a.state()).output().sum().backward();
        assertThat(first.grad()).as("no gradient crosses the chunk boundary").isNull();
        assertThat(second.grad()).isNotNull();
        Var stepIn = Var.parameter(x.select(1, 0).copy());
        SequenceResult s1 = model.step(stepIn, model.initialState(2, DType.F32));
        model.step(Var.constant(x.select(1, 1)), s1.state()).output().sum().backward();
        assertThat(stepIn.grad()).as("step() keeps the state attached").isNotNull();
    }

    private static void assertClose(Tensor a, Tensor b) {
        float[] x = a.contiguous().toFloatArray();
        float[] y = b.contiguous().toFloatArray();
        assertThat(x).hasSameSizeAs(y);
        for (int i = 0; i < x.length; i++) {
            assertThat(x[i]).isCloseTo(y[i], within(1e-5f));
        }
    }
}
