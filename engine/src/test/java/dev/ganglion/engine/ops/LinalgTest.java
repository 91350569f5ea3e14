package dev.ganglion.engine.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ganglion.engine.DType;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.testing.Fixtures;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** {@link Linalg#matmul} and {@link Linalg#linear} against a float64 reference written from the definition. */
class LinalgTest {
    private static long seed = 1;

    private static Tensor rand(int... dims) {
        return Tensor.wrap(Fixtures.randomFloats(Shape.of(dims).size(), seed++), Shape.of(dims));
    }

    /** torch.matmul from its definition, in float64, one element at a time. */
    private static double[] reference(Tensor a, Tensor b, Shape out) {
        Tensor a2 = a.rank() == 1 ? a.unsqueeze(0) : a;
        Tensor b2 = b.rank() == 1 ? b.unsqueeze(1) : b;
        int m = a2.dim(-2), k = a2.dim(-1), n = b2.dim(-1);
        int batchRank = Math.max(a2.rank(), b2.rank()) - 2;
        double[] r = new double[out.size()];
        int count = r.length / Math.max(1, m * n);
        int[] batch = Arrays.copyOf(out.dims(), batchRank);
        for (int e = 0; e < (m * n == 0 ? 0 : count); e++) {
            int[] idx = unravel(e, batch);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double acc = 0;
                    for (int p = 0; p < k; p++) {
                        acc += a2.get(index(idx, a2, i, p)) * b2.get(index(idx, b2, p, j));
                    }
                    r[(e * m + i) * n + j] = acc;
                }
            }
        }
        return r;
    }

    private static int[] unravel(int e, int[] dims) {
        int[] idx = new int[dims.length];
        for (int i = dims.length - 1; i >= 0; i--) {
            idx[i] = e % dims[i];
            e /= dims[i];
        }
        return idx;
    }

    /** The index into {@code t} for batch index {@code batch} (broadcast) and matrix element (r, c). */
    private static int[] index(int[] batch, Tensor t, int r, int c) {
        int[] idx = new int[t.rank()];
        int own = t.rank() - 2;
        for (int i = 0; i < own; i++) {
            idx[i] = t.dim(i) == 1 ? 0 : batch[batch.length - own + i];
        }
        idx[own] = r;
        idx[own + 1] = c;
        return idx;
    }

    private static void assertMatmul(Tensor a, Tensor b, int... expectedDims) {
        Tensor c = Linalg.matmul(a, b);
        assertThat(c.shape()).isEqualTo(Shape.of(expectedDims));
        assertThat(c.isContiguous()).isTrue();
        double[] ref = reference(a, b, c.shape());
        int k = a.dim(-1);
        double tol = 1e-5 * Math.sqrt(k + 1);
        float[] expected = new float[ref.length];
        for (int i = 0; i < ref.length; i++) {
            expected[i] = (float) ref[i];
        }
        Fixtures.assertClose(c.toFloatArray(), expected, tol, tol);
    }

    @Test
    void twoDimensionalAtAwkwardSizes() {
        for (int[] s : new int[][] {{1, 1, 1}, {7, 13, 17}, {33, 65, 2}, {100, 1, 129}, {3, 207, 31}}) {
            assertMatmul(rand(s[0], s[1]), rand(s[1], s[2]), s[0], s[2]);
        }
    }

    @Test
    void matmulIntoOverwritesOrAddsInPlace() {
        Tensor a = rand(7, 13).mT(); // a strided view: [13, 7]
        Tensor b = rand(7, 5);
        float[] product = Linalg.matmul(a, b).toFloatArray();
        Tensor c = Tensor.full(Shape.of(13, 5), Float.NaN, DType.F32); // overwritten: never read
        Linalg.matmulInto(a, b, c, false);
        assertThat(c.toFloatArray()).containsExactly(product);
        Linalg.matmulInto(a, b, c, true);
        float[] twice = product.clone();
        for (int i = 0; i < twice.length; i++) {
            twice[i] *= 2;
        }
        assertThat(c.toFloatArray()).containsExactly(twice);
        assertThatThrownBy(() -> Linalg.matmulInto(a, b, rand(5, 13).mT(), true))
                .hasMessageContaining("matmulInto: C of shape [13, 5] must be contiguous");
        assertThatThrownBy(() -> Linalg.matmulInto(a, b, rand(13, 4), false))
                .hasMessageContaining("matmulInto: shapes [13, 7] · [7, 5] do not fit C [13, 4]");
        // C over an operand would read what it has already written
        Tensor sq = rand(6, 6);
        assertThatThrownBy(() -> Linalg.matmulInto(sq, rand(6, 6), sq, false))
                .hasMessageContaining("matmulInto: C of shape [6, 6] must not share storage with A [6, 6] or B [6, 6]");
        assertThatThrownBy(() -> Linalg.matmulInto(rand(6, 6), sq.mT(), sq, true))
                .hasMessageContaining("must not share storage");
    }

    @Test
    void oneDimensionalOperandsArePromotedAndTheAxisRemoved() {
        assertMatmul(rand(13), rand(13));
        assertMatmul(rand(7), rand(7, 5), 5);
        assertMatmul(rand(5, 7), rand(7), 5);
        assertMatmul(rand(7), rand(3, 7, 4), 3, 4);
        assertMatmul(rand(2, 3, 5, 7), rand(7), 2, 3, 5);
        assertThat(Linalg.matmul(Tensor.of(new float[] {1, 2, 3}, 3), Tensor.of(new float[] {4, 5, 6}, 3)).item())
                .isEqualTo(32.0);
    }

    @Test
    void batchAxesBroadcast() {
        assertMatmul(rand(2, 1, 3, 4), rand(5, 4, 6), 2, 5, 3, 6);
        assertMatmul(rand(4, 3, 8), rand(8, 6), 4, 3, 6);
        assertMatmul(rand(3, 8), rand(4, 8, 6), 4, 3, 6);
        assertMatmul(rand(1, 3, 8), rand(4, 8, 6), 4, 3, 6);
        Tensor sharedB = rand(8, 6).unsqueeze(0).expand(4, 8, 6);
        assertMatmul(rand(4, 3, 8), sharedB, 4, 3, 6);
        // the batch only B has, and B's is a broadcast: A is the same matrix for every element (an
        // audit found A read past its end, or past its rows into its parent's, here)
        assertMatmul(rand(3, 8), sharedB, 4, 3, 6);
        assertMatmul(rand(1, 3, 8), sharedB, 4, 3, 6);
        assertMatmul(rand(9, 8).slice(0, 0, 3), sharedB, 4, 3, 6);
        assertMatmul(rand(8), sharedB, 4, 6);
        assertMatmul(rand(2, 1, 3, 8), rand(8, 6).expand(2, 5, 8, 6), 2, 5, 3, 6);
    }

    @Test
    void transposedViewsAreReadInPlace() {
        Tensor w = rand(6, 8);
        MatrixOperand op = MatrixOperand.of(w.mT());
        assertThat(op.trans()).isTrue();
        assertThat(op.tensor().sharesStorage(w)).isTrue();
        assertThat(op.ld()).isEqualTo(8);
        MatrixOperand batched = MatrixOperand.of(rand(3, 5, 4).mT());
        assertThat(batched.trans()).isTrue();
        assertMatmul(rand(5, 8), w.mT().contiguous().mT().mT(), 5, 6);
        assertMatmul(rand(5, 8), w.mT(), 5, 6);
        assertMatmul(w.mT(), rand(6, 3), 8, 3);
        assertMatmul(rand(2, 4, 3).mT(), rand(2, 4, 5), 2, 3, 5);
    }

    @Test
    void otherViewsAreCopiedAndStillCorrect() {
        Tensor big = rand(10, 12);
        Tensor stepped = big.slice(1, 0, 12, 2);
        assertThat(MatrixOperand.of(stepped).tensor().sharesStorage(big)).isFalse();
        assertMatmul(stepped, rand(6, 4), 10, 4);
        Tensor rowSlice = big.slice(0, 2, 7).slice(1, 3, 11);
        assertThat(MatrixOperand.of(rowSlice).tensor().sharesStorage(big)).isTrue();
        assertMatmul(rowSlice, rand(8, 3), 5, 3);
        assertMatmul(rand(3, 5), rand(5, 9, 2).permute(1, 0, 2).select(0, 4), 3, 2);
    }

    @Test
    void zeroSizedDimensions() {
        assertMatmul(rand(0, 3), rand(3, 4), 0, 4);
        Tensor c = Linalg.matmul(rand(2, 0), rand(0, 3));
        assertThat(c.shape()).isEqualTo(Shape.of(2, 3));
        assertThat(c.toFloatArray()).containsOnly(0f);
        // an empty batch whose matrices are a broadcast (stride-0) view: found by the PyTorch fuzz,
        // where it threw a NullPointerException from the operand check
        Tensor a = Tensor.zeros(Shape.of(0, 1, 5), DType.F32).expand(2, 0, 3, 5);
        assertThat(Linalg.matmul(a, rand(5, 1)).shape()).isEqualTo(Shape.of(2, 0, 3, 1));
        assertThat(Linalg.matmul(rand(4, 5), a.mT()).shape()).isEqualTo(Shape.of(2, 0, 4, 3));
    }

    @Test
    void float64RunsInDouble() {
        Tensor a = rand(7, 9).to(DType.F64);
        Tensor b = rand(3, 9, 5).to(DType.F64);
        Tensor c = Linalg.matmul(a, b);
        assertThat(c.dtype()).isEqualTo(DType.F64);
        double[] ref = reference(a, b, c.shape());
        double[] got = c.toDoubleArray();
        for (int i = 0; i < ref.length; i++) {
            assertThat(got[i]).isCloseTo(ref[i], org.assertj.core.data.Offset.offset(1e-12));
        }
    }

    @Test
    void matmulErrorsNameOpAndShapes() {
        assertThatThrownBy(() -> Linalg.matmul(rand(2, 3), rand(4, 5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("matmul: shapes [2, 3] and [4, 5]: inner dimensions 3 and 4 differ");
        assertThatThrownBy(() -> Linalg.matmul(rand(2, 3, 4), rand(3, 4, 5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("matmul: shapes [2, 3, 4] and [3, 4, 5]: batch dimensions [2] and [3]");
        assertThatThrownBy(() -> Linalg.matmul(Tensor.scalar(1f), rand(3)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("matmul: both arguments need at least 1 dimension");
        assertThatThrownBy(() -> Linalg.matmul(rand(2, 3), rand(3, 2).to(DType.F64)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("matmul: dtypes F32 and F64 differ");
    }

    @Test
    void linearMatchesMatmulWithTransposedWeightPlusBias() {
        Tensor x = rand(2, 3, 5);
        Tensor w = rand(4, 5);
        Tensor b = rand(4);
        float[] y = Linalg.linear(x, w, b).toFloatArray();
        double[] ref = reference(x, w.mT(), Shape.of(2, 3, 4));
        float[] expected = new float[ref.length];
        float[] bias = b.toFloatArray();
        for (int i = 0; i < ref.length; i++) {
            expected[i] = (float) (ref[i] + bias[i % 4]);
        }
        Fixtures.assertClose(y, expected, 1e-5, 1e-5);
        assertThat(Linalg.linear(x, w, b).shape()).isEqualTo(Shape.of(2, 3, 4));
        assertThat(Linalg.linear(rand(5), w, null).shape()).isEqualTo(Shape.of(4));
    }

    @Test
    void linearReadsAnyWeightLayoutWithoutMaterialisingTheTranspose() {
        Tensor x = rand(6, 9);
        Tensor v = rand(9, 7);
        Tensor w = v.mT();
        float[] got = Linalg.linear(x, w, null).toFloatArray();
        float[] expected = Linalg.matmul(x, v).toFloatArray();
        Fixtures.assertClose(got, expected, 1e-5, 1e-5);
        float[] fromView = Linalg.linear(x.mT().contiguous().mT(), w.contiguous(), null).toFloatArray();
        Fixtures.assertClose(fromView, expected, 1e-5, 1e-5);
        Tensor x64 = x.to(DType.F64);
        double[] y64 = Linalg.linear(x64, w.to(DType.F64), Tensor.zeros(Shape.of(7), DType.F64)).toDoubleArray();
        assertThat(y64).hasSize(42);
        assertThat((float) y64[5]).isCloseTo(expected[5], org.assertj.core.data.Offset.offset(1e-4f));
    }

    @Test
    void linearErrorsNameOpAndShapes() {
        assertThatThrownBy(() -> Linalg.linear(rand(2, 5), rand(4, 3), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("linear: input shape [2, 5] and weight shape [4, 3]: in_features 5 and 3 differ");
        assertThatThrownBy(() -> Linalg.linear(rand(2, 3), rand(3), null))
                .hasMessageContaining("linear: weight must be 2-D [out, in], got shape [3]");
        assertThatThrownBy(() -> Linalg.linear(rand(2, 3), rand(4, 3), rand(5)))
                .hasMessageContaining("linear: bias shape [5] does not match out_features 4");
        assertThatThrownBy(() -> Linalg.linear(Tensor.scalar(1f), rand(4, 1), null))
                .hasMessageContaining("linear: input must have at least 1 dimension");
        assertThatThrownBy(() -> Linalg.linear(rand(2, 3), rand(4, 3).to(DType.F64), null))
                .hasMessageContaining("linear: dtypes F32 and F64 differ");
    }
}
