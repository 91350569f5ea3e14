package dev.ganglion.engine;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** A factory's bad shape or data length is refused naming the public call made, not an internal one. */
class TensorFactoryErrorsTest {
    @Test
    void aLengthMismatchNamesTheFactory() {
        // was "wrap: 5 values …" for Tensor.of, and "ofInts: …"
        assertThatThrownBy(() -> Tensor.of(new float[5], 2, 3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Tensor.of: 5 values for shape [2, 3] (6 elements)");
        assertThatThrownBy(() -> Tensor.of(new double[7], 2, 3))
                .hasMessage("Tensor.of: 7 values for shape [2, 3] (6 elements)");
        assertThatThrownBy(() -> Tensor.wrap(new float[5], Shape.of(2, 3)))
                .hasMessage("Tensor.wrap: 5 values for shape [2, 3] (6 elements)");
        assertThatThrownBy(() -> Tensor.wrap(new double[1], Shape.of(2)))
                .hasMessage("Tensor.wrap: 1 values for shape [2] (2 elements)");
        assertThatThrownBy(() -> Tensor.ofInts(new int[3], Shape.of(2)))
                .hasMessage("Tensor.ofInts: 3 values for shape [2] (2 elements)");
    }

    @Test
    void aBadShapeNamesTheFactory() {
        // was "negative dimension in shape [-1, 3]", naming no op
        assertThatThrownBy(() -> Tensor.zeros(-1, 3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Tensor.zeros: negative dimension in shape [-1, 3]");
        assertThatThrownBy(() -> Tensor.ones(2, -4)).hasMessage("Tensor.ones: negative dimension in shape [2, -4]");
        assertThatThrownBy(() -> Tensor.of(new float[0], 0, -1))
                .hasMessage("Tensor.of: negative dimension in shape [0, -1]");
        assertThatThrownBy(() -> Tensor.of(new double[0], 1 << 16, 1 << 15, 0))
                .hasMessageStartingWith("Tensor.of: shape [65536, 32768, 0] is too large");
        assertThatThrownBy(() -> Tensor.zeros(1 << 16, 1 << 15)).hasMessageStartingWith("Tensor.zeros: shape [65536, 32768]");
        assertThatThrownBy(() -> Tensor.ones(1).expand(-2, 1)).hasMessage("expand: negative dimension in shape [-2, 1]");
        assertThatThrownBy(() -> Tensor.arange(-1)).hasMessage("Tensor.arange: n must be ≥ 0, got -1");
    }
}
