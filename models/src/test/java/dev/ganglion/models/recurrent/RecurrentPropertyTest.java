package dev.ganglion.models.recurrent;

import static dev.ganglion.models.Golden.assertClose;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ganglion.autodiff.Var;
import dev.ganglion.engine.DType;
import dev.ganglion.engine.Rng;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.models.ModelConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The recurrent models on random configs, their float32 run (the fused LSTM/subLSTM layer op with
 * the engine's SIMD gates, the ELM's trace scan and MLP in float) against the float64 run of the same
 * parameters (the scalar float64 cell math and GEMM): all three LSTM variants with hidden sizes from 1
 * (and odd sizes past a multiple of 8, so that the vector loops have tails), 1–3 layers; ELMs routed
 * and unrouted, with 0–2 MLP layers, relu or silu, learned or frozen τ and random λ, τ_syn, τ range
 * and dt; sequences of 1–12 steps, batches of 0, 1 and odd sizes, from a random state. The output and
 * the gradients of the input, the initial state and every trainable parameter must agree to float32
 * rounding.
 */
class RecurrentPropertyTest {
    @Test
    void float32AgreesWithFloat64OnRandomConfigs() {
        Random r = new Random(20261125);
        for (int c = 0; c < 48; c++) {
            RecurrentModel model = c % 2 == 0 ? subLstm(r) : elm(r);
            int batch = List.of(0, 1, 2, 9, 33).get(r.nextInt(5));
            int steps = 1 + r.nextInt(12);
            check("case " + c + " " + model.config().toJson() + " batch " + batch + " steps " + steps, model, batch,
                    steps, r);
        }
    }

    private static RecurrentModel subLstm(Random r) {
        Variant v = Variant.values()[r.nextInt(Variant.values().length)];
        int hidden = r.nextBoolean() ? 1 + r.nextInt(12) : 8 * (1 + r.nextInt(6)) + r.nextInt(2);
        ModelConfig c = ModelConfig.of(RecurrentModels.subLstmSchema(v.configName()), Map.of("input_size",
                1 + r.nextInt(20), "hidden_size", hidden, "num_layers", 1 + r.nextInt(3), "output_size", 1 + r.nextInt(5)));
        return new SubLstm(RecurrentModels.resolveSubLstm(c), new Rng(r.nextLong()));
    }

    private static RecurrentModel elm(Random r) {
        int in = 1 + r.nextInt(12);
        boolean routed = r.nextBoolean();
        int perBranch = routed ? 1 + r.nextInt(3) : divisorOf(in, r);
        int branches = routed ? 1 + r.nextInt(6) : in / perBranch;
        double tauMin = 0.5 + 1.5 * r.nextDouble();
        Map<String, Object> f = new HashMap<>(Map.of("input_size", in, "output_size", 1 + r.nextInt(4),
                "num_memory", 1 + r.nextInt(24), "mlp_hidden", 1 + r.nextInt(24), "mlp_layers", r.nextInt(3),
                "mlp_activation", r.nextBoolean() ? "relu" : "silu", "lambda", 1 + 5 * r.nextDouble(),
                "tau_syn", 1 + 9 * r.nextDouble(), "tau_min", tauMin, "tau_max", tauMin + 1 + 999 * r.nextDouble()));
        f.putAll(Map.of("learn_tau", r.nextBoolean(), "dt", 0.2 + 1.3 * r.nextDouble(), "num_branches", branches,
                "synapses_per_branch", perBranch));
        Tensor route = null;
        if (routed) {
            float[] to = new float[branches * perBranch];
            for (int k = 0; k < to.length; k++) {
                to[k] = r.nextInt(in + 1) - 1; // −1: an unconnected synapse
            }
            route = Tensor.of(to, to.length);
        }
        ElmNeuron elm = new ElmNeuron(ModelConfig.of(ElmNeuron.SCHEMA, f), route, new Rng(r.nextLong()));
        // ŵ on both sides of relu's kink (the init, 0.5 everywhere, would make every synapse alike)
        Tensor w = elm.namedParameters().get("synapse.weight_raw").value();
        w.copyFrom(new Rng(r.nextLong()).uniform(w.shape(), -0.5, 1.0));
        // θ away from σ's saturation: the init puts the end units at |θ| ≈ 14–21, where a float32 σ(θ)
        // keeps no digits of 1 − σ(θ) and their τ gradient is float32 noise (0 at the defaults), here
        // as in PyTorch; that is the init's conditioning, not the kernels' rounding
        Tensor theta = elm.namedParameters().get("memory.tau_logit").value();
        theta.copyFrom(new Rng(r.nextLong()).uniform(theta.shape(), -4, 4));
        return elm;
    }

    private static int divisorOf(int n, Random r) {
        List<Integer> d = new ArrayList<>();
        for (int k = 1; k <= n; k++) {
            if (n % k == 0) {
                d.add(k);
            }
        }
        return d.get(r.nextInt(d.size()));
    }

    private static void check(String what, RecurrentModel model, int batch, int steps, Random r) {
        Rng rng = new Rng(r.nextLong());
        Tensor input = rng.uniform(Shape.of(batch, steps, model.config().getInt("input_size")), -1, 1);
        List<Tensor> start = new ArrayList<>();
        for (Var s : model.initialState(batch, DType.F32).tensors()) {
            start.add(rng.uniform(s.shape(), -1, 1));
        }

        Var x = Var.parameter(input.copy());
        RecurrentState s32 = state(start, DType.F32);
        Var y = model.forward(x, s32).output();
        Tensor seed = rng.normal(y.shape(), 0, 1);
        y.backward(seed);

        Map<Var, Var> wide = new IdentityHashMap<>();
        for (Var p : model.module().parameters()) {
            Tensor v = p.value().to(DType.F64);
            wide.put(p, p.requiresGrad() ? Var.parameter(v) : Var.constant(v));
        }
        Var x64 = Var.parameter(input.to(DType.F64));
        RecurrentState s64 = state(start, DType.F64);
        Var y64 = model.forward(x64, s64, wide::get).output();
        y64.backward(seed.to(DType.F64));

        assertClose(what + ": output", y.value(), y64.value());
        assertClose(what + ": input gradient", x.grad(), x64.grad());
        for (int i = 0; i < start.size(); i++) {
            assertClose(what + ": gradient of state " + i, s32.get(i).grad(), s64.get(i).grad());
        }
        model.module().namedParameters().forEach((n, p) -> {
            if (p.requiresGrad()) {
                assertClose(what + ": gradient of " + n, p.grad(), wide.get(p).grad());
            } else {
                assertThat(p.grad()).as(what + ": frozen " + n).isNull();
            }
        });
    }

    private static RecurrentState state(List<Tensor> start, DType dtype) {
        return new RecurrentState(start.stream().map(t -> Var.parameter(t.to(dtype))).toList());
    }
}
