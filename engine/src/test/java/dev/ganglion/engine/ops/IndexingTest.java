package dev.ganglion.engine.ops;

import static dev.ganglion.engine.ops.Ref.assertValues;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ganglion.engine.DType;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Concat, split, indexSelect, indexAdd, gather, scatterAdd and oneHot against index-by-index references. */
class IndexingTest {
    @ParameterizedTest
    @EnumSource(DType.class)
    void concatAlongEachAxisThenSplitBack(DType dtype) {
        Tensor a = Ref.random(dtype, 1, 2, 3, 4);
        for (int axis = 0; axis < 3; axis++) {
            int[] dims = {2, 3, 4};
            dims[axis] = 5;
            Tensor other = Ref.random(dtype, 3 + axis, dims.clone());
            Tensor transposedOther = other.mT().copy().mT();       // same values, non-contiguous
            Tensor c = Indexing.concat(axis - 3, a, transposedOther);
            Shape out = a.shape().with(axis, a.dim(axis) + 5);
            double[] want = new double[out.size()];
            int[][] idx = Ref.indices(out);
            for (int i = 0; i < idx.length; i++) {
                int[] p = idx[i].clone();
                if (p[axis] < a.dim(axis)) {
                    want[i] = a.get(p);
                } else {
                    p[axis] -= a.dim(axis);
                    want[i] = other.get(p);
                }
            }
            assertValues(c, out, dtype, want, 0, 0);
            Tensor[] parts = Indexing.split(c, axis, a.dim(axis), 5);
            assertThat(parts[0].toDoubleArray()).containsExactly(a.toDoubleArray());
            assertThat(parts[1].toDoubleArray()).containsExactly(other.toDoubleArray());
            assertThat(parts[1].sharesStorage(c)).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void indexSelectPicksSlicesWithRepeats(DType dtype) {
        Tensor x = Ref.random(dtype, 5, 4, 6, 3);
        int[] picks = {5, 0, 5, 2};
        for (int axis = 0; axis < 3; axis++) {
            Tensor src = axis == 1 ? x : x.transpose(1, axis);     // axis of size 6, contiguous or not
            Tensor y = Indexing.indexSelect(src, axis, picks);
            Shape s = src.shape().with(axis, picks.length);
            double[] want = new double[s.size()];
            int[][] idx = Ref.indices(s);
            for (int i = 0; i < idx.length; i++) {
                int[] p = idx[i].clone();
                p[axis] = picks[p[axis]];
                want[i] = src.get(p);
            }
            assertValues(y, s, dtype, want, 0, 0);
        }
        Tensor rows = Indexing.indexSelect(x.to(DType.F64), 1, new int[] {3});
        assertThat(rows.shape()).isEqualTo(Shape.of(4, 1, 3));
        assertThat(rows.get(2, 0, 1)).isEqualTo(x.get(2, 3, 1));
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void indexAddAccumulatesRepeatsAndIsIndexSelectsAdjoint(DType dtype) {
        int[] picks = {5, 0, 5, 2, 5};
        for (int axis = 0; axis < 3; axis++) {
            // The size-6 axis moved to `axis`: the last axis (one element per index), the middle, the first.
            Tensor target = Ref.random(dtype, 11, 4, 6, 3).transpose(1, axis).copy();
            Shape ss = target.shape().with(axis, picks.length);
            Tensor src = Ref.random(dtype, 12 + axis, ss.dims());
            Tensor y = Indexing.indexAdd(target, axis, picks, src);
            double[] want = target.toDoubleArray();
            int[][] idx = Ref.indices(ss);
            for (int i = 0; i < idx.length; i++) {
                int[] p = idx[i].clone();
                p[axis] = picks[p[axis]];
                want[flat(target.shape(), p)] += src.get(idx[i]);
            }
            assertValues(y, target.shape(), dtype, want, 1e-6, 1e-6);
            assertThat(y.sharesStorage(target)).isFalse();
            // <indexSelect(x), s> = <x, indexAdd(0, s)>
            Tensor x = Ref.random(dtype, 13, target.shape().dims());
            double lhs = dot(Indexing.indexSelect(x, axis, picks), src);
            double rhs = dot(x, Indexing.indexAdd(target.newZeros(target.shape()), axis, picks, src));
            assertThat(lhs).isCloseTo(rhs, Offset.offset(1e-4 * (1 + Math.abs(lhs))));
        }
        // in place through a transposed view, and a transposed source
        Tensor base = Tensor.zeros(Shape.of(6, 4), dtype);
        Tensor src = Ref.random(dtype, 14, 2, 4);
        int v0 = base.version();
        Tensor r = Indexing.indexAddInto(base.mT(), 1, new int[] {3, 3}, src.mT().copy().mT().mT());
        assertThat(base.version()).isGreaterThan(v0);
        for (int i = 0; i < 4; i++) {
            assertThat(r.get(i, 3)).isCloseTo(src.get(0, i) + src.get(1, i), Offset.offset(1e-6));
            assertThat(base.get(3, i)).isEqualTo(r.get(i, 3));
            assertThat(base.get(2, i)).isZero();
        }
        // a source sharing the target's storage is read as it was before the call
        Tensor self = Tensor.of(new double[] {1, 2}, 2).to(dtype);
        Indexing.indexAddInto(self, 0, new int[] {1, 0}, self);
        assertValues(self, Shape.of(2), dtype, new double[] {3, 3}, 0, 0);
    }

    private static int flat(Shape s, int[] p) {
        int f = 0;
        for (int a = 0; a < s.rank(); a++) {
            f = f * s.dim(a) + p[a];
        }
        return f;
    }

    private static double dot(Tensor a, Tensor b) {
        double[] x = a.toDoubleArray();
        double[] y = b.toDoubleArray();
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            sum += x[i] * y[i];
        }
        return sum;
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void gatherAndScatterAddOnPermutedViewsMatchTheDefinition(DType dtype) {
        // Every axis indexed, on a non-contiguous view, with an index shape smaller than x on the
        // other axes: y[p] = x[p with axis a replaced by index[p]], and scatterAdd is its adjoint.
        Tensor x = Ref.random(dtype, 21, 4, 5, 3).permute(2, 0, 1); // [3, 4, 5], strides not row-major
        Shape is = Shape.of(2, 3, 4);
        for (int axis = 0; axis < 3; axis++) {
            int[] index = new int[is.size()];
            for (int i = 0; i < index.length; i++) {
                index[i] = (7 * i + 3) % x.dim(axis);
            }
            Tensor y = Indexing.gather(x, axis, index, is);
            int[][] idx = Ref.indices(is);
            double[] want = new double[is.size()];
            for (int i = 0; i < idx.length; i++) {
                int[] p = idx[i].clone();
                p[axis] = index[i];
                want[i] = x.get(p);
            }
            assertValues(y, is, dtype, want, 0, 0);
            Tensor src = Ref.random(dtype, 22 + axis, is.dims());
            double lhs = dot(y, src);
            double rhs = dot(x, Indexing.scatterAdd(x.newZeros(x.shape()), axis, index, is, src));
            assertThat(lhs).isCloseTo(rhs, Offset.offset(1e-4 * (1 + Math.abs(lhs))));
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void gatherFollowsTorchSemantics(DType dtype) {
        Tensor x = Ref.random(dtype, 7, 3, 5);
        // axis 1: y[i][j] = x[i][index[i][j]], index smaller than x on axis 0 too
        int[] index = {4, 0, 0, 2, 1, 3, 3, 3};
        Shape is = Shape.of(2, 4);
        Tensor y = Indexing.gather(x.mT().copy().mT(), 1, index, is);
        double[] want = new double[8];
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 4; j++) {
                want[i * 4 + j] = x.get(i, index[i * 4 + j]);
            }
        }
        assertValues(y, is, dtype, want, 0, 0);
        // axis 0 may index beyond nothing, and the index may be longer than x along the axis
        int[] index0 = {2, 0, 1, 1, 1, 0, 0, 2};
        Tensor y0 = Indexing.gather(x, 0, index0, Shape.of(4, 2));
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 2; j++) {
                assertThat(y0.get(i, j)).isEqualTo(x.get(index0[i * 2 + j], j));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void scatterAddAccumulatesDuplicatesAndIsGathersAdjoint(DType dtype) {
        Tensor target = Ref.random(dtype, 8, 3, 5);
        Tensor src = Ref.random(dtype, 9, 2, 6);
        int[] index = {1, 1, 4, 0, 1, 4, 2, 2};
        Shape is = Shape.of(2, 4);
        Tensor y = Indexing.scatterAdd(target, 1, index, is, src);
        double[] want = target.toDoubleArray();
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 4; j++) {
                want[i * 5 + index[i * 4 + j]] += src.get(i, j);
            }
        }
        assertValues(y, target.shape(), dtype, want, 1e-6, 1e-6);
        assertThat(y.sharesStorage(target)).isFalse();

        // in place through a transposed view: writes land at the view's positions
        Tensor base = Tensor.zeros(Shape.of(5, 3), dtype);
        int v0 = base.version();
        Tensor view = base.mT();
        Tensor r = Indexing.scatterAddInto(view, 1, index, is, src);
        assertThat(r).isSameAs(view);
        assertThat(base.version()).isGreaterThan(v0);
        assertValues(view.copy(), Shape.of(3, 5), dtype, add(want, target.toDoubleArray(), -1), 1e-6, 1e-6);

        // a source sharing the target's storage is read as it was before the call
        Tensor self = Tensor.of(new double[] {1, 2}, 1, 2).to(dtype);
        Indexing.scatterAddInto(self, 1, new int[] {1, 0}, Shape.of(1, 2), self);
        assertValues(self, Shape.of(1, 2), dtype, new double[] {3, 3}, 0, 0);
    }

    private static double[] add(double[] a, double[] b, double s) {
        double[] c = a.clone();
        for (int i = 0; i < c.length; i++) {
            c[i] += s * b[i];
        }
        return c;
    }

    @Test
    void remapIntoMovesElementsAndZeroesNewOnes() {
        int[] from = {2, -1, 0, 1, -1};
        Tensor f32 = Tensor.of(new float[] {9, 1, 2, 3, 4, 5, 6}, 7).slice(0, 1, 6);   // at an offset
        Indexing.remapInto(f32, from);
        assertThat(f32.toFloatArray()).containsExactly(3, 0, 1, 2, 0);
        Tensor f64 = Tensor.of(new double[] {1, 2, 3, 4, 5}, 5);
        Indexing.remapInto(f64, from);
        assertThat(f64.toDoubleArray()).containsExactly(3, 0, 1, 2, 0);
        Tensor strided = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2).mT();   // row-major order 1, 3, 2, 4
        Indexing.remapInto(strided, new int[] {3, 2, 1, 0});
        assertThat(strided.toFloatArray()).containsExactly(4, 2, 3, 1);
        assertThatThrownBy(() -> Indexing.remapInto(Tensor.zeros(3), new int[] {0, 1}))
                .hasMessage("remapInto: 2 sources for a tensor of 3 elements [3]");
        assertThatThrownBy(() -> Indexing.remapInto(Tensor.zeros(2), new int[] {0, 2}))
                .hasMessage("remapInto: source 2 of element 1 outside [0, 2)");
    }

    @Test
    void oneHotRows() {
        Tensor y = Indexing.oneHot(new int[] {2, 0, 2}, 3);
        assertThat(y.shape()).isEqualTo(Shape.of(3, 3));
        assertThat(y.toFloatArray()).containsExactly(0, 0, 1, 1, 0, 0, 0, 0, 1);
        assertThat(Indexing.oneHot(new int[] {1}, 2, DType.F64).toDoubleArray()).containsExactly(0, 1);
        assertThat(Indexing.oneHot(new int[0], 4).shape()).isEqualTo(Shape.of(0, 4));
    }

    @Test
    void concatRefusesPartsWhoseSizesAddUpPastOneArray() {
        // four parts of 2^30 summed in an int wrapped to a total of 5: the output was [5], the first
        // part was copied into it, and the second part's slice failed with a message naming slice
        Tensor quarter = Tensor.ones(1).expand(1 << 30);
        assertThatThrownBy(() -> Indexing.concat(0, quarter, quarter, quarter, quarter, Tensor.ones(5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("concat: shape [4294967301] is too large: its non-zero dimensions multiply past 2^31 − 9 = "
                        + "2147483639, the most elements a tensor (one Java array) holds (joining 5 tensors of shapes "
                        + "[1073741824], [1073741824], [1073741824], [1073741824], [5] along axis 0)");
        // just past the limit: 2^31 − 9 + 9 wrapped to a negative size
        Tensor most = Tensor.ones(1).expand(Shape.MAX_ELEMENTS);
        assertThatThrownBy(() -> Indexing.concat(-1, most, Tensor.ones(9)))
                .hasMessageStartingWith("concat: shape [2147483648] is too large");
        // an empty result may have an axis up to the limit, not past it (its strides would overflow)
        Tensor emptyQuarter = Tensor.zeros(0, 1).expand(0, 1 << 30);
        assertThat(Indexing.concat(1, emptyQuarter, Tensor.zeros(0, 7)).shape()).isEqualTo(Shape.of(0, (1 << 30) + 7));
        assertThatThrownBy(() -> Indexing.concat(1, emptyQuarter, emptyQuarter, emptyQuarter, emptyQuarter))
                .hasMessageStartingWith("concat: shape [0, 4294967296] is too large");
    }

    @Test
    void errorsNameOpIndexAndShape() {
        Tensor x = Tensor.zeros(3, 5);
        assertThatThrownBy(() -> Indexing.concat(0, x, Tensor.zeros(3, 4)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("concat").hasMessageContaining("[3, 4]");
        assertThatThrownBy(() -> Indexing.concat(0, x, Tensor.zeros(Shape.of(3, 5), DType.F64)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("concat: dtype mismatch");
        assertThatThrownBy(() -> Indexing.concat(2, x))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("concat: axis 2");
        assertThatThrownBy(() -> Indexing.concat(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("concat");
        assertThatThrownBy(() -> Indexing.split(x, 1, 2, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("split").hasMessageContaining("[3, 5]");
        assertThatThrownBy(() -> Indexing.indexSelect(x, 1, new int[] {0, 5}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("indexSelect: index 5 (at position 1)").hasMessageContaining("[3, 5]");
        assertThatThrownBy(() -> Indexing.indexSelect(x, 0, new int[] {-1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("index -1");
        assertThatThrownBy(() -> Indexing.gather(x, 1, new int[] {0, 7}, Shape.of(1, 2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("gather: index 7").hasMessageContaining("[3, 5]");
        assertThatThrownBy(() -> Indexing.gather(x, 1, new int[] {0, 1}, Shape.of(2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("gather: index shape [2]");
        assertThatThrownBy(() -> Indexing.gather(x, 1, new int[] {0, 1, 2}, Shape.of(1, 2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("gather: 3 indices");
        assertThatThrownBy(() -> Indexing.scatterAdd(x, 0, new int[] {3}, Shape.of(1, 1), Tensor.zeros(1, 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("scatterAdd: index 3");
        assertThatThrownBy(() -> Indexing.scatterAdd(x, 0, new int[] {0, 0}, Shape.of(1, 2), Tensor.zeros(1, 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("scatterAdd: index shape [1, 2]");
        assertThatThrownBy(() -> Indexing.indexAdd(x, 1, new int[] {1, 5}, Tensor.zeros(3, 2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("indexAdd: index 5 (at position 1)").hasMessageContaining("[3, 5]");
        assertThatThrownBy(() -> Indexing.indexAdd(x, 1, new int[] {1, 2}, Tensor.zeros(3, 3)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("indexAdd: source shape [3, 3] should be [3, 2] (target [3, 5] with the 2 indices on axis 1)");
        assertThatThrownBy(() -> Indexing.indexAdd(x, 0, new int[] {1}, Tensor.zeros(Shape.of(1, 5), DType.F64)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("indexAdd: dtype mismatch");
        assertThatThrownBy(() -> Indexing.oneHot(new int[] {0, 3}, 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("oneHot: index 3 (at position 1)");
    }
}
