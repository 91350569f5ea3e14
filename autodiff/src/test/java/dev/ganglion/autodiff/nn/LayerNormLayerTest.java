package dev.ganglion.autodiff.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.ganglion.autodiff.Op;
import dev.ganglion.autodiff.Var;
import dev.ganglion.engine.DType;
import dev.ganglion.engine.Rng;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link LayerNorm}: PyTorch's parameter names and init, a state dict printed by PyTorch 1.13
 * ({@code src/test/python/layer_norm_values.py}) loaded and run, no parameters without elementwise
 * affine, and the errors.
 */
class LayerNormLayerTest {
    /** PyTorch's {@code nn.LayerNorm([3, 4], dtype=float64)} state after the script set it. */
    private static final double[] TORCH_WEIGHT = {0.0, -0.5, 0.75, 0.25, -0.25, 1.0, 0.5, 0.0, -0.5, 0.75, 0.25, -0.25};
    private static final double[] TORCH_BIAS = {-0.2, 0.4, 0.0, -0.4, 0.19999999999999996, -0.2, 0.4, 0.0, -0.4,
        0.19999999999999996, -0.2, 0.4};
    /** That module's output for x[k] = ((37k + 11) mod 101)/101·8 − 4, x of shape [2, 3, 4]. */
    private static final double[] TORCH_Y = {-0.2, 0.36896024989739346, 0.9862175146237266, -0.613045557522436,
        0.09982626103249698, 1.4535721418297676, 0.14321661278752756, 0.0, 0.31391425235995085, 0.06878651092989052,
        0.06948146679990247, 0.6723032622637757, -0.2, -0.24389479895105692, -0.7753944409903575, -0.32291400294247913,
        -0.2126368077784943, -0.8711016214419467, 0.7355508107209733, 0.0, -0.2458280058849582, 0.9753944409903574,
        -0.5219473994755285, 0.3863965887545551};

    private static Tensor x(DType dtype) {
        double[] v = new double[24];
        for (int k = 0; k < v.length; k++) {
            v[k] = ((37 * k + 11) % 101) / 101.0 * 8 - 4;
        }
        return Tensor.wrap(v, Shape.of(2, 3, 4)).to(dtype);
    }

    @Test
    void parametersAreNamedAndInitialisedAsPyTorchs() {
        LayerNorm norm = new LayerNorm(3, 4);
        assertThat(norm.stateDict().keySet()).containsExactly("weight", "bias");
        assertThat(norm.namedParameters().keySet()).containsExactly("weight", "bias");
        assertThat(norm.weight().shape()).isEqualTo(Shape.of(3, 4));
        assertThat(norm.weight().dtype()).isEqualTo(DType.F32);
        assertThat(norm.weight().value().toFloatArray()).containsOnly(1f);
        assertThat(norm.bias().value().toFloatArray()).containsOnly(0f);
        assertThat(norm.eps()).isEqualTo(1e-5);
        assertThat(norm.normalizedShape()).containsExactly(3, 4);
        Sequential net = new Sequential(new Linear(5, 4, new Rng(1)), new LayerNorm(4));
        assertThat(net.stateDict().keySet()).containsExactly("0.weight", "0.bias", "1.weight", "1.bias");
        LayerNorm plain = new LayerNorm(new int[] {4}, 1e-3, false);
        assertThat(plain.stateDict()).isEmpty();
        assertThat(plain.parameterCount()).isZero();
        assertThat(plain.toString()).isEqualTo("LayerNorm([4], eps=0.001, no affine)");
    }

    @Test
    void aPyTorchStateDictLoadsAndGivesPyTorchsOutput() {
        Map<String, Tensor> state = Map.of("weight", Tensor.wrap(TORCH_WEIGHT, Shape.of(3, 4)),
                "bias", Tensor.wrap(TORCH_BIAS, Shape.of(3, 4)));
        LayerNorm f64 = new LayerNorm(new int[] {3, 4}, 1e-5, true, DType.F64);
        f64.loadStateDict(state, true);
        Var y = f64.forward(Var.constant(x(DType.F64)));
        double[] got = y.value().toDoubleArray();
        for (int i = 0; i < got.length; i++) {
            assertThat(got[i]).as("y[%d]", i).isCloseTo(TORCH_Y[i], within(1e-12 * (1 + Math.abs(TORCH_Y[i]))));
        }
        LayerNorm f32 = new LayerNorm(3, 4);
        f32.loadStateDict(state, true); // converted into its float32 parameters
        Var x = Var.parameter(x(DType.F32));
        Var y32 = f32.forward(x);
        assertThat(y32.op()).isEqualTo(Op.LAYER_NORM);
        float[] got32 = y32.value().toFloatArray();
        for (int i = 0; i < got32.length; i++) {
            assertThat((double) got32[i]).as("float32 y[%d]", i).isCloseTo(TORCH_Y[i], within(1e-6));
        }
        y32.sum().backward();
        assertThat(f32.weight().grad()).isNotNull();
        assertThat(f32.bias().grad().toFloatArray()).containsOnly(2f); // Σ over the two rows of g = 1
    }

    @Test
    void badOptionsAndInputsAreRefused() {
        assertThatThrownBy(() -> new LayerNorm()).hasMessageStartingWith("LayerNorm: the normalized shape is empty");
        assertThatThrownBy(() -> new LayerNorm(new int[] {4}, -1, true))
                .hasMessage("LayerNorm: eps must be ≥ 0, got -1.0 for normalized shape [4]");
        assertThatThrownBy(() -> new LayerNorm(new int[] {3, -4}, 1e-5, true))
                .hasMessageStartingWith("LayerNorm: negative dimension in shape [3, -4]");
        LayerNorm norm = new LayerNorm(3, 4);
        assertThatThrownBy(() -> norm.forward(Var.constant(Tensor.zeros(2, 4, 3))))
                .hasMessage("layerNorm: normalized shape [3, 4] needs x of shape [*, 3, 4], got [2, 4, 3]");
        assertThatThrownBy(() -> norm.forward(Var.constant(x(DType.F64))))
                .hasMessageStartingWith("layerNorm: weight: dtype mismatch, F64[2, 3, 4] vs F32[3, 4]");
    }
}
