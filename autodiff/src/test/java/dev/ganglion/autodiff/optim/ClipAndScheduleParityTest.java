package dev.ganglion.autodiff.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.ganglion.autodiff.Var;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.io.SafetensorsFile;
import dev.ganglion.engine.io.SafetensorsReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link GradClip} and the {@link LrSchedule}s against PyTorch 1.13's values (optim_reference.py). */
class ClipAndScheduleParityTest {
    @Test
    void clipGradNormMatchesTorch() throws Exception {
        try (SafetensorsFile f = SafetensorsReader.open(OptimizerParityTest.resource("optim/optim_reference.safetensors"))) {
            for (String label : new String[] {"l2", "inf"}) {
                List<Var> params = new ArrayList<>();
                for (String p : OptimizerParityTest.PARAMS) {
                    Var v = Var.parameter(Tensor.zeros(f.shape("init." + p).dims()));
                    v.setGrad(f.tensor("grad.0." + p));
                    params.add(v);
                }
                double total = GradClip.clipGradNorm(params, 1.0, label.equals("l2") ? 2 : Double.POSITIVE_INFINITY, true);
                double expected = f.tensor("clip." + label + ".total").item();
                assertThat(total).as(label).isCloseTo(expected, within(1e-6 * expected));
                for (int i = 0; i < params.size(); i++) {
                    String ref = "clip." + label + "." + OptimizerParityTest.PARAMS[i];
                    OptimizerParityTest.compare(ref, params.get(i).grad(), f.tensor(ref), new OptimizerParityTest.Stats(OptimizerParityTest.RTOL, OptimizerParityTest.ATOL));
                }
            }
        }
    }

    @Test
    void schedulesMatchTorch() throws Exception {
        try (SafetensorsFile f = SafetensorsReader.open(OptimizerParityTest.resource("optim/optim_reference.safetensors"))) {
            check(f.tensor("sched.step"), LrSchedule.step(3, 0.5));
            check(f.tensor("sched.cosine"), LrSchedule.cosine(19, 0.001));
            check(f.tensor("sched.warmup_cosine"), LrSchedule.cosine(15, 0).withWarmup(4, 0.25));
        }
    }

    /** Drives a real optimizer through an {@link LrScheduler} stepped per step, as a training loop would. */
    private static void check(Tensor expected, LrSchedule schedule) {
        Sgd opt = new Sgd(List.of(Var.parameter(Tensor.zeros(1))), 0.1);
        LrScheduler sched = new LrScheduler(opt, schedule, LrScheduler.Interval.STEP);
        for (int t = 0; t < expected.size(); t++) {
            assertThat(opt.lr()).as("t = " + t).isCloseTo(expected.get(t), within(1e-12));
            sched.afterEpoch(); // not this scheduler's interval: no effect
            sched.afterStep();
        }
    }
}
