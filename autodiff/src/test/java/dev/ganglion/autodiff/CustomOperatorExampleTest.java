package dev.ganglion.autodiff;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ganglion.engine.DType;
import dev.ganglion.engine.Rng;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.ops.Elementwise;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The README's own-operator example, kept compiling and running: k-winners-take-all (each row keeps
 * its k largest entries, a sparse code) as one {@link CustomFunction}, checked by {@link GradCheck}.
 */
class CustomOperatorExampleTest {
    @Test
    void theReadmeExampleRuns() {
        // --- README: begin
        int k = 3;                                   // k-winners-take-all: each row keeps its k largest entries
        CustomFunction kWinners = CustomFunction.of("k-winners", (ctx, in) -> {
            Tensor x = in[0];                        // [B, n], float32 or float64
            Tensor winners = Tensor.zeros(x.shape(), x.dtype());
            for (int b = 0; b < x.dim(0); b++) {
                int row = b;
                IntStream.range(0, x.dim(1)).boxed().sorted(Comparator.comparingDouble(j -> -x.get(row, j)))
                        .limit(k).forEach(j -> winners.set(1, row, j));
            }
            ctx.save(winners);                       // what backward needs, version-checked
            return Elementwise.mul(x, winners);
        }, (ctx, dy) -> new Tensor[] {Elementwise.mul(dy, ctx.saved(0))});   // ∂L/∂x: only winners pass
        Rng rng = new Rng(7);
        Var code = kWinners.apply(Var.parameter(rng.normal(Shape.of(4, 10), 0, 1)));   // 3 of 10 live per row
        GradCheck.check(v -> kWinners.apply(v[0]).tanh().sum(), rng.normal(Shape.of(5, 8), 0, 1, DType.F64))
                .assertPassed();
        // --- README: end
        for (int b = 0; b < 4; b++) {
            double[] row = code.value().select(0, b).toDoubleArray();
            assertThat(Arrays.stream(row).filter(v -> v != 0).count()).isEqualTo(k);
        }
        // a backward that lets every entry through fails the check: the example is not vacuous
        CustomFunction leaky = CustomFunction.of("leaky", (ctx, in) -> kWinners.forward(ctx, in)[0],
                (ctx, dy) -> new Tensor[] {dy});
        GradCheck.Report wrong = GradCheck.check(v -> leaky.apply(v[0]).tanh().sum(),
                rng.normal(Shape.of(5, 8), 0, 1, DType.F64));
        assertThat(wrong.passed()).isFalse();
    }
}
