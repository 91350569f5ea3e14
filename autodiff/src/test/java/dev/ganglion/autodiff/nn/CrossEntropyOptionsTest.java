package dev.ganglion.autodiff.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ganglion.autodiff.Var;
import dev.ganglion.engine.DType;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import java.util.Arrays;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * {@link CrossEntropyOptions}: options that change nothing keep the fused op bit for bit, and every
 * invalid option or target is rejected naming the op, the shapes and the offending value.
 */
class CrossEntropyOptionsTest {
    private static final CrossEntropyOptions O = CrossEntropyOptions.DEFAULT;
    private static final int[] TARGETS = {3, 0, 6, 6, 2};

    /** Logits [5, 7] of {@code ((37k + 11) mod 101)/101·8 − 4}. */
    private static Var logits(DType dtype) {
        double[] x = new double[35];
        for (int k = 0; k < x.length; k++) {
            x[k] = ((k * 37 + 11) % 101) / 101.0 * 8 - 4;
        }
        return Var.parameter(Tensor.wrap(x, Shape.of(5, 7)).to(dtype));
    }

    /** The loss's value bits and {@code Arrays.hashCode} of its gradient's bits (NONE: of the sum). */
    private static String bits(DType dtype, Function<Var, Var> loss) {
        Var z = logits(dtype);
        Var l = loss.apply(z);
        (l.shape().rank() == 0 ? l : l.sum()).backward();
        StringBuilder sb = new StringBuilder();
        for (double v : l.value().toDoubleArray()) {
            sb.append(Long.toHexString(Double.doubleToRawLongBits(v))).append(' ');
        }
        long[] g = Arrays.stream(z.grad().toDoubleArray()).mapToLong(Double::doubleToRawLongBits).toArray();
        return sb.append("grad ").append(Arrays.hashCode(g)).toString();
    }

    /**
     * Recorded from the fused op before the options existed (commit b5201fd); the old API and the
     * new one with options that change nothing must still give exactly these bits.
     */
    @Test
    void optionsThatChangeNothingKeepTheFusedOpBitForBit() {
        String[][] expected = {
            {"F64", "MEAN", "40158fdcc50fb136 grad 704768884"},
            {"F64", "SUM", "403af3d3f6539d83 grad -862933591"},
            {"F64", "NONE", "40192cc57b8cfc57 40011a5804a738fa 4011d23f0bde7c79 401ecbb2cbdd5260 4019776c83b20e61 grad -862933591"},
            {"F32", "MEAN", "40158fdcc0000000 grad -667031474"},
            {"F32", "SUM", "403af3d400000000 grad 338166700"},
            {"F32", "NONE", "40192cc580000000 40011a5820000000 4011d23f00000000 401ecbb2e0000000 4019776ca0000000 grad 338166700"}};
        for (String[] e : expected) {
            DType d = DType.valueOf(e[0]);
            Reduction r = Reduction.valueOf(e[1]);
            String what = e[0] + " " + e[1];
            assertThat(bits(d, z -> Losses.crossEntropyWithLogits(z, TARGETS, r))).as(what + " old API").isEqualTo(e[2]);
            assertThat(bits(d, z -> Losses.crossEntropyWithLogits(z, TARGETS, O.withReduction(r))))
                    .as(what + " default options").isEqualTo(e[2]);
            assertThat(bits(d, z -> Losses.crossEntropyWithLogits(z, TARGETS, O.withIgnoreIndex(-100).withReduction(r))))
                    .as(what + " an ignore index no target has").isEqualTo(e[2]);
            assertThat(bits(d, z -> Losses.crossEntropyWithLogits(z, TARGETS, O.withLabelSmoothing(0.0).withReduction(r))))
                    .as(what + " smoothing 0").isEqualTo(e[2]);
        }
        assertThat(bits(DType.F64, z -> Losses.crossEntropyWithLogits(z, TARGETS))).isEqualTo(expected[0][2]);
    }

    @Test
    void optionsAreImmutableAndReadBack() {
        Tensor w = Tensor.of(new double[] {1, 2, 0}, 3);
        CrossEntropyOptions o = O.withWeight(w).withIgnoreIndex(-100).withLabelSmoothing(0.25).withReduction(Reduction.SUM);
        w.set(9, 0);
        assertThat(o.weight().orElseThrow().toDoubleArray()).containsExactly(1, 2, 0);
        o.weight().orElseThrow().set(7, 1);
        assertThat(o.weight().orElseThrow().toDoubleArray()).containsExactly(1, 2, 0);
        assertThat(o.ignoreIndex().getAsInt()).isEqualTo(-100);
        assertThat(o.labelSmoothing()).isEqualTo(0.25);
        assertThat(o.reduction()).isEqualTo(Reduction.SUM);
        assertThat(o.withoutIgnoreIndex().ignoreIndex()).isEmpty();
        assertThat(o.withWeight(null).weight()).isEmpty();
        assertThat(O.weight()).isEmpty();
        assertThat(O.ignoreIndex()).isEmpty();
        assertThat(O.labelSmoothing()).isZero();
        assertThat(O.reduction()).isEqualTo(Reduction.MEAN);
        assertThat(o).hasToString(
                "CrossEntropyOptions[reduction=SUM, weight=[1.0, 2.0, 0.0], ignoreIndex=-100, labelSmoothing=0.25]");
    }

