package dev.ganglion.autodiff;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ganglion.engine.DType;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.ops.CallScratch;
import dev.ganglion.engine.ops.Elementwise;
import dev.ganglion.engine.sparse.BlockDiagonal;
import dev.ganglion.engine.sparse.Bsr;
import dev.ganglion.engine.sparse.Csr;
import dev.ganglion.engine.sparse.SparseMatrix;
import dev.ganglion.engine.testing.Fixtures;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Input gradients written into storage the walk lends ({@link CustomContext#inputGradBuffer}): the
 * storage comes back for later calls once a gradient has been consumed, and a gradient whose way
 * on is not a single node's (a leaf's, a sum of two, one handed on by a rule) is never reused while
 * it may still be read, so every leaf gradient stays right however the walks reuse the storage.
 */
class InputGradBufferTest {
    private static final int N = 300;

    /** Storage arrays the scaling functions' backwards got, in order. */
    private final List<float[]> got = new ArrayList<>();

    /** {@code y = k·x}; backward writes {@code k·dy} into a lent buffer it fills with NaN first. */
    private CustomFunction scaled(double k) {
        return CustomFunction.of("scaled" + k, (ctx, in) -> Elementwise.scale(in[0], k), (ctx, g) -> {
            Tensor gx = ctx.inputGradBuffer(0);
            got.add(gx.floatArray());
            gx.copyFrom(Tensor.full(gx.shape(), Float.NaN, DType.F32)); // whatever a reuse could leave
            gx.copyFrom(Elementwise.scale(g, k));
            return new Tensor[] {gx};
        });
    }

    private final CustomFunction s2 = scaled(2);
    private final CustomFunction s3 = scaled(3);
    private final CustomFunction s5 = scaled(5);
    private final CustomFunction s7 = scaled(7);
    private final CustomFunction s11 = scaled(11);

    /** {@code y = x}; backward hands its incoming gradient on as it is. */
    private static final CustomFunction HAND_ON = CustomFunction.of("handOn", (ctx, in) -> in[0].copy(),
            (ctx, g) -> new Tensor[] {g});

    @Test
    void aChainOfLayersGetsWarmStorageBackFromTheWalkBefore() {
        Var x = Var.parameter(Tensor.ones(N));
        Set<float[]> before = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int walk = 0; walk < 3; walk++) {
            got.clear();
            s5.apply(s3.apply(s2.apply(x))).sum().backward();
            assertThat(x.grad().toFloatArray()).as("walk " + walk).containsOnly(30f * (walk + 1));
            if (walk > 0) {
                // s3's, taken back when s2 had run (s2's own went to the leaf, which copies it: the GC's)
                assertThat(before.contains(got.get(0))).as("walk " + walk + ": storage from the walk before").isTrue();
            }
            before.clear();
            before.addAll(got);
            // within a walk, the first gradient is consumed before the last is made: its storage is reused
            assertThat(got.get(2)).as("walk " + walk + ": s2's buffer is s5's, taken back").isSameAs(got.get(0));
        }
    }

    @Test
    void gradientsThatBranchMergeOrAreHandedOnStayRightWhileTheStorageIsReused() {
        Var x = Var.parameter(Tensor.ones(N));
        for (int walk = 1; walk <= 4; walk++) {
            Var a = s2.apply(x);                       // its gradient: the sum of three
            Var b = HAND_ON.apply(s3.apply(a));        // s7's gradient handed on to s3
            Var c = s5.apply(a);
            Var d = s11.apply(x.reshape(3, N / 3));   // a lent gradient reshaped on its way to the leaf
            Var out = s7.apply(b).sum().add(c.sum()).add(a.sum()).add(d.sum());
            out.backward();
            // d out/da = 21 + 5 + 1, d out/dx = 2·27 + 11
            assertThat(x.grad().toFloatArray()).as("walk " + walk).containsOnly(65f * walk);
        }
    }

    @Test
    void oneLentGradientReturnedForTwoInputsIsNeverReused() {
        // y = u + v; backward returns one lent buffer as both gradients
        CustomFunction sum = CustomFunction.of("sum2", (ctx, in) -> Elementwise.add(in[0], in[1]), (ctx, g) -> {
            Tensor gx = ctx.inputGradBuffer(0);
            gx.copyFrom(g);
            return new Tensor[] {gx, gx};
        });
        Var x = Var.parameter(Tensor.ones(N));
        for (int walk = 1; walk <= 3; walk++) {
            sum.apply(s2.apply(x), s3.apply(x)).sum().backward();
            assertThat(x.grad().toFloatArray()).as("walk " + walk).containsOnly(5f * walk);
        }
    }

    /**
     * The built-in rules that write into lent storage (linear, and the sparse products of every
     * format, including a weight with no entries and block rows with none) overwrite all of it: with
     * NaN left in the storage the walk will lend, {@code backward()} gives the functional gradient.
     */
    @Test
    void linearAndSparseRulesOverwriteTheStorageTheyAreLent() {
        Tensor blockMask = Tensor.of(new float[] {1, 0, 0, 0, 0, 1}, 3, 2);
        List<SparseMatrix> weights = List.of(
                Csr.fromMask(Tensor.zeros(6, 9), DType.F32),
                Csr.fromMask(Tensor.of(new float[] {1, 0, 1, 0, 0, 0, 0, 1, 1, 0, 0, 1}, 3, 4), DType.F32),
                Bsr.fromBlockMask(blockMask, 2, 3, DType.F32),
                BlockDiagonal.zeros(2, 4, 6, DType.F32));
        for (SparseMatrix pattern : weights) {
            Tensor values = Tensor.wrap(Fixtures.randomFloats(pattern.values().size(), 3), pattern.values().shape());
            Var v = Var.parameter(values);
            Var x = Var.parameter(Tensor.wrap(Fixtures.randomFloats(5 * pattern.cols(), 4), Shape.of(5, pattern.cols())));
            // y = sparseLinear(tanh(x)), so that x's gradient comes through the rule's dx
            Supplier<Var> out = () -> LinalgOps.sparseLinear(x.tanh(), pattern, v).square().sum();
            Tensor expected = Autodiff.grad(out.get(), x)[0];
            poisonLentStorage(5 * pattern.cols());
            out.get().backward();
            assertThat(x.grad().toFloatArray()).as(pattern.toString()).containsExactly(expected.toFloatArray());
        }
        Var w = Var.parameter(Tensor.wrap(Fixtures.randomFloats(7 * 6, 5), Shape.of(7, 6)));
        Var x = Var.parameter(Tensor.wrap(Fixtures.randomFloats(5 * 6, 6), Shape.of(5, 6)));
        Supplier<Var> out = () -> LinalgOps.linearRelu(x.tanh(), w, null).square().sum();
        Tensor expected = Autodiff.grad(out.get(), x)[0];
        poisonLentStorage(5 * 6);
        out.get().backward();
        assertThat(x.grad().toFloatArray()).as("linear").containsExactly(expected.toFloatArray());
    }

    /** Leaves NaN in the storage the next loans of up to {@code size} floats will get. */
    private static void poisonLentStorage(int size) {
        List<Tensor> lent = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Tensor t = CallScratch.lend(Shape.of(size));
            t.copyFrom(Tensor.full(t.shape(), Float.NaN, DType.F32));
            lent.add(t);
        }
        lent.forEach(CallScratch::giveBack);
    }

    @Test
    void functionalGradientsAndFloat64GetNewTensors() {
        Var x = Var.parameter(Tensor.ones(N));
        Tensor g = Autodiff.grad(s3.apply(s3.apply(x)).sum(), x)[0];
        assertThat(g.toFloatArray()).containsOnly(9f);
        Var x64 = Var.parameter(Tensor.ones(N).to(DType.F64));
        CustomFunction twice64 = CustomFunction.of("scaled64", (ctx, in) -> Elementwise.scale(in[0], 2), (ctx, gs) -> {
            Tensor gx = ctx.inputGradBuffer(0);
            assertThat(gx.dtype()).isEqualTo(DType.F64);
            gx.copyFrom(Elementwise.scale(gs, 2));
            return new Tensor[] {gx};
        });
        twice64.apply(x64).sum().backward();
        assertThat(x64.grad().toDoubleArray()).containsOnly(2.0);
    }
}
