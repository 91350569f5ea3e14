package dev.ganglion.autodiff.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ganglion.autodiff.Var;
import dev.ganglion.engine.Parallel;
import dev.ganglion.engine.DType;
import dev.ganglion.engine.Rng;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.testing.Fixtures;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Optimizer behaviour beyond the PyTorch trajectories: state hooks, snapshots, errors, allocation. */
class OptimizerTest {
    static List<Var> params(long seed, int... sizes) {
        Rng rng = new Rng(seed);
        return java.util.Arrays.stream(sizes).mapToObj(n -> Var.parameter(rng.normal(Shape.of(n), 0, 1))).toList();
    }

    static void grads(List<Var> ps, long seed) {
        Rng rng = new Rng(seed);
        for (Var p : ps) {
            p.setGrad(rng.normal(p.shape(), 0, 1));
        }
    }

    static Optimizer[] all(List<Var> ps) {
        return new Optimizer[] {new Sgd(ps, 0.1, 0.9, 0, 0.01, true), new Adam(ps, 0.01), new AdamW(ps, 0.01),
            new Adamax(ps, 0.01), new RmsProp(ps, 0.01, 0.9, 1e-8, 0, 0.5, true)};
    }

    /**
     * After one gradient, zero gradients: the state decays geometrically (×0.9 a step for momentum
     * and first moments) and would reach the subnormal range after ~830 steps. It must be flushed
     * to zero instead, and Adam's first moment already where its update product with the step size
     * would be subnormal.
     */
    @Test
    void decayingStateIsFlushedToZeroNeverSubnormal() {
        List<Var> ps = params(3, 64);
        Optimizer[] opts = {new Sgd(ps, 0.1, 0.9, 0, 0, false), new Adam(ps, 1e-3), new AdamW(ps, 1e-3),
            new Adamax(ps, 1e-3), new RmsProp(ps, 1e-3, 0.99, 1e-8, 0, 0.9, true)};
        for (Optimizer opt : opts) {
            grads(ps, 4);
            opt.step();
            for (Var p : ps) {
                p.setGrad(Tensor.zeros(p.shape(), p.dtype()));
            }
            boolean adam = opt instanceof Adam;
            for (int step = 2; step <= 1_500; step++) {
                opt.step();
                double stepSize = 1e-3 / (1 - Math.pow(0.9, step));
                for (Map<String, Tensor> buffers : opt.stateDict().buffers()) {
                    buffers.forEach((name, t) -> {
                        for (float x : t.floatArray()) {
                            assertThat(x == 0 || Math.abs(x) >= Float.MIN_NORMAL).as("%s %s", opt.kind(), name).isTrue();
                        }
                    });
                    for (float m : adam ? buffers.get("exp_avg").floatArray() : new float[0]) {
                        assertThat(m == 0 || Math.abs(m * stepSize) >= Float.MIN_NORMAL).as("%s exp_avg %s", opt.kind(), m).isTrue();
                    }
                }
            }
            String decaying = opt instanceof Sgd || opt instanceof RmsProp ? "momentum_buffer" : "exp_avg";
            assertThat(opt.stateDict().buffers().get(0).get(decaying).floatArray())
                    .as("%s %s decayed to zero", opt.kind(), decaying).containsOnly(0f);
        }
    }

    @Test
    void theFlushFloorKeepsEachProductWithAFactorNormal() {
        for (double f : new double[] {0, 1, -2.5}) {
            assertThat(Slot.floorFor(f)).as("%s", f).isEqualTo(Float.MIN_NORMAL);
        }
        assertThat(Slot.floorFor(0.9)).isEqualTo((float) (Float.MIN_NORMAL / 0.9));
        assertThat(Slot.floorFor(-1e-3)).isEqualTo((float) (Float.MIN_NORMAL / 1e-3));
        assertThat(Slot.floorFor(1e-40)).as("capped").isEqualTo(0x1p-100f);
        assertThat(Slot.floorFor(0.9, -1e-3)).as("the larger bound").isEqualTo(Slot.floorFor(-1e-3));
    }

