package dev.ganglion.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The tuner's choice logic with fake timings: outputs are one-element arrays, candidates write a number. */
class PathTunerTest {
    /** Fake device time: each candidate's run reports the cost it was given. */
    private final Map<String, Double> costs = new HashMap<>();
    private final List<String> runs = new ArrayList<>();
    private String running;
    private final PathTuner tuner = new PathTuner(work -> {
        work.run();
        return costs.get(running);
    }, 3);

    private PathTuner.Candidate<float[]> candidate(String name, double cost, float result) {
        costs.put(name, cost);
        return new PathTuner.Candidate<>(name, out -> {
            running = name;
            runs.add(name);
            out[0] = result;
        });
    }

    private static final PathTuner.Target<float[]> TARGET = new PathTuner.Target<>() {
        @Override
        public float[] scratch() {
            return new float[1];
        }

        @Override
        public void release(float[] scratch) {
        }

        @Override
        public String mismatch(float[] reference, float[] candidate) {
            return reference[0] == candidate[0] ? null : "differs";
        }
    };

    @Test
    void choosesTheFastestAgreeingCandidateAndRunsItOnTheOutput() {
        float[] out = new float[1];
        tuner.run("op", "4x4", List.of(candidate("ref", 3.0, 1f), candidate("fast", 1.0, 1f), candidate("mid", 2.0, 1f)),
                out, TARGET);
        PathTuner.Decision d = tuner.decision("op", "4x4");
        assertThat(d.chosen()).isEqualTo("fast");
        assertThat(d.millis()).containsEntry("ref", 3.0).containsEntry("mid", 2.0);
        assertThat(runs.getLast()).isEqualTo("fast");
        assertThat(out[0]).isEqualTo(1f);
    }

    @Test
    void candidatesThatAccumulateIntoTheirOutputAreComparedAfterOneRunEach() {
        // β = 1 (gradients adding into the output): the reference was timed into its scratch before
        // the others were compared, so it held out + 4g against their out + g and every other was rejected
        PathTuner.Target<float[]> copies = new PathTuner.Target<>() {
            @Override
            public float[] scratch() {
                return new float[] {0.5f};   // a copy of the real output
            }

            @Override
            public void release(float[] scratch) {
            }

            @Override
            public String mismatch(float[] reference, float[] candidate) {
                return TARGET.mismatch(reference, candidate);
            }
        };
        List<PathTuner.Candidate<float[]>> adding = new ArrayList<>();
        for (String name : List.of("ref", "fast")) {
            costs.put(name, name.equals("ref") ? 2.0 : 1.0);
            adding.add(new PathTuner.Candidate<>(name, out -> {
                running = name;
                out[0] += 1;
            }));
        }
        float[] out = {0.5f};
        tuner.run("grad", "s", adding, out, copies);
        PathTuner.Decision d = tuner.decision("grad", "s");
        assertThat(d.rejected()).isEmpty();
        assertThat(d.chosen()).isEqualTo("fast");
        assertThat(out[0]).isEqualTo(1.5f);
    }

    @Test
    void tunesOncePerShapeThenReusesTheChoice() {
        List<PathTuner.Candidate<float[]>> cands = List.of(candidate("ref", 2.0, 1f), candidate("b", 1.0, 1f));
        tuner.run("op", "s1", cands, new float[1], TARGET);
        int afterFirst = runs.size();
        assertThat(afterFirst).isEqualTo(2 * (1 + 3) + 1); // warm-up + 3 timed each, then the real run
        tuner.run("op", "s1", cands, new float[1], TARGET);
        assertThat(runs.subList(afterFirst, runs.size())).containsExactly("b");
        tuner.run("op", "s2", cands, new float[1], TARGET);
        assertThat(runs.size()).isEqualTo(afterFirst + 1 + afterFirst);
    }

