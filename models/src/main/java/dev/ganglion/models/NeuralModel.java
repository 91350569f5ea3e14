package dev.ganglion.models;

import dev.ganglion.autodiff.Var;
import dev.ganglion.autodiff.nn.Module;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A built model: its registry name, its resolved config, the {@link Module} holding its parameters
 * under the checkpoint names of {@code models.md}, and its forward pass.
 *
 * <p>Recurrent models map {@code x [B, T, d_in] → y [B, T, d_out]} (the readout at every step);
 * feed-forward models {@code x [B, d_in] → y [B, d_out]}.
 *
 * <p>Threads: one model may be evaluated ({@link #forward} inside a {@link
 * dev.ganglion.autodiff.NoGrad} scope) from several threads at once, each getting the outputs it
 * would get alone; training it (a graph, its backward, the optimizer's update) is one thread at a
 * time, and not while it is being evaluated elsewhere (a G2GNet with Hebbian rewiring records each
 * forward's activations for its next rewiring). Separate models train concurrently. All of them
 * share the engine's one thread pool.
 */
public interface NeuralModel {
    /** The registry name, also {@code ganglion.model} in checkpoints ({@code sublstm}, {@code elm}, …). */
    String name();

    /** The resolved config (derived fields set), also {@code ganglion.config} in checkpoints. */
    ModelConfig config();

    /** The module tree: parameters, buffers, state dict. */
    Module module();

    /** The forward pass on a batch. */
    Var forward(Var x);

    /**
     * {@link #forward(Var)} with every parameter p of {@code module().parameters()} replaced by
     * {@code substitute.apply(p)}, as PyTorch's {@code torch.func.functional_call}: the model's own
     * parameters are neither read nor changed, and nothing is kept for a training hook (a G2GNet's
     * Hebbian activations). The replacements need the parameters' shapes and x's dtype; with
     * {@code p -> p} this is {@link #forward(Var)}. For a model run on float64 copies of its
     * parameters (gradient checks), on another set of parameters (an ensemble's, a meta-learner's),
     * or on parameters computed from others.
     */
    Var forward(Var x, UnaryOperator<Var> substitute);

    /**
     * Refuses an {@code x} of a feed-forward model that is not {@code [B, inputSize]}, naming the model,
     * the expected and the given shape: their one input rule (the recurrent models' is
     * {@code RecurrentModel.checkInput}).
     */
    static void checkInput(String model, Var x, int inputSize) {
        if (x.rank() != 2 || x.dim(1) != inputSize) {
            throw new IllegalArgumentException(model + ": expected x [B, " + inputSize + "], got " + x.shape());
        }
    }

    /**
     * {@code substitute} with each replacement checked: present and of its parameter's shape, else
     * an {@link IllegalArgumentException} naming the model, the parameter and both shapes (instead of
     * a failure deep inside an op). Each parameter is substituted once, however often the forward
     * looks it up (an ELM reads {@code mlp.0.weight} for two slices): the replacement's work and its
     * graph node are not repeated, and a replacement made fresh per call is still one leaf. The
     * models' {@link #forward(Var, UnaryOperator)} apply it, once per call.
     */
    static UnaryOperator<Var> checkedSubstitute(NeuralModel model, UnaryOperator<Var> substitute) {
        Map<Var, Var> done = new IdentityHashMap<>();
        return p -> done.computeIfAbsent(p, q -> {
            Var r = substitute.apply(q);
            if (r == null || !r.shape().equals(q.shape())) {
                String name = model.module().namedParameters().entrySet().stream()
                        .filter(e -> e.getValue() == q).map(Map.Entry::getKey).findFirst().orElse(null);
                throw new IllegalArgumentException(model.name() + ".forward(x, substitute): the replacement of '"
                        + name + "' " + q.shape() + " is " + (r == null ? "null" : "of shape " + r.shape()));
            }
            return r;
        });
    }

    /**
     * The parameters an optimizer should update: every parameter that requires a gradient (an ELM's
     * {@code memory.tau_logit} is stored but frozen when {@code learn_tau} is false).
     */
    default List<Var> trainableParameters() {
        return module().parameters().stream().filter(Var::requiresGrad).toList();
    }

    /**
     * What the training loop runs after each update of {@code optimizer} (which updates {@link
     * #trainableParameters()}); {@link StepHook#NONE} unless the model rewires itself.
     */
    default StepHook stepHook(dev.ganglion.autodiff.optim.Optimizer optimizer) {
        return StepHook.NONE;
    }

    /** True for models that read sequences {@code [B, T, d_in]}. */
    default boolean recurrent() {
        return false;
    }

    /**
     * Refuses an input whose dtype differs from the parameters' (a float64 x for a float32 model had
     * failed inside the first product, naming an internal op): the feed-forward models' rule (the
     * recurrent ones run a float64 x in float64, which their gradient checks use).
     */
    static void checkInputDtype(String model, Var x, Module module) {
        List<Var> params = module.parameters();
        if (!params.isEmpty() && x.dtype() != params.getFirst().dtype()) {
            throw new IllegalArgumentException(model + ": x is " + x.dtype() + " but the model's parameters are "
                    + params.getFirst().dtype() + "; convert x (Var.to, which differentiates) or the model");
        }
    }

    /** The built-in task used when none is named: {@code adding} for recurrent models, else {@code function}. */
    default String defaultTask() {
        return recurrent() ? "adding" : "function";
    }
}