    @Test
    void snapshotRestoresAnExactContinuation() {
        for (int k = 0; k < 5; k++) {
            List<Var> a = params(1, 10, 3);
            List<Var> b = params(1, 10, 3);
            Optimizer oa = all(a)[k];
            Optimizer ob = all(b)[k];
            for (int s = 0; s < 3; s++) {
                grads(a, s);
                oa.step();
            }
            for (int i = 0; i < a.size(); i++) {
                b.get(i).value().copyFrom(a.get(i).value());
            }
            ob.loadStateDict(oa.stateDict());
            for (int s = 3; s < 6; s++) {
                grads(a, s);
                grads(b, s);
                oa.step();
                ob.step();
            }
            for (int i = 0; i < a.size(); i++) {
                assertThat(b.get(i).value().toFloatArray()).as(oa.kind()).containsExactly(a.get(i).value().toFloatArray());
            }
            assertThat(ob.steps(0)).isEqualTo(6);
        }
    }

    @Test
    void loadStateDictRejectsMismatches() {
        List<Var> ps = params(1, 4, 2);
        Adam adam = new Adam(ps, 0.1);
        grads(ps, 0);
        adam.step();
        OptimizerState s = adam.stateDict();
        assertThatThrownBy(() -> new Sgd(ps, 0.1).loadStateDict(s)).hasMessageContaining("cannot load the state of adam");
        assertThatThrownBy(() -> new Adam(params(1, 4, 3), 0.1).loadStateDict(s))
                .hasMessageContaining("state 'exp_avg' of parameter 1 has shape [2], the parameter [3]");
        assertThatThrownBy(() -> new Adam(params(1, 4), 0.1).loadStateDict(s)).hasMessageContaining("over 2 parameters");
        OptimizerState wrongBuffers = new OptimizerState("adam", 0.1, new long[] {1, 0},
                List.of(Map.of("exp_avg", Tensor.zeros(4)), Map.of()));
        assertThatThrownBy(() -> new Adam(ps, 0.1).loadStateDict(wrongBuffers)).hasMessageContaining("expected [exp_avg, exp_avg_sq]");
        OptimizerState stepsWithoutState = new OptimizerState("adam", 0.1, new long[] {1, 0}, List.of(Map.of(), Map.of()));
        assertThatThrownBy(() -> new Adam(ps, 0.1).loadStateDict(stepsWithoutState)).hasMessageContaining("step count 1 and state buffers []");
    }

    @Test
    void parametersWithoutGradientsAreSkipped() {
        List<Var> ps = params(2, 3, 3);
        float[] before = ps.get(1).value().toFloatArray();
        Adam adam = new Adam(ps, 0.1);
        ps.get(0).setGrad(Tensor.ones(3));
        adam.step();
        assertThat(adam.steps(0)).isEqualTo(1);
        assertThat(adam.steps(1)).isEqualTo(0);
        assertThat(ps.get(1).value().toFloatArray()).containsExactly(before);
        assertThat(adam.stateDict().buffers().get(1)).isEmpty();
        adam.zeroGrad();
        assertThat(ps.get(0).grad()).isNull();
    }

    @Test
    void zeroGradCanKeepTheBuffersForInPlaceAccumulation() {
        Var w = Var.parameter(Tensor.of(new float[] {1, 2}, 2));
        Sgd sgd = new Sgd(List.of(w), 0.1);
        w.square().sum().backward();
        Tensor g = w.grad();
        sgd.zeroGrad(false);
        assertThat(w.grad()).isSameAs(g);
        assertThat(g.toFloatArray()).containsExactly(0, 0);
        w.scale(3).sum().backward();
        assertThat(w.grad()).isSameAs(g);
        assertThat(g.toFloatArray()).containsExactly(3, 3);
        sgd.zeroGrad(true);
        assertThat(w.grad()).isNull();
    }

    @Test
    void resetAndRemapState() {
        List<Var> ps = params(3, 5);
        Adam adam = new Adam(ps, 0.1);
        adam.resetState(ps.get(0), new int[] {1}); // before any state: nothing to reset
        grads(ps, 1);
        adam.step();
        float[] m = adam.stateDict().buffers().get(0).get("exp_avg").toFloatArray();
        adam.resetState(ps.get(0), new int[] {1, 3});
        float[] reset = adam.stateDict().buffers().get(0).get("exp_avg").toFloatArray();
        assertThat(reset).containsExactly(m[0], 0, m[2], 0, m[4]);
        assertThat(adam.stateDict().buffers().get(0).get("exp_avg_sq").get(3)).isZero();
        adam.remapState(ps.get(0), new int[] {4, -1, 0, 2, 2});
        assertThat(adam.stateDict().buffers().get(0).get("exp_avg").toFloatArray()).containsExactly(m[4], 0, m[0], m[2], m[2]);
        Var stranger = Var.parameter(Tensor.zeros(5));
        assertThatThrownBy(() -> adam.resetState(stranger, new int[] {0})).hasMessageContaining("not optimized here");
        assertThatThrownBy(() -> adam.resetState(ps.get(0), new int[] {5})).hasMessageContaining("position 5 outside [0, 5)");
        assertThatThrownBy(() -> adam.remapState(ps.get(0), new int[] {0})).hasMessageContaining("1 sources for a parameter of 5");
    }

