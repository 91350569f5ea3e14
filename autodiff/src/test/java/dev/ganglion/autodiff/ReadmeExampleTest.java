package dev.ganglion.autodiff;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ganglion.engine.DType;
import dev.ganglion.engine.Rng;
import dev.ganglion.engine.Shape;
import org.junit.jupiter.api.Test;

/** The README's engine-and-autodiff example, kept compiling and running. */
class ReadmeExampleTest {
    @Test
    void theReadmeExampleRuns() {
        // --- README: begin
        Rng rng = new Rng(42);
        Var w = Var.parameter(rng.normal(Shape.of(256, 784), 0, 0.05));
        Var x = Var.constant(rng.uniform(Shape.of(32, 784), 0, 1));
        Var loss = x.matmul(w.transpose(0, 1)).relu().pow(2).mean();
        loss.backward();                                                  // w.grad() now holds dLoss/dw
        GradCheck.check(in -> in[0].tanh().sum(), rng.normal(Shape.of(3, 4), 0, 1, DType.F64)).assertPassed();
        // --- README: end
        assertThat(w.grad().shape()).isEqualTo(Shape.of(256, 784));
        assertThat(loss.item()).isPositive();
    }
}