    @Test
    void invalidOptionsAreRejectedNamingTheValue() {
        for (double eps : new double[] {-0.1, 1.5, Double.NaN}) {
            assertThatThrownBy(() -> O.withLabelSmoothing(eps)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("crossEntropyWithLogits: labelSmoothing " + eps + " is outside [0, 1]");
        }
        assertThatThrownBy(() -> O.withWeight(Tensor.zeros(2, 3))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("crossEntropyWithLogits: weight of shape [2, 3]; expected [C], one weight per class");
        assertThatThrownBy(() -> O.withReduction(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("crossEntropyWithLogits: reduction is null");
        Var z = Var.parameter(Tensor.zeros(2, 5));
        assertThatThrownBy(() -> Losses.crossEntropyWithLogits(z, new int[] {0, 1}, (CrossEntropyOptions) null))
                .isInstanceOf(NullPointerException.class).hasMessage("crossEntropyWithLogits: options is null");
        assertThatThrownBy(() -> Losses.crossEntropyWithLogits(z, new int[] {0, 1}, O.withWeight(Tensor.zeros(4))))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(
                        "crossEntropyWithLogits: weight of shape [4] for logits of shape [2, 5]; expected [5], one weight per class");
    }

    @Test
    void badTargetsAreRejectedNamingTheirPositionAndValue() {
        Var spatial = Var.parameter(Tensor.zeros(2, 5, 3));
        assertThatThrownBy(() -> Losses.crossEntropyWithLogits(spatial, new int[] {0, 1, 2, 3, 5, 0}, O.withIgnoreIndex(-100)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("crossEntropyWithLogits: target 5 at position [1, 1]"
                        + " is outside [0, 5) and is not the ignore index -100, for logits of shape [2, 5, 3]");
        // ignoring is opt-in: PyTorch's default −100 is an error until withIgnoreIndex names it
        assertThatThrownBy(() -> Losses.crossEntropyWithLogits(Var.parameter(Tensor.zeros(2, 5)), new int[] {1, -100},
                O.withLabelSmoothing(0.1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("crossEntropyWithLogits: target -100 at position [1] is outside [0, 5), for logits of shape [2, 5]");
        assertThatThrownBy(() -> Losses.crossEntropyWithLogits(spatial, new int[] {0, 1}, O.withIgnoreIndex(-100)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("crossEntropyWithLogits: 2 targets for logits of"
                        + " shape [2, 5, 3]; expected 6, one per position of [2, 3] (classes on axis 1)");
        Var unbatched = Var.parameter(Tensor.zeros(5));
        assertThatThrownBy(() -> Losses.crossEntropyWithLogits(unbatched, new int[] {1, 2}, O))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("crossEntropyWithLogits: 2 targets for logits of"
                        + " shape [5]; expected 1, one per position of [] (classes on axis 0)");
        assertThatThrownBy(() -> Losses.crossEntropyWithLogits(unbatched, new int[] {7}, O))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("crossEntropyWithLogits: target 7 at position [] is outside [0, 5), for logits of shape [5]");
        assertThatThrownBy(() -> Losses.crossEntropyWithLogits(Var.parameter(Tensor.scalar(1)), new int[] {0}, O))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("crossEntropyWithLogits: logits of shape []; "
                        + "expected [C], [N, C] or [N, C, d1, ..., dk]");
        assertThatThrownBy(() -> Losses.crossEntropyWithLogits(unbatched, null, O))
                .isInstanceOf(NullPointerException.class).hasMessage("crossEntropyWithLogits: targets is null");
        // the plain [N, C] case, which runs the fused op, is checked the same way
        assertThatThrownBy(() -> Losses.crossEntropyWithLogits(Var.parameter(Tensor.zeros(2, 5)), new int[] {1, 5},
                O.withIgnoreIndex(-100))).isInstanceOf(IllegalArgumentException.class).hasMessage("crossEntropyWithLogits:"
                        + " target 5 at position [1] is outside [0, 5) and is not the ignore index -100, for logits of shape [2, 5]");
    }

    @Test
    void float32LogitsGiveFloat32LossAndGradient() {
        Var z = logits(DType.F32);
        Var l = Losses.crossEntropyWithLogits(z, TARGETS, O.withLabelSmoothing(0.1).withReduction(Reduction.NONE));
        assertThat(l.dtype()).isEqualTo(DType.F32);
        l.sum().backward();
        assertThat(z.grad().dtype()).isEqualTo(DType.F32);
    }
}
