package dev.ganglion.models.testing;

import dev.ganglion.autodiff.GradCheck;
import dev.ganglion.autodiff.Var;
import dev.ganglion.engine.DType;
import dev.ganglion.engine.Tensor;
import dev.ganglion.models.NeuralModel;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A whole model as a function of its input and its trainable parameters, all in float64, through
 * {@link NeuralModel#forward(Var, java.util.function.UnaryOperator)}: {@code inputs} are x, then each
 * trainable parameter's value in {@code module().parameters()} order; {@code function} maps Vars of
 * those to the model's output (frozen parameters enter as float64 constants). For GradCheck and
 * {@link RecordedBackwardCheck} of whole models.
 */
public record ModelAsFunction(Tensor[] inputs, GradCheck.VarFunction function) {
    /** The model at x (any float dtype; taken in float64). */
    public static ModelAsFunction of(NeuralModel model, Tensor x) {
        List<Var> params = model.module().parameters();
        List<Var> trainable = params.stream().filter(Var::requiresGrad).toList();
        Tensor[] inputs = new Tensor[trainable.size() + 1];
        inputs[0] = x.to(DType.F64);
        for (int i = 0; i < trainable.size(); i++) {
            inputs[i + 1] = trainable.get(i).value().to(DType.F64);
        }
        Map<Var, Var> frozen = new IdentityHashMap<>();
        for (Var p : params) {
            if (!p.requiresGrad()) {
                frozen.put(p, Var.constant(p.value().to(DType.F64)));
            }
        }
        return new ModelAsFunction(inputs, v -> {
            Map<Var, Var> substitutes = new IdentityHashMap<>(frozen);
            for (int i = 0; i < trainable.size(); i++) {
                substitutes.put(trainable.get(i), v[i + 1]);
            }
            return model.forward(v[0], substitutes::get); // a missing one: the forward's own check names it
        });
    }
}