    @Test
    void float64ParametersKeepFloat64StateThroughResetRemapAndLoad() {
        // one float32 and one float64 parameter in one optimizer: each keeps its own dtype's state
        Var p32 = Var.parameter(Tensor.of(new float[] {1, 2, 3}, 3));
        Var p64 = Var.parameter(Tensor.of(new double[] {1, 2, 3, 4}, 4));
        Adam adam = new Adam(List.of(p32, p64), 0.1);
        p32.setGrad(Tensor.of(new float[] {0.5f, -1, 2}, 3));
        p64.setGrad(Tensor.of(new double[] {0.5, -1, 2, 0.1}, 4));
        adam.step();
        assertThat(p64.dtype()).isEqualTo(DType.F64);
        // the first Adam step moves every element by lr·sign(g), up to ε (the digits: OptimizerParityTest)
        assertThat(p64.value().toDoubleArray()[0]).isCloseTo(0.9, org.assertj.core.data.Offset.offset(1e-8));
        OptimizerState st = adam.stateDict();
        assertThat(st.buffers().get(0).get("exp_avg").dtype()).isEqualTo(DType.F32);
        assertThat(st.buffers().get(1).get("exp_avg").dtype()).isEqualTo(DType.F64);
        double[] m = st.buffers().get(1).get("exp_avg").toDoubleArray();
        assertThat(m[3]).isEqualTo(0.1 * (1 - 0.9));   // (1 − β₁)·g in double, not rounded to float
        adam.resetState(p64, new int[] {1});
        adam.remapState(p64, new int[] {3, 1, 0, -1});
        assertThat(adam.stateDict().buffers().get(1).get("exp_avg").toDoubleArray()).containsExactly(m[3], 0, m[0], 0);
        Adam again = new Adam(List.of(p32, p64), 0.1);
        again.loadStateDict(adam.stateDict());
        assertThat(again.stateDict().buffers().get(1).get("exp_avg_sq").dtype()).isEqualTo(DType.F64);
        assertThat(again.stateDict().buffers().get(1).get("exp_avg").toDoubleArray()).containsExactly(m[3], 0, m[0], 0);
    }

    @Test
    void updatesBumpVersionsSoPendingBackwardsNotice() {
        Var w = Var.parameter(Tensor.ones(3));
        Var y = w.square().sum(); // saves w
        Sgd sgd = new Sgd(List.of(w), 0.1);
        w.setGrad(Tensor.ones(3));
        int v = w.value().version();
        sgd.step();
        assertThat(w.value().version()).isGreaterThan(v);
        assertThatThrownBy(y::backward).isInstanceOf(IllegalStateException.class).hasMessageContaining("modified in place");
    }

    @Test
    void constructionErrorsNameTheProblem() {
        List<Var> ps = params(1, 2);
        assertThatThrownBy(() -> new Sgd(ps, -1)).hasMessageContaining("learning rate must be finite and ≥ 0");
        assertThatThrownBy(() -> new Sgd(ps, 0.1, 0, 0, 0, true)).hasMessageContaining("Nesterov momentum requires");
        assertThatThrownBy(() -> new Adam(ps, 0.1, 1.0, 0.9, 1e-8, 0)).hasMessageContaining("beta1 must be in [0, 1)");
        assertThatThrownBy(() -> new RmsProp(ps, 0.1, 0.9, -1, 0, 0, false)).hasMessageContaining("eps must be finite and ≥ 0");
        assertThatThrownBy(() -> new Adam(List.of(ps.get(0), ps.get(0)), 0.1)).hasMessageContaining("appears twice");
        assertThatThrownBy(() -> new Adam(List.of(Var.parameter(Tensor.ones(2, 3).mT())), 0.1))
                .hasMessageContaining("must be a contiguous float32 or float64 tensor, got F32 (strided)");
        assertThatThrownBy(() -> new Adam(List.of(Var.parameter(Tensor.ones(2)).exp()), 0.1)).hasMessageContaining("must be a leaf");
        assertThatThrownBy(() -> Optimizers.create("lamb", ps, 0.1, 0)).hasMessageContaining("not one of [sgd, adam");
        assertThat(Optimizers.create("AdamW", ps, 0.1, 0).kind()).isEqualTo("adamw");
    }

