package dev.ganglion.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TensorViewTest {
    private static Tensor iota(int... dims) {
        Shape s = Shape.of(dims);
        float[] v = new float[s.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = i;
        }
        return Tensor.wrap(v, s);
    }

    @Test
    void permuteAndTransposeReorderWithoutCopy() {
        Tensor t = iota(2, 3, 4);
        Tensor p = t.permute(2, 0, 1);
        assertThat(p.shape()).isEqualTo(Shape.of(4, 2, 3));
        assertThat(p.sharesStorage(t)).isTrue();
        assertThat(p.get(3, 1, 2)).isEqualTo(t.get(1, 2, 3));
        assertThat(t.mT().get(1, 3, 2)).isEqualTo(t.get(1, 2, 3));
        assertThat(p.isContiguous()).isFalse();
        assertThat(p.contiguous().toFloatArray()[1]).isEqualTo(4f);
    }

    @Test
    void aSliceWithAHugeStepKeepsItsFirstElement() {
        // (e − s + step − 1) / step overflowed int: these came out empty (PyTorch: one element each)
        Tensor t = iota(10, 3);
        Tensor a = t.slice(0, 0, 10, Integer.MAX_VALUE);
        assertThat(a.shape()).isEqualTo(Shape.of(1, 3));
        assertThat(a.contiguous().toFloatArray()).containsExactly(0, 1, 2);
        Tensor b = t.slice(0, 3, 10, Integer.MAX_VALUE - 1);
        assertThat(b.shape()).isEqualTo(Shape.of(1, 3));
        assertThat(b.contiguous().toFloatArray()).containsExactly(9, 10, 11);
        assertThat(t.slice(1, 1, 3, Integer.MAX_VALUE).contiguous().toFloatArray()).hasSize(10);
        assertThat(t.slice(0, 4, 4, Integer.MAX_VALUE).shape()).isEqualTo(Shape.of(0, 3));
        assertThat(t.slice(0, 1, 10, 4).contiguous().toFloatArray()).containsExactly(3, 4, 5, 15, 16, 17, 27, 28, 29);
    }

    @Test
    void copiesOfTransposeViewsMatchTheElementWalk() {
        // a float32 transpose view copies on the transpose kernel; anything else by the strided walk
        for (int[] s : new int[][] {{2, 2}, {3, 17}, {33, 16}, {128, 784}, {1, 5}, {5, 1}}) {
            Tensor m = iota(s[0] + 1, s[1]).slice(0, 1, s[0] + 1); // an offset into the storage
            Tensor t = m.mT();
            Tensor c = t.contiguous();
            assertThat(c.isContiguous()).isTrue();
            for (int r = 0; r < s[1]; r++) {
                for (int k = 0; k < s[0]; k++) {
                    if (c.get(r, k) != m.get(k, r)) {
                        throw new AssertionError(s[0] + "×" + s[1] + " at " + r + ", " + k);
                    }
                }
            }
            assertThat(m.to(DType.F64).mT().contiguous().toDoubleArray()).containsExactly(c.toDoubleArray());
        }
        Tensor sq = iota(3, 3);
        double[] expected = sq.mT().contiguous().toDoubleArray();
        sq.copyFrom(sq.mT()); // overlapping storage: the walk reads everything first
        assertThat(sq.toDoubleArray()).containsExactly(expected);
    }

    @Test
    void copiesBetweenViewsWithContiguousRowsMatchTheElementWalk() {
        // slices and permutes that keep the last axis contiguous copy row by row
        for (DType dtype : DType.values()) {
            Tensor t = iota(4, 5, 6).to(dtype);
            Tensor[] sources = {t.slice(0, 1, 4), t.slice(1, 0, 5, 2), t.permute(1, 0, 2), t.slice(2, 1, 5),
                    iota(1, 5, 6).to(dtype).expand(3, 5, 6)};
            for (Tensor src : sources) {
                int[] d = src.shape().dims();
                Tensor dst = Tensor.zeros(Shape.of(d[0] + 2, d[1], d[2] + 1), dtype).slice(0, 1, d[0] + 1).slice(2, 0, d[2]);
                dst.copyFrom(src);
                for (int i = 0; i < d[0]; i++) {
                    for (int j = 0; j < d[1]; j++) {
                        for (int k = 0; k < d[2]; k++) {
                            if (dst.get(i, j, k) != src.get(i, j, k)) {
                                throw new AssertionError(dtype + " " + src.shape() + " at " + i + "," + j + "," + k);
                            }
                        }
                    }
                }
            }
        }
        Tensor m = iota(3, 4);
        double[] expected = m.slice(0, 0, 2).contiguous().toDoubleArray();
        m.slice(0, 1, 3).copyFrom(m.slice(0, 0, 2)); // overlapping storage: the walk reads everything first
        assertThat(m.slice(0, 1, 3).toDoubleArray()).containsExactly(expected);
    }

    @Test
    void sliceSelectExpandSqueeze() {
        Tensor t = iota(4, 5);
        Tensor s = t.slice(1, 1, 5, 2);
        assertThat(s.shape()).isEqualTo(Shape.of(4, 2));
        assertThat(s.toFloatArray()).containsExactly(1, 3, 6, 8, 11, 13, 16, 18);
        assertThat(t.select(0, -1).toFloatArray()).containsExactly(15, 16, 17, 18, 19);
        Tensor row = iota(3).unsqueeze(0);
        assertThat(row.shape()).isEqualTo(Shape.of(1, 3));
        Tensor e = row.expand(2, 2, 3);
        assertThat(e.toFloatArray()).containsExactly(0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2);
        assertThat(row.squeeze(0).shape()).isEqualTo(Shape.of(3));
        // a broadcast view cannot take a copy (its elements share memory), nor keep a size it never had
        assertThatThrownBy(() -> e.copyFrom(iota(2, 2, 3))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("copyFrom: the destination [2, 2, 3] is a broadcast (expanded) view, stride 0 on axis 0");
        row.expand(1, 3).copyFrom(iota(1, 3)); // stride 0 on no axis longer than 1: a plain view
        assertThatThrownBy(() -> row.expand(-1, 1, 3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1 (keep the size) on new leading axis 0");
    }

    @Test
    void emptyViewsAtAnyIndexCopyFillAndReadNothing() {
        // [16, 0, 1]: select(0, 9) and slice(0, 5, 7) are empty views whose natural offset lies past
        // the empty storage; copies into and out of them must still work (the gradients of select
        // and slice on empty tensors write through such views)
        for (DType dtype : DType.values()) {
            Tensor t = Tensor.zeros(Shape.of(16, 0, 1), dtype);
            for (Tensor view : new Tensor[] {t.select(0, 9), t.slice(0, 5, 7), t.slice(0, 3, 16, 4).permute(2, 1, 0),
                    Tensor.zeros(Shape.of(0, 1, 5), dtype).expand(2, 0, 3, 5)}) {
                assertThat(view.size()).isZero();
                assertThat(view.offset()).isZero();
                assertThat(view.strides()).containsExactly(view.shape().contiguousStrides());
                assertThat(view.copy().shape()).isEqualTo(view.shape());
                assertThat(view.copyFrom(Tensor.zeros(view.shape(), dtype)).size()).isZero();
                assertThat(view.fill(1).toDoubleArray()).isEmpty();
                assertThat(view.contiguous().toFloatArray()).isEmpty();
            }
        }
    }

    @Test
    void arangeCountsFromZeroAndRefusesANegativeLength() {
        assertThat(Tensor.arange(4).toFloatArray()).containsExactly(0, 1, 2, 3);
        assertThat(Tensor.arange(0).shape()).isEqualTo(Shape.of(0));
        assertThatThrownBy(() -> Tensor.arange(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Tensor.arange: n must be ≥ 0, got -1");
    }

    @Test
    void reshapeInfersAndCopiesOnlyWhenNeeded() {
        Tensor t = iota(2, 6);
        assertThat(t.reshape(3, -1).shape()).isEqualTo(Shape.of(3, 4));
        assertThat(t.reshape(3, -1).sharesStorage(t)).isTrue();
        Tensor tt = t.mT().reshape(-1);
        assertThat(tt.toFloatArray()).startsWith(0, 6, 1, 7);
        assertThatThrownBy(() -> t.reshape(5, -1)).hasMessageContaining("reshape").hasMessageContaining("[2, 6]");
    }

    @Test
    void writesBumpVersionAndBroadcastErrorsNameShapes() {
        Tensor t = iota(3);
        int v = t.version();
        t.set(7, 1);
        assertThat(t.version()).isGreaterThan(v);
        assertThatThrownBy(() -> Shape.broadcast(Shape.of(2, 3), Shape.of(4), "add"))
                .hasMessageContaining("add").hasMessageContaining("[2, 3]").hasMessageContaining("[4]");
        assertThat(Shape.broadcast(Shape.of(2, 1, 3), Shape.of(4, 1), "mul")).isEqualTo(Shape.of(2, 4, 3));
    }

    @Test
    void f64ConversionRoundTrips() {
        Tensor t = iota(2, 2).to(DType.F64);
        assertThat(t.dtype()).isEqualTo(DType.F64);
        assertThat(t.to(DType.F32).toFloatArray()).containsExactly(0, 1, 2, 3);
    }

    @Test
    void arraysOfContiguousViewsStartAtTheirOffset() {
        // the contiguous fast path (a copy or one conversion loop) against the strided walk
        for (DType dtype : DType.values()) {
            Tensor rows = iota(4, 3).to(dtype).slice(0, 1, 3); // contiguous, offset 3
            assertThat(rows.isContiguous()).isTrue();
            assertThat(rows.toFloatArray()).containsExactly(3, 4, 5, 6, 7, 8);
            assertThat(rows.toDoubleArray()).containsExactly(3, 4, 5, 6, 7, 8);
            Tensor cols = iota(4, 3).to(dtype).slice(1, 1, 3); // strided
            assertThat(cols.toFloatArray()).containsExactly(1, 2, 4, 5, 7, 8, 10, 11);
            assertThat(iota(4, 3).to(dtype).slice(0, 4, 4).toFloatArray()).isEmpty();
        }
    }
}
