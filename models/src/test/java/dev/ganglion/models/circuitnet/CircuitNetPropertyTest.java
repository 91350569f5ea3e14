package dev.ganglion.models.circuitnet;

import static dev.ganglion.models.Golden.assertClose;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ganglion.autodiff.Var;
import dev.ganglion.engine.DType;
import dev.ganglion.engine.Rng;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * CircuitNet on random configs, its float32 run (the block-diagonal, BSR and attention kernels in
 * float, SIMD where enabled) against the float64 run of the same parameters (the float64 kernels): CMU
 * counts and sizes from 1 (and multiples of 8 up to 32, the lengths the SIMD attention takes), every
 * port count, K from 0 to 4, in-degrees from 0 to C − 1, both activations, every subset of the four
 * transmission terms, batches of 0, 1 and odd sizes. The output, the input gradient and every
 * parameter gradient must agree to float32 rounding.
 */
class CircuitNetPropertyTest {
    @Test
    void float32AgreesWithFloat64OnRandomConfigs() {
        Random r = new Random(20261124);
        for (int c = 0; c < 40; c++) {
            int units = 1 + r.nextInt(9);
            int neurons = r.nextInt(3) == 0 ? 8 * (1 + r.nextInt(4)) : 1 + r.nextInt(12); // multiples of 8: SIMD attention
            boolean inter = r.nextBoolean();
            CircuitNetConfig cfg = new CircuitNetConfig(1 + r.nextInt(20), 1 + r.nextInt(6), units, neurons,
                    1 + r.nextInt(neurons), r.nextInt(5), inter ? r.nextInt(units) : r.nextInt(3),
                    r.nextBoolean() ? "clipsin" : "tanh", r.nextInt(1000), r.nextBoolean(), r.nextBoolean(),
                    r.nextBoolean(), inter);
            int batch = List.of(0, 1, 2, 9, 33).get(r.nextInt(5));
            check("case " + c + " " + cfg + " batch " + batch, cfg, batch, r);
        }
    }

    private static void check(String what, CircuitNetConfig cfg, int batch, Random r) {
        CircuitNet net = CircuitNet.create(cfg, new Rng(r.nextLong()));
        // random CMU biases: b_c = 0 at init would leave the first iterations' terms at zero
        net.namedParameters().get("cmu.bias").value().copyFrom(
                new Rng(r.nextLong()).uniform(Shape.of(cfg.units(), cfg.neurons()), -0.5, 0.5));
        Tensor input = new Rng(r.nextLong()).uniform(Shape.of(batch, cfg.inputSize()), -1, 1);
        Tensor seed = new Rng(r.nextLong()).normal(Shape.of(batch, cfg.outputSize()), 0, 1);

        Var x = Var.parameter(input.copy());
        Var y = net.forward(x);
        y.backward(seed);

        CircuitParams params = net.params();
        Var[] present = params.present();
        Var[] wide = new Var[present.length];
        for (int i = 0; i < present.length; i++) {
            wide[i] = Var.parameter(present[i].value().to(DType.F64));
        }
        Var x64 = Var.parameter(input.to(DType.F64));
        Var y64 = net.forward(x64, params.with(wide));
        y64.backward(seed.to(DType.F64));

        assertClose(what + ": output", y.value(), y64.value());
        assertGradient(what + ": input gradient", x.grad(), x64.grad());
        for (int i = 0; i < present.length; i++) {
            assertGradient(what + ": gradient of parameter " + i + " " + present[i].shape(), present[i].grad(), wide[i].grad());
        }
    }

    /** Both null where the output does not depend on the variable (K = 0 reads no input, K ≤ 1 no CMU term). */
    private static void assertGradient(String what, Tensor actual, Tensor expected) {
        if (expected == null) {
            assertThat(actual).as(what).isNull();
        } else {
            assertClose(what, actual, expected);
        }
    }
}