    /**
     * Bytes allocated by this thread over 100 runs of {@code body} once the JIT has compiled it: the
     * least of up to 20 rounds, each after 1,000 more runs (so that code still waiting for the
     * optimising compiler, which boxes vectors, or a one-off deoptimisation, is not counted; once
     * in ten full builds, three rounds after 3,000 runs had still seen the SGD step box its vectors).
     */
    static long allocatedBy(Runnable body) {
        return Fixtures.leastBytesAllocated(body, 1000, 100, 20);
    }

    @Test
    void steadyStateStepsAllocateNothing() {
        int threads = Parallel.threads();
        Parallel.setThreads(1);
        try {
            List<Var> ps = params(4, 3000, 77, 1);
            grads(ps, 0);
            for (Optimizer opt : all(ps)) {
                assertThat(allocatedBy(opt::step)).as(opt.kind()).isZero();
            }
            assertThat(allocatedBy(() -> GradClip.clipGradNorm(ps, 1e9))).isZero();
        } finally {
            Parallel.setThreads(threads);
        }
    }

    @Test
    void largeParametersSplitOverThreadsGiveTheSameResult() {
        int threads = Parallel.threads();
        try {
            float[][] results = new float[2][];
            for (int t = 1; t <= 2; t++) {
                Parallel.setThreads(t);
                List<Var> ps = params(5, 3 * BaseOptimizer.GRAIN + 17);
                Adam adam = new Adam(ps, 0.01);
                for (int s = 0; s < 3; s++) {
                    grads(ps, s);
                    adam.step();
                }
                results[t - 1] = ps.get(0).value().toFloatArray();
            }
            assertThat(results[1]).containsExactly(results[0]);
        } finally {
            Parallel.setThreads(threads);
        }
    }

    @Test
    void gradClipScalesOnlyAboveTheLimitAndReportsNonFinite() {
        List<Var> ps = params(6, 3, 4);
        ps.get(0).setGrad(Tensor.of(new float[] {3, 0, 0}, 3));
        ps.get(1).setGrad(Tensor.of(new float[] {0, 4, 0, 0}, 4));
        assertThat(GradClip.clipGradNorm(ps, 10)).isEqualTo(5);
        assertThat(ps.get(0).grad().get(0)).isEqualTo(3);
        assertThat(GradClip.clipGradNorm(ps, 1)).isEqualTo(5);
        assertThat(ps.get(1).grad().get(1)).isCloseTo(0.8, org.assertj.core.api.Assertions.within(1e-6));
        ps.get(0).setGrad(Tensor.of(new float[] {Float.NaN, 0, 0}, 3));
        assertThatThrownBy(() -> GradClip.clipGradNorm(ps, 1, 2, true)).hasMessageContaining("is NaN");
        assertThatThrownBy(() -> GradClip.clipGradNorm(ps, -1)).hasMessageContaining("maxNorm must be ≥ 0");
        assertThatThrownBy(() -> GradClip.clipGradNorm(ps, 1, 0.5, false)).hasMessageContaining("normType must be ≥ 1");
        ps.get(0).setGrad(Tensor.of(new float[] {-3, 0.5f, 2}, 3));
        GradClip.clipGradValue(ps, 1);
        assertThat(ps.get(0).grad().toFloatArray()).containsExactly(-1, 0.5f, 1);
    }

