package dev.ganglion.models.recurrent;

import dev.ganglion.autodiff.GradCheck;
import dev.ganglion.autodiff.Var;
import dev.ganglion.engine.DType;
import dev.ganglion.engine.Rng;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
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
        return GradCheck.of(v -> {
            Map<String, Var> p = new HashMap<>(frozen);
            for (int i = 0; i < names.size(); i++) {
                p.put(names.get(i), v[i + 1]);
            }
            return runner.run(p::get, v[0], model.initialState(batch, DType.F64)).output();
        }).check(inputs.toArray(Tensor[]::new));
    }
}