    @Test
    void rejectsCandidatesThatThrowOrDisagree() {
        costs.put("unsupported", 0.1);
        PathTuner.Candidate<float[]> failing = new PathTuner.Candidate<>("unsupported", out -> {
            throw new CudaException(CudaException.Api.SPARSE, "cusparseSpMM", 10, "CUSPARSE_STATUS_NOT_SUPPORTED",
                    "operation not supported");
        });
        tuner.run("op", "s", List.of(candidate("ref", 5.0, 2f), failing, candidate("wrong", 0.5, 3f)),
                new float[1], TARGET);
        PathTuner.Decision d = tuner.decision("op", "s");
        assertThat(d.chosen()).isEqualTo("ref");
        assertThat(d.rejected()).containsKeys("unsupported", "wrong");
        assertThat(d.rejected().get("unsupported")).contains("cusparseSpMM").contains("not supported");
        assertThat(d.rejected().get("wrong")).isEqualTo("differs");
    }

    @Test
    void aFailingReferencePropagatesItsError() {
        PathTuner.Candidate<float[]> broken = new PathTuner.Candidate<>("ref", out -> {
            throw new CudaException(CudaException.Api.BLAS, "cublasSgemm_v2", 7, "CUBLAS_STATUS_INVALID_VALUE", "bad");
        });
        assertThatThrownBy(() -> tuner.run("op", "s", List.of(broken, candidate("b", 1.0, 1f)), new float[1], TARGET))
                .isInstanceOf(CudaException.class).hasMessageContaining("cublasSgemm_v2");
    }

    @Test
    void forcedCandidateSkipsTuning() {
        tuner.force("op", "b");
        tuner.run("op", "s", List.of(candidate("ref", 1.0, 1f), candidate("b", 9.0, 1f)), new float[1], TARGET);
        assertThat(runs).containsExactly("b");
        assertThat(tuner.decision("op", "s")).isNull();
        tuner.force("op", null);
        tuner.force("op/s", "ref");
        tuner.run("op", "s", List.of(candidate("ref", 1.0, 1f), candidate("b", 9.0, 1f)), new float[1], TARGET);
        assertThat(runs).containsExactly("b", "ref");
    }

    @Test
    void unknownForcedNameAndEmptyCandidateListsAreErrors() {
        tuner.force("op", "nope");
        assertThatThrownBy(() -> tuner.run("op", "s", List.of(candidate("ref", 1.0, 1f)), new float[1], TARGET))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope").hasMessageContaining("ref");
        assertThatThrownBy(() -> tuner.run("other", "s", List.of(), new float[1], TARGET))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no candidates");
    }

    @Test
    void singleCandidateRunsWithoutTiming() {
        tuner.run("op", "s", List.of(candidate("only", 1.0, 1f)), new float[1], TARGET);
        assertThat(runs).containsExactly("only");
    }

    @Test
    void mismatchToleranceIsRelativeToTheReferenceScale() {
        assertThat(DeviceKernels.mismatch(new float[] {1000f, 1f}, new float[] {1000f, 1.005f})).isNull();
        assertThat(DeviceKernels.mismatch(new float[] {1f, 1f}, new float[] {1f, 1.5f})).contains("element 1");
        assertThat(DeviceKernels.mismatch(new float[] {1f}, new float[] {Float.NaN})).isNotNull();
    }

    @Test
    void mismatchRejectsReducedPrecisionEvenWhenEveryElementIsClose() {
        float[] reference = new float[1000];
        float[] fp32 = new float[1000];
        float[] tf32 = new float[1000];
        for (int i = 0; i < reference.length; i++) {
            reference[i] = (float) Math.sin(i);
            fp32[i] = reference[i] * (1 + 1e-7f);
            tf32[i] = reference[i] * (1 + 3e-4f); // within the element tolerance, far over FP32's
        }
        assertThat(DeviceKernels.mismatch(reference, fp32)).isNull();
        assertThat(DeviceKernels.mismatch(reference, tf32)).contains("relative error");
    }
}
