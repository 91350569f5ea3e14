package dev.ganglion.autodiff.harness;

import dev.ganglion.autodiff.GradCheck;
import dev.ganglion.autodiff.Op;
import dev.ganglion.engine.Tensor;
import java.util.Arrays;
import java.util.function.Function;

/**
 * One way to call an op: float64 inputs (all differentiable; constants are captured by the
 * function), the function under test, and an independent float64 reference of its forward
 * written with plain loops.
 *
 * @param f32Tolerance relative-and-absolute tolerance of the float32 forward against the reference
 */
public record Sample(Op op, String name, Tensor[] inputs, GradCheck.VarFunction function,
        Function<Tensor[], Tensor> reference, double f32Tolerance) {

    public Sample(Op op, String name, Tensor[] inputs, GradCheck.VarFunction function, Function<Tensor[], Tensor> reference) {
        this(op, name, inputs, function, reference, 1e-5);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(op.name()).append(' ').append(name).append(" (");
        for (int i = 0; i < inputs.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(Arrays.toString(inputs[i].shape().dims()));
        }
        return sb.append(')').toString();
    }
}
