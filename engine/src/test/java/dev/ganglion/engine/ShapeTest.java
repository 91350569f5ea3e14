package dev.ganglion.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ShapeTest {
    @Test
    void holdsUpToTheLargestJavaArrayAndNamesTheLimitBeyond() {
        assertThat(Shape.of(Shape.MAX_ELEMENTS).size()).isEqualTo(Integer.MAX_VALUE - 8);
        assertThat(Shape.of(Shape.MAX_ELEMENTS, 0).size()).isZero();
        assertThat(Shape.of(0, Shape.MAX_ELEMENTS).contiguousStrides()).containsExactly(Shape.MAX_ELEMENTS, 1);
        // empty, but its first stride (2^32) would overflow an int
        assertThatThrownBy(() -> Shape.of(0, 1 << 30, 4)).hasMessageContaining("too large");
        // exactly 2^31: one more than an int counts, and more than an array holds
        assertThatThrownBy(() -> Shape.of(1 << 16, 1 << 15)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Shape.of: shape [65536, 32768] is too large: its non-zero dimensions multiply past 2^31 − 9 = "
                        + "2147483639, the most elements a tensor (one Java array) holds");
        // a product that would wrap a long if it were not checked dimension by dimension
        assertThatThrownBy(() -> Shape.of(1 << 30, 1 << 30, 1 << 30, 1 << 30)).hasMessageContaining("multiply past 2^31 − 9");
        assertThatThrownBy(() -> Shape.of(3, -1)).hasMessage("Shape.of: negative dimension in shape [3, -1]");
    }

    @Test
    void sizesComputedInLongAreRefusedByTheSameRuleNotWrapped() {
        assertThat(Shape.ofSizes("concat", 3L, 4L)).isEqualTo(Shape.of(3, 4));
        assertThat(Shape.ofSizes("concat", (long) Shape.MAX_ELEMENTS, 0L).size()).isZero();
        // 2^32 + 5 would wrap an int to 5
        assertThatThrownBy(() -> Shape.ofSizes("concat", (1L << 32) + 5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("concat: shape [4294967301] is too large: its non-zero dimensions multiply past 2^31 − 9 = "
                        + "2147483639, the most elements a tensor (one Java array) holds");
        assertThatThrownBy(() -> Shape.ofSizes("concat", 0L, Long.MAX_VALUE)).hasMessageContaining("too large");
        assertThatThrownBy(() -> Shape.ofSizes("op", 2L, -1L)).hasMessage("op: negative dimension in shape [2, -1]");
    }
}
