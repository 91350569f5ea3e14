package dev.ganglion.autodiff.nn;

import static dev.ganglion.autodiff.nn.LayersTest.affine;
import static dev.ganglion.autodiff.nn.LayersTest.assertClose;
import static dev.ganglion.autodiff.nn.LayersTest.randn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ganglion.autodiff.GradCheck;
import dev.ganglion.autodiff.Op;
import dev.ganglion.autodiff.Var;
import dev.ganglion.engine.DType;
import dev.ganglion.engine.Rng;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.sparse.BlockDiagonal;
import dev.ganglion.engine.sparse.Bsr;
import dev.ganglion.engine.sparse.SparseMatrix;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The sparse layers against dense references: {@code y = x·Wᵀ + b}, {@code dx = dy·W} and
 * {@code dW = (dyᵀ·x) ⊙ pattern}; and that each records its sparse op (never a dense product).
 */
class SparseLayersTest {
    /** Runs {@code Σ y ⊙ dy} through the layer and compares everything with the dense form of {@code w}. */
    static void checkAgainstDense(Layer layer, SparseMatrix w, Var weight, Var bias, int batch) {
        Tensor dense = w.toDense();
        Tensor x = randn(11, batch, w.cols());
        Tensor dy = randn(12, batch, w.rows());
        Var xv = Var.parameter(x);
        Var y = layer.forward(xv);
        assertClose(y.value(), affine(x, dense, bias == null ? null : bias.value()), 1e-5);
        y.backward(dy);
        assertClose(xv.grad(), affine(dy, dense.mT(), null), 1e-5);
        Tensor gDense = w.withValues(weight.grad()).toDense();
        double[] full = affine(dy.mT().contiguous(), x.mT().contiguous(), null); // dyᵀ·x
        Tensor mask = w.patternMask();
        for (int i = 0; i < full.length; i++) {
            full[i] *= mask.get(i / w.cols(), i % w.cols());
        }
        assertClose(gDense, full, 1e-5);
        if (bias != null) {
            assertClose(bias.grad(), affine(Tensor.ones(1, batch), dy.mT(), null), 1e-5);
        }
    }

    @Test
    void blockDiagonalLinear() {
        BlockDiagonalLinear l = new BlockDiagonalLinear(12, 8, 4, true, new Rng(1));
        assertThat(l.weight().shape()).isEqualTo(Shape.of(4, 2, 3));
        assertThat(l.namedParameters().keySet()).containsExactly("weight", "bias");
        checkAgainstDense(l, l.matrix(), l.weight(), l.bias(), 5);
        BlockDiagonalLinear noBias = new BlockDiagonalLinear(BlockDiagonal.fromDense(randn(3, 6, 9), 3), null);
        assertThat(noBias.forward(Var.parameter(randn(4, 2, 9))).op()).isEqualTo(Op.BLOCK_DIAGONAL);
        checkAgainstDense(noBias, noBias.matrix(), noBias.weight(), null, 3);
        assertThatThrownBy(() -> new BlockDiagonalLinear(10, 8, 4, true, new Rng(1))).hasMessageContaining("do not divide");
        assertThatThrownBy(() -> l.forward(Var.constant(Tensor.zeros(2, 8)))).hasMessageContaining("expected [..., 12]");
    }

    @Test
    void maskedLinearKeepsFloat64AndGradchecks() {
        Tensor w = randn(21, 4, 6).to(DType.F64);
        float[] m = new float[24];
        for (int i = 0; i < m.length; i++) {
            m[i] = (i / 6 + i % 6) % 3 == 0 ? 0 : 1;
        }
        Tensor mask = Tensor.of(m, 4, 6);
        Tensor b = randn(22, 4).to(DType.F64);
        MaskedLinear l = MaskedLinear.fromDense(w, mask, b);
        // it used to round the weight to float32 (weight.to(F32)), so no float64 run or gradcheck
        assertThat(l.weight().value().dtype()).isEqualTo(DType.F64);
        double[] wd = w.toDoubleArray();
        double[] expected = new double[wd.length];
        for (int i = 0; i < wd.length; i++) {
            expected[i] = m[i] == 0 ? 0 : wd[i];
        }
        assertThat(l.denseWeight().toDoubleArray()).containsExactly(expected);
        Tensor x = randn(23, 3, 6).to(DType.F64);
        GradCheck.check(a -> l.forward(a[0]).square().sum(), x).assertPassed();
        Var y = l.forward(Var.parameter(x));
        y.square().sum().backward();
        assertThat(l.weight().grad().dtype()).isEqualTo(DType.F64);
        // a float64 state loads back as it is
        Map<String, Tensor> state = l.stateDict();
        MaskedLinear copy = MaskedLinear.fromDense(Tensor.zeros(Shape.of(4, 6), DType.F64), mask, Tensor.zeros(Shape.of(4), DType.F64));
        copy.loadStateDict(state, true);
        assertThat(copy.denseWeight().toDoubleArray()).containsExactly(expected);
    }

