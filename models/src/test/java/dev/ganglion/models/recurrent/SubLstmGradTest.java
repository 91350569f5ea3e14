package dev.ganglion.models.recurrent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ganglion.autodiff.GradCheck;
import dev.ganglion.autodiff.LinalgOps;
import dev.ganglion.autodiff.Var;
import dev.ganglion.autodiff.ViewOps;
import dev.ganglion.engine.DType;
import dev.ganglion.engine.Rng;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.models.ModelConfig;
import dev.ganglion.models.testing.RecordedBackwardCheck;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The fused layer op against GradCheck and against the same cell composed from primitive ops. */
class SubLstmGradTest {
    private static final int B = 2;
    private static final int H = 3;

    private static Tensor[] inputs(Variant v, int steps, long seed) {
        Rng r = new Rng(seed);
        int w = v.gates() * H;
        Tensor[] in = {r.uniform(Shape.of(steps, B, w), -1.5, 1.5, DType.F64), r.uniform(Shape.of(B, H), -1, 1, DType.F64),
            r.uniform(Shape.of(B, H), -1, 1, DType.F64), r.uniform(Shape.of(w, H), -1, 1, DType.F64),
            r.uniform(Shape.of(w), -1, 1, DType.F64), r.uniform(Shape.of(H), 1, 3, DType.F64)};
        return v.fixedForget() ? in : java.util.Arrays.copyOf(in, 5);
    }

    /** A projection of both outputs, so every gradient path is exercised. */
    private static Var both(Var[] o) {
        return o[0].sum(false, 0).add(o[1].scale(0.7));
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void fusedCellStepAndSequencePassGradCheck(Variant v) {
        SubLstmLayerFunction f = new SubLstmLayerFunction(v);
        for (int steps : new int[] {1, 4}) {
            GradCheck.Report r = GradCheck.check(in -> both(f.applyAll(in)), inputs(v, steps, 7 + steps));
            assertThat(r.passed()).as(v + " T=" + steps + " " + r).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void recordedBackwardAgreesAndDifferentiatesAgain(Variant v) {
        SubLstmLayerFunction f = new SubLstmLayerFunction(v);
        for (int steps : new int[] {1, 3}) {
            RecordedBackwardCheck.check(v + " T=" + steps, in -> both(f.applyAll(in)).tanh().sum(),
                    inputs(v, steps, 21 + steps));
        }
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void fusedEqualsComposedPrimitives(Variant v) {
        Tensor[] in = inputs(v, 5, 3);
        Var[] a = params(in);
        Var[] b = params(in);
        Var fused = both(new SubLstmLayerFunction(v).applyAll(a));
        Var composed = both(composed(v, b));
        assertClose(fused.value(), composed.value());
        Tensor seed = new Rng(5).uniform(fused.shape(), -1, 1, DType.F64);
        fused.backward(seed);
        composed.backward(seed);
        for (int i = 0; i < a.length; i++) {
            assertClose(a[i].grad(), b[i].grad());
        }
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void wholeNetworkPassesGradCheck(Variant v) {
        ModelConfig c = ModelConfig.of(RecurrentModels.subLstmSchema(v.configName()),
                Map.of("input_size", 2, "hidden_size", 3, "num_layers", 2, "output_size", 2));
        SubLstm net = new SubLstm(c, new Rng(11));
        GradCheck.Report r = ModelGradChecks.check(net, 2, 3, 13);
        assertThat(r.passed()).as(v + " " + r).isTrue();
        ModelGradChecks.checkRecorded(net, 2, 3, 14);
    }

    private static Var[] params(Tensor[] in) {
        Var[] out = new Var[in.length];
        for (int i = 0; i < in.length; i++) {
            out[i] = Var.parameter(in[i].copy());
        }
        return out;
    }

    /** The unfused reference: per step {@code a = gx_t + h W_hhᵀ + b_hh}, gates sliced, cell from primitives. */
    static Var[] composed(Variant v, Var[] in) {
        Var h = in[1];
        Var c = in[2];
        Var[] hs = new Var[in[0].dim(0)];
        for (int t = 0; t < hs.length; t++) {
            Var a = in[0].select(0, t).add(LinalgOps.linear(h, in[3], in[4]));
            Var i = gate(a, 0).sigmoid();
            if (v == Variant.LSTM) {
                c = gate(a, 1).sigmoid().mul(c).add(i.mul(gate(a, 2).tanh()));
                h = gate(a, 3).sigmoid().mul(c.tanh());
            } else {
                boolean fix = v.fixedForget();
                Var f = fix ? in[5].sigmoid() : gate(a, 1).sigmoid();
                c = f.mul(c).add(gate(a, fix ? 1 : 2).sigmoid()).sub(i);
                h = c.sigmoid().sub(gate(a, fix ? 2 : 3).sigmoid());
            }
            hs[t] = ViewOps.unsqueeze(h, 0);
        }
        return new Var[] {dev.ganglion.autodiff.IndexOps.concat(0, hs), c};
    }

    private static Var gate(Var a, int k) {
        return ViewOps.slice(a, 1, k * H, (k + 1) * H, 1);
    }

    private static void assertClose(Tensor a, Tensor b) {
        double[] x = a.toDoubleArray();
        double[] y = b.toDoubleArray();
        assertThat(x).hasSameSizeAs(y);
        for (int i = 0; i < x.length; i++) {
            assertThat(x[i]).isCloseTo(y[i], org.assertj.core.api.Assertions.within(1e-12));
        }
    }
}
