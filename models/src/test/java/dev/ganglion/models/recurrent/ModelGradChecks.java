package dev.ganglion.models.recurrent;

import dev.ganglion.autodiff.GradCheck;
import dev.ganglion.autodiff.Var;
import dev.ganglion.engine.DType;
import dev.ganglion.engine.Rng;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.models.testing.RecordedBackwardCheck;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Float64 GradCheck of a whole recurrent model: inputs are x and every trainable parameter by name. */
final class ModelGradChecks {
    private ModelGradChecks() {}

    /** A chunk run with parameters supplied by name. */
    @FunctionalInterface
    interface Runner {
        SequenceResult run(java.util.function.Function<String, Var> params, Var x, RecurrentState state);
    }

    static GradCheck.Report check(RecurrentModel model, Runner runner, int batch, int steps, long seed) {
        Setup s = setup(model, runner, batch, steps, seed);
        return GradCheck.of(s.function()).check(s.inputs());
    }

    /**
     * {@link RecordedBackwardCheck} of the model: the gradients {@code gradGraph} records through
     * every op of the run (custom functions' recorded backwards included) for the loss
     * {@code Σ tanh(output)}, and the gradient penalty.
     */
    static void checkRecorded(RecurrentModel model, Runner runner, int batch, int steps, long seed) {
        Setup s = setup(model, runner, batch, steps, seed);
        RecordedBackwardCheck.check(model.config().toString(), v -> s.function().apply(v).tanh().sum(), s.inputs());
    }

    /** The checked inputs (x, then the trainable parameters) and the run as a function of them. */
    private record Setup(Tensor[] inputs, GradCheck.VarFunction function) {}

    private static Setup setup(RecurrentModel model, Runner runner, int batch, int steps, long seed) {
        Rng rng = new Rng(seed);
        List<String> names = new ArrayList<>();
        List<Tensor> inputs = new ArrayList<>();
        int dIn = model.config().getInt("input_size");
        inputs.add(rng.uniform(Shape.of(batch, steps, dIn), -1, 1, DType.F64));
        Map<String, Var> frozen = new HashMap<>();
        model.module().namedParameters().forEach((n, v) -> {
            if (v.requiresGrad()) {
                names.add(n);
                inputs.add(v.value().to(DType.F64));
            } else {
                frozen.put(n, Var.constant(v.value().to(DType.F64)));
            }
        });
        return new Setup(inputs.toArray(Tensor[]::new), v -> {
            Map<String, Var> p = new HashMap<>(frozen);
            for (int i = 0; i < names.size(); i++) {
                p.put(names.get(i), v[i + 1]);
            }
            return runner.run(p::get, v[0], model.initialState(batch, DType.F64)).output();
        });
    }
}
