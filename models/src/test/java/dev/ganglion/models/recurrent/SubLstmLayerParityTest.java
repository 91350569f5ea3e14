package dev.ganglion.models.recurrent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ganglion.autodiff.Var;
import dev.ganglion.engine.DType;
import dev.ganglion.engine.Rng;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.models.Golden;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The float32 layer (SIMD σ/tanh through the engine's unary kernel, vectorisable loops) against the
 * scalar float64 reference ({@link CellMathF64}, {@link DoubleGemm}) at awkward sizes: outputs and
 * every input gradient, relative to the largest magnitude of each tensor.
 */
@Tag("parity")
class SubLstmLayerParityTest {
    @ParameterizedTest
    @EnumSource(Variant.class)
    void float32MatchesFloat64Reference(Variant v) {
        int[][] sizes = {{1, 1, 1}, {3, 2, 7}, {5, 3, 17}, {2, 5, 33}};
        for (int[] s : sizes) {
            compare(v, s[0], s[1], s[2]);
        }
    }

    private static void compare(Variant v, int steps, int batch, int hid) {
        Rng r = new Rng(steps * 100 + hid);
        int w = v.gates() * hid;
        Tensor[] in = {r.uniform(Shape.of(steps, batch, w), -2, 2), r.uniform(Shape.of(batch, hid), -1, 1),
            r.uniform(Shape.of(batch, hid), -1, 1), r.uniform(Shape.of(w, hid), -1, 1), r.uniform(Shape.of(w), -1, 1),
            r.uniform(Shape.of(hid), 1, 3)};
        int n = v.fixedForget() ? 6 : 5;
        Var[] a = new Var[n];
        Var[] b = new Var[n];
        for (int i = 0; i < n; i++) {
            a[i] = Var.parameter(in[i].copy());
            b[i] = Var.parameter(in[i].to(DType.F64));
        }
        SubLstmLayerFunction f = new SubLstmLayerFunction(v);
        Var[] ya = f.applyAll(a);
        Var[] yb = f.applyAll(b);
        Tensor seedH = r.uniform(ya[0].shape(), -1, 1);
        Tensor seedC = r.uniform(ya[1].shape(), -1, 1);
        ya[0].mul(Var.constant(seedH)).sum().add(ya[1].mul(Var.constant(seedC)).sum()).backward();
        yb[0].mul(Var.constant(seedH.to(DType.F64))).sum().add(yb[1].mul(Var.constant(seedC.to(DType.F64))).sum()).backward();
        String where = v + " T=" + steps + " B=" + batch + " H=" + hid;
        assertClose(ya[0].value(), yb[0].value(), where + " h");
        assertClose(ya[1].value(), yb[1].value(), where + " c");
        for (int i = 0; i < n; i++) {
            assertClose(a[i].grad(), b[i].grad(), where + " grad of input " + i);
        }
    }

    /** Tighter than the golden files' 1e-4: one layer, no model around it. */
    private static void assertClose(Tensor actual, Tensor expected, String what) {
        assertThat(Golden.relErr(actual, expected)).as(what).isLessThan(2e-5);
    }
}
