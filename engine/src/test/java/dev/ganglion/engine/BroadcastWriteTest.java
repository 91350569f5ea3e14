package dev.ganglion.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ganglion.engine.ops.Indexing;
import org.junit.jupiter.api.Test;

/**
 * An in-place write into a broadcast ({@link Tensor#expand}ed) view, whose elements share memory,
 * is refused by every writer as {@code copyFrom} refuses it, and leaves the storage untouched.
 */
class BroadcastWriteTest {
    private static Tensor row() {
        return Tensor.of(new double[] {1, 2, 3}, 1, 3);
    }

    @Test
    void setAndFillRefuseABroadcastView() {
        // set(9, 3, 1) changed every row's element 1; fill wrote the shared row
        Tensor base = row();
        Tensor e = base.expand(4, 3);
        int version = base.version();
        assertThatThrownBy(() -> e.set(9, 3, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("set: the destination [4, 3] is a broadcast (expanded) view, stride 0 on axis 0: its "
                        + "elements share memory; write into a contiguous tensor (copy() it first)");
        assertThatThrownBy(() -> e.fill(7)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("fill: the destination [4, 3] is a broadcast (expanded) view, stride 0 on axis 0");
        assertThatThrownBy(() -> Tensor.scalar(1f).expand(2, 2).fill(0)).hasMessageContaining("stride 0 on axis 0");
        assertThatThrownBy(() -> Tensor.ones(3, 1).expand(3, 5).set(0, 0, 0)).hasMessageContaining("stride 0 on axis 1");
        assertThat(base.toDoubleArray()).containsExactly(1, 2, 3);
        assertThat(base.version()).isEqualTo(version);
    }

    @Test
    void copyFromBroadcastsItsSourceToTheDestination() {
        // as PyTorch's copy_: a [3] row fills every row of [2, 3]; both dtypes and a strided destination
        Tensor dst = Tensor.zeros(2, 3);
        dst.copyFrom(Tensor.of(new double[] {1, 2, 3}, 3));
        assertThat(dst.toDoubleArray()).containsExactly(1, 2, 3, 1, 2, 3);
        Tensor wide = Tensor.zeros(Shape.of(3, 4), DType.F64);
        wide.mT().copyFrom(Tensor.of(new float[] {5, 6, 7}, 3));   // each row of the [4, 3] view: row c of wide is src[c]
        assertThat(wide.toDoubleArray()).containsExactly(5, 5, 5, 5, 6, 6, 6, 6, 7, 7, 7, 7);
        Tensor self = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        self.copyFrom(self.slice(0, 1, 2));   // its own second row into both rows
        assertThat(self.toDoubleArray()).containsExactly(4, 5, 6, 4, 5, 6);
        assertThatThrownBy(() -> Tensor.zeros(1, 3).copyFrom(Tensor.zeros(2, 3)))
                .hasMessage("copyFrom: shape [2, 3] does not broadcast to the destination's [1, 3]");
        assertThatThrownBy(() -> Tensor.zeros(2, 3).copyFrom(Tensor.zeros(4)))
                .hasMessageStartingWith("copyFrom: shapes [4] and [2, 3] do not broadcast");
    }

    @Test
    void viewsWithoutSharedElementsStillTakeWrites() {
        Tensor base = row();
        base.expand(1, 3).set(9, 0, 1);   // stride 0 on no axis longer than 1
        base.expand(2, 1, 3).slice(0, 0, 1).fill(5);
        assertThat(base.toDoubleArray()).containsExactly(5, 5, 5);
        Tensor m = Tensor.zeros(3, 4);
        m.mT().set(1, 3, 2);
        m.slice(1, 0, 4, 2).fill(2);
        assertThat(m.get(2, 3)).isEqualTo(1);
        assertThat(m.toFloatArray()).containsExactly(2, 0, 2, 0, 2, 0, 2, 0, 2, 0, 2, 1);
        Tensor.zeros(0, 3).expand(2, 0, 3).fill(1);   // empty: nothing is written
    }

    @Test
    void theIndexingWritersRefuseABroadcastTarget() {
        // indexAddInto copied its sums back through the view (the last row won); scatterAddInto
        // added every row's values into the one shared row
        Tensor base = row();
        Tensor e = base.expand(2, 3);
        assertThatThrownBy(() -> Indexing.indexAddInto(e, 1, new int[] {0}, Tensor.ones(2, 1).to(DType.F64)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("indexAdd: the destination [2, 3] is a broadcast (expanded) view");
        assertThatThrownBy(() -> Indexing.scatterAddInto(e, 1, new int[] {0, 0}, Shape.of(2, 1),
                Tensor.ones(2, 1).to(DType.F64)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("scatterAdd: the destination [2, 3] is a broadcast (expanded) view");
        assertThatThrownBy(() -> Indexing.remapInto(e, new int[] {5, 4, 3, 2, 1, 0}))
                .hasMessageStartingWith("remapInto: the destination [2, 3] is a broadcast (expanded) view");
        assertThat(base.toDoubleArray()).containsExactly(1, 2, 3);
    }
}