    @Test
    void aBiasOfAnotherDtypeThanTheWeightIsRefusedAtConstruction() {
        Bsr f64 = Bsr.random(6, 4, 2, 2, 0.5, 3);
        Bsr pattern = f64.withValues(f64.values().to(DType.F64));
        // accepted before, then "add: dtype mismatch" at the first forward pass
        assertThatThrownBy(() -> new BlockSparseLinear(pattern, Tensor.zeros(6)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bias is F32 but the weight is F64");
        assertThat(new BlockSparseLinear(pattern, Tensor.zeros(Shape.of(6), DType.F64))
                .forward(Var.constant(Tensor.zeros(Shape.of(2, 4), DType.F64))).value().dtype()).isEqualTo(DType.F64);
        assertThatThrownBy(() -> new BlockDiagonalLinear(BlockDiagonal.zeros(2, 4, 6, DType.F64), Tensor.zeros(4)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bias is F32 but the weight is F64");
        assertThatThrownBy(() -> MaskedLinear.fromDense(Tensor.zeros(Shape.of(2, 3), DType.F64), Tensor.ones(2, 3),
                Tensor.zeros(2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bias is F32 but the weight is F64");
    }

    @Test
    void aMaskIsZerosAndOnesWhenBuiltAsWhenLoaded() {
        // a 2 was taken as a live connection here, and a checkpoint of the layer then failed to load
        Tensor mask = Tensor.of(new float[] {1, 0, 2, 1, 1, 0}, 2, 3);
        assertThatThrownBy(() -> MaskedLinear.fromDense(Tensor.ones(2, 3), mask, null))
                .hasMessage("MaskedLinear: mask element 2 of [2, 3] is 2.0; a mask holds 0 (no connection) or 1");
        assertThatThrownBy(() -> MaskedLinear.create(mask, false, new Rng(1))).hasMessageStartingWith("MaskedLinear: mask");
        MaskedLinear layer = MaskedLinear.create(Tensor.of(new float[] {1, 0, 1, 1, 1, 0}, 2, 3), false, new Rng(1));
        assertThatThrownBy(() -> layer.setMask(mask)).hasMessageStartingWith("MaskedLinear: mask element 2");
    }

    @Test
    void blockSparseLinear() {
        Bsr pattern = Bsr.random(16, 12, 4, 3, 0.5, 7);
        BlockSparseLinear l = new BlockSparseLinear(pattern, true, new Rng(2));
        assertThat(l.weight().shape()).isEqualTo(pattern.values().shape());
        checkAgainstDense(l, l.matrix(), l.weight(), l.bias(), 6);
        BlockSparseLinear given = new BlockSparseLinear(pattern, null);
        assertThat(given.weight().value().toFloatArray()).containsExactly(pattern.values().toFloatArray());
        assertThat(given.weight().value().sharesStorage(pattern.values())).isFalse();
        assertThat(given.forward(Var.parameter(randn(1, 2, 12))).op()).isEqualTo(Op.BSR);
        assertThatThrownBy(() -> new BlockSparseLinear(pattern, Tensor.zeros(3))).hasMessageContaining("expected [16]");
        // the init bound is 1/√(nnz/out) with the mean fan-in as it is, not rounded: 1.5 gives 0.816, not 1/√2
        Bsr sparse = Bsr.fromBlockMask(Tensor.of(new float[] {1, 1, 1, 0}, 2, 2), 1, 1, DType.F32);
        float max = 0;
        for (int seed = 0; seed < 300; seed++) {
            for (float v : new BlockSparseLinear(sparse, false, new Rng(seed)).weight().value().toFloatArray()) {
                max = Math.max(max, Math.abs(v));
            }
        }
        assertThat((double) max).isBetween(0.75, 1 / Math.sqrt(1.5));
    }

    static Tensor mask(long seed, int rows, int cols, double p) {
        return new Rng(seed).bernoulli(Shape.of(rows, cols), p);
    }

    @Test
    void maskedLinearComputesExactlyTheMaskedProductAndIgnoresStaleValues() {
        Tensor w = randn(4, 7, 9); // nonzero everywhere: holes hold stale values that must not count
        Tensor m = mask(5, 7, 9, 0.4);
        Tensor b = randn(6, 7);
        MaskedLinear l = MaskedLinear.fromDense(w, m, b);
        Tensor masked = dev.ganglion.engine.ops.Elementwise.mul(w, m);
        assertClose(l.denseWeight(), masked.toDoubleArray(), 0);
        assertThat(l.nnz()).isEqualTo((int) dev.ganglion.engine.ops.Reductions.sum(m).item());
        checkAgainstDense(l, l.matrix(), l.weight(), l.bias(), 4);
        assertThat(l.denseGrad().toFloatArray()).containsExactly(l.matrix().withValues(l.weight().grad()).toDense().toFloatArray());
        MaskedLinear noBias = MaskedLinear.fromDense(w, m, null);
        assertThat(noBias.forward(Var.parameter(randn(1, 2, 9))).op()).isEqualTo(Op.CSR);
    }

    @Test
    void maskedLinearStateIsTheInterchangeForm() {
        MaskedLinear l = MaskedLinear.create(mask(1, 6, 5, 0.5), true, new Rng(3));
        Map<String, Tensor> s = l.stateDict();
        assertThat(s.keySet()).containsExactly("weight", "mask", "bias");
        assertThat(s.get("weight").shape()).isEqualTo(Shape.of(6, 5));
        assertThat(l.stateIntTypes()).containsKey("mask");
        assertThat(l.namedParameters().get("weight").shape()).isEqualTo(Shape.of(l.nnz()));

        // a state with the same count of live connections, moved, and stale values at the holes
        Tensor m2 = mask(1, 6, 5, 0.5).permute(1, 0).contiguous().reshape(6, 5);
        int live2 = (int) dev.ganglion.engine.ops.Reductions.sum(m2).item();
        assertThat(live2).isEqualTo(l.nnz());
        Tensor w2 = randn(8, 6, 5);
        MaskedLinear target = MaskedLinear.create(mask(1, 6, 5, 0.5), true, new Rng(4));
        target.loadStateDict(Map.of("weight", w2, "mask", m2, "bias", s.get("bias")), true);
        assertThat(target.mask().toFloatArray()).containsExactly(m2.toFloatArray());
        assertClose(target.denseWeight(), dev.ganglion.engine.ops.Elementwise.mul(w2, m2).toDoubleArray(), 0);
    }

    @Test
    void maskedLinearRejectsADifferentConnectionCount() {
        MaskedLinear l = MaskedLinear.create(mask(1, 6, 5, 0.5), false, new Rng(3));
        Tensor full = Tensor.ones(6, 5);
        assertThatThrownBy(() -> l.loadStateDict(Map.of("weight", full, "mask", full), true))
                .hasMessageContaining("MaskedLinear: mask has 30 live connections, the layer " + l.nnz());
        assertThatThrownBy(() -> l.setMask(full)).hasMessageContaining("the count is fixed");
        assertThatThrownBy(() -> l.setMask(Tensor.ones(5, 6))).hasMessageContaining("expected [6, 5]");
    }

    @Test
    void setMaskKeepsSurvivorsZeroesNewcomersAndReportsSources() {
        Tensor m = Tensor.of(new float[] {1, 1, 0, 0, 1, 0}, 2, 3);
        Tensor w = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        MaskedLinear l = MaskedLinear.fromDense(w, m, null);
        assertThat(l.weight().value().toFloatArray()).containsExactly(1, 2, 5);
        int version = l.weight().value().version();
        // prune (0,0), grow (1,2)
        int[] from = l.setMask(Tensor.of(new float[] {0, 1, 0, 0, 1, 1}, 2, 3));
        assertThat(from).containsExactly(1, 2, -1);
        assertThat(l.weight().value().toFloatArray()).containsExactly(2, 5, 0);
        assertThat(l.weight().value().version()).isGreaterThan(version);
        assertThat(l.denseWeight().toFloatArray()).containsExactly(0, 2, 0, 0, 5, 0);
    }

    @Test
    void aStateMaskMustHoldZerosAndOnes() {
        MaskedLinear l = MaskedLinear.fromDense(Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3),
                Tensor.of(new float[] {1, 1, 0, 0, 1, 0}, 2, 3), null);
        Map<String, Tensor> state = new java.util.LinkedHashMap<>(l.stateDict());
        state.put("mask", Tensor.of(new float[] {2, 1, 0, 0, 1, 0}, 2, 3));
        assertThatThrownBy(() -> l.loadStateDict(state, true))
                .hasMessageContaining("mask element 0 of [2, 3] is 2.0; a mask holds 0 (no connection) or 1");
    }

    @Test
    void setMaskMovesAGradientWithItsConnections() {
        // an audit found the gradient left in the old order: (0,1) reported (0,0)'s, (1,2) took (1,1)'s
        MaskedLinear l = MaskedLinear.fromDense(Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3),
                Tensor.of(new float[] {1, 1, 0, 0, 1, 0}, 2, 3), null);
        l.forward(Var.constant(Tensor.of(new float[] {10, 20, 30}, 1, 3))).sum().backward();
        assertThat(l.denseGrad().toFloatArray()).containsExactly(10, 20, 0, 0, 20, 0);
        l.setMask(Tensor.of(new float[] {0, 1, 0, 0, 1, 1}, 2, 3));
        assertThat(l.denseGrad().toFloatArray()).containsExactly(0, 20, 0, 0, 20, 0);
        assertThat(l.weight().grad().toFloatArray()).containsExactly(20, 20, 0);
    }
}
