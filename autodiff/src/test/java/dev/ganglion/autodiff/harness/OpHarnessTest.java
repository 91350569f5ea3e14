package dev.ganglion.autodiff.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.ganglion.autodiff.Autodiff;
import dev.ganglion.autodiff.GradCheck;
import dev.ganglion.autodiff.Op;
import dev.ganglion.autodiff.Var;
import dev.ganglion.engine.DType;
import dev.ganglion.engine.Tensor;
import java.util.EnumSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The generic op harness: every sample of every op is run forward in float64 and float32 against
 * its loop reference, gradient-checked by central differences in float64, re-run on
 * non-contiguous inputs, and its float32 gradients compared with float64 ones; every error case
 * must be rejected with a message naming the op; and every {@link Op} must have samples.
 */
class OpHarnessTest {
    static Stream<Sample> samples() {
        return OpRegistry.samples().stream();
    }

    static Stream<ErrorCase> errors() {
        return OpRegistry.errors().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void forwardMatchesFloat64Reference(Sample s) {
        Tensor expected = s.reference().apply(s.inputs());
        Tensor actual = s.function().apply(vars(s.inputs())).value();
        assertThat(actual.dtype()).isEqualTo(DType.F64);
        assertClose(actual, expected, 1e-12, s + " forward F64");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void forwardFloat32IsCloseToReference(Sample s) {
        Tensor[] f32 = convert(s.inputs(), DType.F32);
        Tensor expected = s.reference().apply(convert(f32, DType.F64));
        Tensor actual = s.function().apply(vars(f32)).value();
        assertThat(actual.dtype()).isEqualTo(DType.F32);
        assertClose(actual, expected, s.f32Tolerance(), s + " forward F32");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void gradientsMatchCentralDifferences(Sample s) {
        GradCheck.check(s.function(), s.inputs()).assertPassed();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void nonContiguousInputsGiveTheSameValuesAndGradients(Sample s) {
        Tensor[] strided = new Tensor[s.inputs().length];
        for (int i = 0; i < strided.length; i++) {
            strided[i] = Inputs.nonContiguous(s.inputs()[i]);
        }
        Tensor[] expected = gradients(s, s.inputs());
        Tensor[] actual = gradients(s, strided);
        for (int i = 0; i < expected.length; i++) {
            assertClose(actual[i], expected[i], 1e-12, s + " gradient " + i + " with strided inputs");
        }
        assertClose(s.function().apply(vars(strided)).value(), s.reference().apply(s.inputs()), 1e-12, s + " strided forward");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void float32GradientsAreCloseToFloat64(Sample s) {
        Tensor[] f32 = convert(s.inputs(), DType.F32);
        Tensor[] expected = gradients(s, convert(f32, DType.F64));
        Tensor[] actual = gradients(s, f32);
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i].dtype()).as(s + " gradient dtype").isEqualTo(DType.F32);
            assertClose(actual[i], expected[i], 1e-4, s + " F32 gradient " + i);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("errors")
    void invalidInputsAreRejectedNamingTheOp(ErrorCase e) {
        Throwable t = catchThrowable(() -> e.call().run());
        assertThat(t).as(e.toString()).isInstanceOfAny(IllegalArgumentException.class,
                IndexOutOfBoundsException.class, IllegalStateException.class);
        assertThat(t.getMessage()).as(e.toString()).contains(e.messagePart());
    }

    @Test
    void everyOpHasSamplesAndErrorCases() {
        Set<Op> sampled = samples().map(Sample::op).collect(Collectors.toSet());
        Set<Op> missing = EnumSet.allOf(Op.class);
        missing.removeAll(sampled);
        assertThat(missing).as("ops without a harness sample").isEmpty();
        Set<Op> withErrors = errors().map(ErrorCase::op).collect(Collectors.toSet());
        Set<Op> noErrors = EnumSet.allOf(Op.class);
        noErrors.removeAll(withErrors);
        noErrors.removeAll(OpRegistry.NO_INVALID_INPUT);
        assertThat(noErrors).as("ops without an error case").isEmpty();
    }

    /** {@code ∂⟨r, f⟩/∂inputs} for a fixed random projection r ({@link #projection}). */
    static Tensor[] gradients(Sample s, Tensor[] inputs) {
        Var[] vars = vars(inputs);
        Var out = s.function().apply(vars);
        return Autodiff.grad(out, projection(out, 5), false, vars);
    }

    /** A fixed random tensor of {@code like}'s shape and dtype, entries in [−1, 1). */
    static Tensor projection(Var like, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] r = new double[like.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = random.nextDouble(-1, 1);
        }
        return Tensor.wrap(r, like.shape()).to(like.dtype());
    }

    static Var[] vars(Tensor[] inputs) {
        Var[] v = new Var[inputs.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = Var.parameter(inputs[i]);
        }
        return v;
    }

    private static Tensor[] convert(Tensor[] inputs, DType dtype) {
        Tensor[] out = new Tensor[inputs.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = inputs[i].to(dtype);
        }
        return out;
    }

    /** {@code |a − e| ≤ tol·(1 + |e|)} elementwise, same shape; equal values (the same ∞) and NaN against NaN pass. */
    static void assertClose(Tensor actual, Tensor expected, double tol, String what) {
        assertThat(actual.shape()).as(what + " shape").isEqualTo(expected.shape());
        double[] a = actual.toDoubleArray();
        double[] e = expected.toDoubleArray();
        for (int i = 0; i < e.length; i++) {
            if (Double.compare(a[i], e[i]) != 0 && a[i] != e[i] && !(Math.abs(a[i] - e[i]) <= tol * (1 + Math.abs(e[i])))) {
                throw new AssertionError(what + ": element " + i + " is " + a[i] + ", expected " + e[i]
                        + " (tolerance " + tol + "·(1 + |expected|))");
            }
        }
    }
}