    @Test
    void gradClipWorksInPlaceInEitherFloatTypeAndSpreadsANaNNormAsTorchDoes() {
        // the coefficient was rounded to float32 for float64 gradients, a NaN norm scaled nothing,
        // and clipGradValue replaced the gradient tensor instead of clipping it
        Var p = Var.parameter(Tensor.of(new double[] {0, 0, 0}, 3));
        Tensor g = Tensor.of(new double[] {0.1, 0.7, 1.3}, 3);
        p.setGrad(g);
        double total = GradClip.clipGradNorm(List.of(p), 0.3);
        double c = 0.3 / (total + 1e-6);
        assertThat(p.grad()).isSameAs(g);
        assertThat(g.toDoubleArray()).containsExactly(0.1 * c, 0.7 * c, 1.3 * c);
        Var q = Var.parameter(Tensor.zeros(2));
        Tensor h = Tensor.of(new float[] {-5, 0.5f}, 2);
        q.setGrad(h);
        GradClip.clipGradValue(List.of(q, p), 0.1);
        assertThat(q.grad()).isSameAs(h);
        assertThat(h.toFloatArray()).containsExactly(-0.1f, 0.1f);
        assertThat(p.grad()).isSameAs(g);
        assertThat(g.toDoubleArray()).containsExactly(0.1 * c, 0.1, 0.1);
        List<Var> ps = params(6, 2, 1);
        ps.get(0).setGrad(Tensor.of(new float[] {Float.NaN, 1}, 2));
        ps.get(1).setGrad(Tensor.of(new float[] {3}, 1));
        assertThat(GradClip.clipGradNorm(ps, 1.0)).isNaN();
        assertThat(ps.get(0).grad().toFloatArray()).containsOnly(Float.NaN);
        assertThat(ps.get(1).grad().toFloatArray()).containsOnly(Float.NaN);
    }

    @Test
    void aRateTheScheduleCannotGiveLeavesSchedulerAndOptimizerAsTheyWere() {
        Sgd opt = new Sgd(params(1, 1), 0.1);
        LrScheduler s = new LrScheduler(opt, LrSchedule.step(1, 1e300), LrScheduler.Interval.STEP);
        s.afterStep();
        assertThat(opt.lr()).isCloseTo(1e299, org.assertj.core.api.Assertions.withinPercentage(1e-9));
        assertThatThrownBy(s::afterStep).hasMessage("LrScheduler: the schedule gives the rate Infinity at step 2 of "
                + "base_lr 0.1 (an optimizer needs a finite rate ≥ 0)");
        assertThat(s.count()).isEqualTo(1);
        assertThatThrownBy(() -> s.setBaseLr(Double.POSITIVE_INFINITY)).hasMessageContaining("base_lr must be finite");
        assertThatThrownBy(() -> s.loadStateDict(Map.of("count", "5", "base_lr", "Infinity")))
                .hasMessageContaining("base_lr must be finite");
        assertThat(s.baseLr()).isEqualTo(0.1);
        assertThat(s.count()).isEqualTo(1);
        assertThat(s.stateDict()).containsEntry("count", "1").containsEntry("base_lr", "0.1");
        assertThatThrownBy(() -> LrSchedule.step(1, Double.POSITIVE_INFINITY)).hasMessageContaining("finite gamma");
    }

    @Test
    void schedulerStateRoundTripsAndHonoursItsInterval() {
        Sgd opt = new Sgd(params(1, 1), 0.2);
        LrScheduler epochs = new LrScheduler(opt, LrSchedule.step(2, 0.1), LrScheduler.Interval.EPOCH);
        for (int i = 0; i < 5; i++) {
            epochs.afterStep(); // ignored
        }
        assertThat(opt.lr()).isEqualTo(0.2);
        epochs.afterEpoch();
        epochs.afterEpoch();
        assertThat(opt.lr()).isCloseTo(0.02, org.assertj.core.api.Assertions.within(1e-15));
        Sgd other = new Sgd(params(1, 1), 5);
        LrScheduler restored = new LrScheduler(other, LrSchedule.step(2, 0.1), LrScheduler.Interval.EPOCH);
        restored.loadStateDict(epochs.stateDict());
        assertThat(other.lr()).isEqualTo(opt.lr());
        assertThat(restored.count()).isEqualTo(2);
        assertThatThrownBy(() -> restored.loadStateDict(Map.of("count", "x", "base_lr", "1"))).hasMessageContaining("malformed");
        assertThatThrownBy(() -> restored.loadStateDict(Map.of("count", "1", "base_lr", "1", "interval", "STEP")))
                .hasMessageContaining("another interval");
        assertThatThrownBy(() -> LrSchedule.cosine(0, 0)).hasMessageContaining("need T ≥ 1");
    }
}
