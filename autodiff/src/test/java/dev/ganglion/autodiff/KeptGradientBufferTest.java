package dev.ganglion.autodiff;

import static org.assertj.core.api.Assertions.assertThat;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.kernel.BinaryOp;
import dev.ganglion.engine.ops.Elementwise;
import dev.ganglion.engine.ops.Indexing;
import dev.ganglion.engine.sparse.Csr;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Var#zeroGrad(boolean) zeroGrad(false)}: the buffer is kept and stands for zeros, without
 * being cleared; the next backward overwrites it (a LINEAR weight through its GEMM with β = 0, sparse
 * values through their SDDMM, a custom op through {@link CustomContext#leafGrad}, other leaves by a
 * copy), later ones add to it, and a buffer no gradient reached reads zeros.
 */
class KeptGradientBufferTest {
    private static final Var X = Var.constant(Tensor.of(new float[] {1, -2, 3, 0.5f, 4, -1, 2, 2, -3, 1, 0, 1}, 4, 3));
    private final Var w = Var.parameter(Tensor.of(new float[] {0.1f, -0.2f, 0.3f, 0.4f, 0.5f, -0.6f}, 2, 3));
    private final Var b = Var.parameter(Tensor.of(new float[] {0.25f, -0.5f}, 2));

    private void backward() {
        LinalgOps.linear(X, w, b).square().sum().backward();
    }

    private static float[] times(float[] v, float f) {
        float[] r = v.clone();
        for (int i = 0; i < r.length; i++) {
            r[i] *= f;
        }
        return r;
    }

    @Test
    void theNextBackwardOverwritesTheKeptBufferAndLaterOnesAdd() {
        overwritesThenAdds(List.of(w, b), this::backward);
    }

    /** CSR values (the SDDMM writes into the buffer) and a custom op's parameter (through leafGrad). */
    @ParameterizedTest
    @ValueSource(strings = {"csr", "custom"})
    void sparseValuesAndCustomOpsWriteTheKeptBufferToo(String kind) {
        Csr pattern = Csr.random(2, 3, 0.7, 5);
        Var values = Var.parameter(Tensor.of(new float[] {0.3f, -0.7f, 0.9f, 0.2f, -0.4f, 0.6f}, 6)
                .slice(0, 0, pattern.nnz()).copy());
        Runnable backward = kind.equals("csr")
                ? () -> LinalgOps.sparseLinear(X, pattern, values).add(b).square().sum().backward()
                : () -> SCALE_ROWS.apply(X, w).square().sum().backward();
        overwritesThenAdds(kind.equals("csr") ? List.of(values, b) : List.of(w), backward);
    }

    /**
     * From scratch, then with stale contents, then after {@code zeroGrad(false)} (the same buffers,
     * written over: the from-scratch values exactly), then once more (added: twice those).
     */
    private static void overwritesThenAdds(List<Var> params, Runnable backward) {
        params.forEach(Var::zeroGrad);
        backward.run();
        List<float[]> once = new ArrayList<>();
        params.forEach(p -> once.add(p.grad().toFloatArray()));
        backward.run(); // stale contents: twice the gradient
        List<Tensor> buffers = new ArrayList<>();
        params.forEach(p -> buffers.add(p.grad()));
        params.forEach(p -> p.zeroGrad(false));
        backward.run();
        for (int i = 0; i < params.size(); i++) {
            assertThat(params.get(i).grad()).isSameAs(buffers.get(i));
            assertThat(params.get(i).grad().toFloatArray()).containsExactly(once.get(i));
        }
        backward.run();
        for (int i = 0; i < params.size(); i++) {
            assertThat(params.get(i).grad().toFloatArray()).containsExactly(times(once.get(i), 2));
        }
    }

    /**
     * {@code y[r, c] = x[r, c]·w[r mod 2, c]} for x {@code [4, 3]}, w {@code [2, 3]}; its backward
     * writes {@code dw} into w's kept buffer whenever {@link CustomContext#leafGrad} offers it.
     */
    private static final CustomFunction SCALE_ROWS = CustomFunction.of("scaleRows",
            (ctx, in) -> {
                ctx.save(in[0], in[1]);
                return Elementwise.mul(in[0], tile(in[1]));
            },
            (ctx, g) -> {
                Tensor x = ctx.saved(0);
                Tensor gx = ctx.needsInputGrad(0) ? Elementwise.mul(g, tile(ctx.saved(1))) : null;
                Tensor gxw = Elementwise.mul(g, x);
                Tensor gw = gxw.slice(0, 0, 2).copy();
                Elementwise.applyInto(BinaryOp.ADD, gw, gxw.slice(0, 2, 4), gw);
                CustomContext.LeafGrad leaf = ctx.leafGrad(1);
                if (leaf == null) {
                    return new Tensor[] {gx, gw};
                }
                if (leaf.accumulate()) {
                    Elementwise.applyInto(BinaryOp.ADD, leaf.buffer(), gw, leaf.buffer());
                } else {
                    leaf.buffer().copyFrom(gw);
                }
                return new Tensor[] {gx, null};
            });

    private static Tensor tile(Tensor w) {
        return Indexing.concat(0, w, w);
    }

    @Test
    void leafGradIsOfferedOnlyToABackwardThatFillsGradOfALeafUsedOnce() {
        List<CustomContext.LeafGrad> offered = new ArrayList<>();
        CustomFunction probe = CustomFunction.of("probe",
                (ctx, in) -> Elementwise.add(in[0], in[1]),
                (ctx, g) -> {
                    Tensor[] out = new Tensor[2];
                    for (int i = 0; i < 2; i++) {
                        CustomContext.LeafGrad leaf = ctx.leafGrad(i);
                        offered.add(leaf);
                        if (leaf == null) {
                            out[i] = g;
                        } else if (leaf.accumulate()) {
                            Elementwise.applyInto(BinaryOp.ADD, leaf.buffer(), g, leaf.buffer());
                        } else {
                            leaf.buffer().copyFrom(g);
                        }
                    }
                    return out;
                });
        Var p = Var.parameter(Tensor.of(new float[] {1, 2}, 2));
        Var q = Var.parameter(Tensor.of(new float[] {3, 4}, 2));
        probe.apply(p, q).sum().backward(); // no kept buffers yet
        assertThat(offered).containsOnlyNulls();
        offered.clear();
        p.zeroGrad(false);
        q.zeroGrad(false);
        Tensor[] g = Autodiff.grad(probe.apply(p, q).sum(), p, q); // functional: .grad is left alone
        assertThat(offered).containsOnlyNulls();
        assertThat(g[0].toFloatArray()).containsExactly(1, 1);
        offered.clear();
        probe.apply(p, p).sum().backward(); // one leaf in two places
        assertThat(offered).containsOnlyNulls();
        assertThat(p.grad().toFloatArray()).containsExactly(2, 2);
        offered.clear();
        q.zeroGrad(false);
        probe.apply(Var.constant(Tensor.of(new float[] {0, 0}, 2)), q).sum().backward();
        assertThat(offered.get(0)).isNull(); // a constant
        assertThat(offered.get(1).buffer()).isSameAs(q.grad());
        assertThat(offered.get(1).accumulate()).isFalse();
        assertThat(q.grad().toFloatArray()).containsExactly(1, 1);
        assertThatThrownBy(() -> CustomFunction.of("early",
                (ctx, in) -> {
                    ctx.leafGrad(0);
                    return in[0];
                }, (ctx, dy) -> new Tensor[] {dy}).apply(p))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("early: leafGrad() is only available during backward");
    }

    @Test
    void aKeptBufferThatNoGradientReachedReadsZeros() {
        backward();
        Tensor buffer = w.grad();
        w.zeroGrad(false);
        b.zeroGrad(false);
        b.square().sum().backward(); // w takes no part
        assertThat(w.grad()).isSameAs(buffer);
        assertThat(w.grad().toFloatArray()).containsOnly(0f);
    }

    @Test
    void aWeightUsedTwiceIsWrittenOnceThenAdded() {
        Supplier<Var> loss = () -> LinalgOps.linear(X, w, b).add(LinalgOps.linear(X.scale(2), w, null)).square().sum();
        loss.get().backward();
        float[] expected = w.grad().toFloatArray();
        loss.get().backward(); // stale contents in the kept buffer
        w.zeroGrad(false);
        loss.get().backward();
        assertThat(w.grad().toFloatArray()).containsExactly(expected);
    }
}
