package dev.ganglion.autodiff;

import static dev.ganglion.engine.ops.Elementwise.add;
import static dev.ganglion.engine.ops.Elementwise.addScalar;
import static dev.ganglion.engine.ops.Elementwise.mul;
import static dev.ganglion.engine.ops.Elementwise.neg;
import static dev.ganglion.engine.ops.Elementwise.sigmoid;
import static dev.ganglion.engine.ops.Elementwise.square;
import static dev.ganglion.engine.ops.Elementwise.sub;
import static dev.ganglion.engine.ops.Elementwise.tanh;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ganglion.engine.DType;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.ops.Linalg;
import dev.ganglion.engine.ops.Reductions;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * How a model adds a fused recurrent cell step: one {@link CustomFunction} with two outputs whose
 * backward reuses the activations its forward saved (one node per step instead of ~12). The cell:
 * <pre>
 *   z = tanh(x·Wᵀ + h·Uᵀ),  s = σ(φ),  c' = s ⊙ c + (1 − s) ⊙ z,  h' = tanh(c')
 * </pre>
 * Checked by GradCheck and against the same step composed from primitives over an unroll.
 */
class FusedCellExampleTest {
    /** Inputs {@code (x [B,I], h [B,H], c [B,H], W [H,I], U [H,H], φ [H])}, outputs {@code (h', c')}. */
    static final class LeakyCell implements CustomFunction {
        @Override
        public Tensor[] forward(CustomContext ctx, Tensor... in) {
            Tensor z = tanh(add(Linalg.matmul(in[0], in[3].mT()), Linalg.matmul(in[1], in[4].mT())));
            Tensor s = sigmoid(in[5]);
            Tensor c = add(mul(s, in[2]), mul(addScalar(neg(s), 1), z));
            Tensor h = tanh(c);
            ctx.save(in[0], in[1], in[2], in[3], in[4], s, z, h);
            return new Tensor[] {h, c};
        }

        @Override
        public Tensor[] backward(CustomContext ctx, Tensor... g) {
            Tensor x = ctx.saved(0);
            Tensor h = ctx.saved(1);
            Tensor c = ctx.saved(2);
            Tensor s = ctx.saved(5);
            Tensor z = ctx.saved(6);
            Tensor hNext = ctx.saved(7);
            Tensor dc = add(g[1], mul(g[0], addScalar(neg(square(hNext)), 1)));     // through h' = tanh(c')
            Tensor ds = Reductions.sum(mul(dc, sub(c, z)), false, 0);                // Σ over the batch
            Tensor da = mul(mul(dc, addScalar(neg(s), 1)), addScalar(neg(square(z)), 1));
            return new Tensor[] {
                Linalg.matmul(da, ctx.saved(3)),                                      // dx = da·W
                Linalg.matmul(da, ctx.saved(4)),                                      // dh = da·U
                mul(dc, s),                                                           // dc
                Linalg.matmul(da.mT(), x),                                            // dW = daᵀ·x
                Linalg.matmul(da.mT(), h),                                            // dU = daᵀ·h
                mul(ds, mul(s, addScalar(neg(s), 1)))                                 // dφ = ds·σ'(φ)
            };
        }
    }

    private static final LeakyCell CELL = new LeakyCell();

    /** The same step from primitives: many nodes, the reference for the fused one. */
    private static Var[] composedStep(Var x, Var h, Var c, Var w, Var u, Var phi) {
        Var z = LinalgOps.matmul(x, ViewOps.mT(w)).add(LinalgOps.matmul(h, ViewOps.mT(u))).tanh();
        Var s = phi.sigmoid();
        Var cNext = s.mul(c).add(s.neg().addScalar(1).mul(z));
        return new Var[] {cNext.tanh(), cNext};
    }

    private static Tensor rand(SplittableRandom r, int... dims) {
        double[] v = new double[dev.ganglion.engine.Shape.of(dims).size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextDouble(-1, 1);
        }
        return Tensor.of(v, dims);
    }

    @Test
    void fusedStepPassesGradCheck() {
        SplittableRandom r = new SplittableRandom(1);
        Tensor[] in = {rand(r, 2, 3), rand(r, 2, 4), rand(r, 2, 4), rand(r, 4, 3), rand(r, 4, 4), rand(r, 4)};
        GradCheck.check(v -> {
            Var[] out = CELL.applyAll(v);
            return out[0].add(out[1].scale(0.5));
        }, in).assertPassed();
    }

    @Test
    void unrolledFusedCellMatchesComposedPrimitives() {
        SplittableRandom r = new SplittableRandom(2);
        int steps = 30;
        Tensor[] xs = new Tensor[steps];
        for (int t = 0; t < steps; t++) {
            xs[t] = rand(r, 2, 3);
        }
        Tensor[] params = {rand(r, 4, 3), rand(r, 4, 4), rand(r, 4)};
        double[][] fused = unroll(xs, params, true);
        double[][] composed = unroll(xs, params, false);
        for (int p = 0; p < fused.length; p++) {
            for (int i = 0; i < fused[p].length; i++) {
                assertThat(fused[p][i]).isCloseTo(composed[p][i], org.assertj.core.api.Assertions.within(1e-12));
            }
        }
    }

    /** Gradients of {@code Σ h_T} w.r.t. W, U, φ after {@code xs.length} steps. */
    private static double[][] unroll(Tensor[] xs, Tensor[] params, boolean fused) {
        Var w = Var.parameter(params[0].copy());
        Var u = Var.parameter(params[1].copy());
        Var phi = Var.parameter(params[2].copy());
        Var h = Var.constant(Tensor.zeros(dev.ganglion.engine.Shape.of(2, 4), DType.F64));
        Var c = h;
        for (Tensor x : xs) {
            Var xt = Var.constant(x);
            Var[] next = fused ? CELL.applyAll(xt, h, c, w, u, phi) : composedStep(xt, h, c, w, u, phi);
            h = next[0];
            c = next[1];
        }
        h.sum().backward();
        return new double[][] {w.grad().toDoubleArray(), u.grad().toDoubleArray(), phi.grad().toDoubleArray()};
    }
}
