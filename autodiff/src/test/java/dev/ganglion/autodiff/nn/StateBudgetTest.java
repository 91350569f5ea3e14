package dev.ganglion.autodiff.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ganglion.engine.DType;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import org.junit.jupiter.api.Test;

class StateBudgetTest {
    /** A weight of rows × 4 and a buffer of 3. */
    private static final class Part extends Module {
        Part(int rows) {
            registerParameter("weight", Tensor.zeros(Shape.of(rows, 4), DType.F32));
            registerBuffer("mask", Tensor.zeros(Shape.of(3), DType.F32));
        }
    }

    /** Two parts, the second built only after the first was registered. */
    private static final class Whole extends Module {
        Whole(int rows) {
            registerModule("a", new Part(2));
            registerModule("b", new Part(rows));
        }
    }

    @Test
    void aBuildThatFitsTheCapExactlyPasses() {
        // 2·4 + 3 + 5·4 + 3 = 34 elements
        Whole w = StateBudget.within(34, "the test's cap", () -> new Whole(5));
        assertThat(w.stateDict()).hasSize(4);
    }

    @Test
    void theFirstRegistrationPastTheCapIsRefusedWithItsNameAndShape() {
        assertThatThrownBy(() -> StateBudget.within(33, "the file's 4 model tensors", () -> new Whole(5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the model described needs more than 33 elements of state (the file's 4 model tensors): "
                        + "Part's 'mask' [3] brings it past that, after 31 elements");
        assertThatThrownBy(() -> StateBudget.within(20, "a cap", () -> new Whole(1000)))
                .hasMessageEndingWith("Part's 'weight' [1000, 4] brings it past that, after 11 elements");
    }

    @Test
    void theCapHoldsOnlyInsideWithinAndEachCallHasItsOwn() {
        StateBudget.within(11, "a cap", () -> new Part(2));
        StateBudget.within(11, "a cap", () -> new Part(2));   // a second build does not inherit the first's count
        assertThat(new Whole(1000).stateDict()).hasSize(4);   // no cap outside
        assertThatThrownBy(() -> StateBudget.within(-1, "a cap", () -> new Part(2)))
                .hasMessage("StateBudget.within: cap -1 is negative");
    }
}
