package dev.ganglion.models.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.ganglion.engine.Rng;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TasksTest {
    @Test
    void functionTargetIsTheFormulaOfTheSpec() {
        Split s = Tasks.function(50, new Rng(3));
        float[] x = s.x().toFloatArray();
        float[] y = s.targets().toFloatArray();
        assertThat(s.x().shape()).isEqualTo(Shape.of(50, 8));
        for (int i = 0; i < 50; i++) {
            double[] v = new double[8];
            for (int k = 0; k < 8; k++) {
                v[k] = x[i * 8 + k];
                assertThat(v[k]).isBetween(-1.0, 1.0);
            }
            double f = v[0] * v[1] + Math.sin(Math.PI * v[2]) + v[3] * v[3] * v[4] - 0.5 * v[5] + Math.exp(-v[6] * v[6]) * v[7];
            assertThat((double) y[i]).isCloseTo(f, within(1e-5));
        }
    }

    @Test
    void addingHasOneMarkerInEachHalfAndSumsTheMarkedValues() {
        int t = 9;
        Split s = Tasks.adding(40, t, new Rng(1));
        float[] x = s.x().toFloatArray();
        float[] y = s.targets().toFloatArray();
        for (int i = 0; i < 40; i++) {
            double sum = 0;
            int first = 0;
            int second = 0;
            for (int k = 0; k < t; k++) {
                float v = x[(i * t + k) * 2];
                assertThat(v).isBetween(0f, 1f);
                if (x[(i * t + k) * 2 + 1] == 1) {
                    sum += v;
                    first += k < t / 2 ? 1 : 0;
                    second += k >= t / 2 ? 1 : 0;
                }
            }
            assertThat(first).isEqualTo(1);
            assertThat(second).isEqualTo(1);
            assertThat((double) y[i]).isCloseTo(sum, within(1e-6));
        }
        assertThatThrownBy(() -> Tasks.adding(3, 1, new Rng(0))).hasMessageContaining("adding: needs T ≥ 2");
    }

    @Test
    void recallShowsTheTokenFirstDistractorsThenTheCue() {
        int t = 6;
        int w = 17;
        Split s = Tasks.recall(30, t, new Rng(2));
        float[] x = s.x().toFloatArray();
        for (int i = 0; i < 30; i++) {
            for (int k = 0; k < t; k++) {
                int hot = 0;
                for (int c = 0; c < w; c++) {
                    float v = x[(i * t + k) * w + c];
                    if (v == 1) {
                        hot++;
                        if (k == 0) {
                            assertThat(c).isEqualTo(s.labels()[i]);
                        } else if (c != 16) {
                            assertThat(c).isBetween(8, 15);
                        }
                    }
                }
                assertThat(hot).isEqualTo(k == t - 1 ? 2 : 1);
                assertThat(x[(i * t + k) * w + 16]).isEqualTo(k == t - 1 ? 1f : 0f);
            }
        }
    }

    @Test
    void builtInTasksAreSeededSplitAndShapedPerModelFamily() throws IOException {
        TaskData a = Tasks.load(new TaskSpec("adding", 7, 30, 10, 5, null, true));
        TaskData b = Tasks.load(new TaskSpec("adding", 7, 30, 10, 5, null, true));
        assertThat(a.train().x().toFloatArray()).isEqualTo(b.train().x().toFloatArray());
        assertThat(a.train().x().shape()).isEqualTo(Shape.of(30, 5, 2));
        assertThat(a.test().size()).isEqualTo(10);
        assertThat(a.metric()).isEqualTo(Metric.MSE);
        TaskData flat = Tasks.load(new TaskSpec("recall", 7, 20, 5, 4, null, false));
        assertThat(flat.train().x().shape()).isEqualTo(Shape.of(20, 4 * 17));
        assertThat(flat.outputSize()).isEqualTo(8);
        TaskData fn = Tasks.load(new TaskSpec("function", 1, 0, 0, 0, null, true));
        assertThat(fn.train().x().shape()).isEqualTo(Shape.of(8000, 1, 8));
        assertThat(fn.test().size()).isEqualTo(2000);
        assertThat(fn.metric()).isEqualTo(Metric.RRSE);
    }

    @Test
    void idxDataSplitsEightyTwentyWithTheSeed(@TempDir Path dir) throws IOException {
        IdxFiles.write(dir, "t10k", 50, 4, 3);
        TaskData d = Tasks.load(new TaskSpec("idx", 5, 0, 0, 0, dir, false));
        assertThat(d.train().size()).isEqualTo(40);
        assertThat(d.test().size()).isEqualTo(10);
        assertThat(d.train().x().shape()).isEqualTo(Shape.of(40, 12));
        assertThat(d.outputSize()).isEqualTo(10);
        TaskData rows = Tasks.load(new TaskSpec("mnist-rows", 5, 0, 0, 0, dir.resolve("t10k-images-idx3-ubyte"), true));
        assertThat(rows.train().x().shape()).isEqualTo(Shape.of(40, 4, 3));
        assertThat(rows.train().labels()).isEqualTo(d.train().labels());
        TaskData px = Tasks.load(new TaskSpec("mnist-pixels", 5, 0, 0, 0, dir, true));
        assertThat(px.train().x().shape()).isEqualTo(Shape.of(40, 12, 1));
        // every sample is in exactly one split: the image's first pixel encodes its index
        boolean[] seen = new boolean[50];
        for (Split s : new Split[] {d.train(), d.test()}) {
            float[] x = s.x().toFloatArray();
            for (int i = 0; i < s.size(); i++) {
                int id = Math.round(x[i * 12] * 255);
                assertThat(seen[id]).isFalse();
                seen[id] = true;
                assertThat(s.labels()[i]).isEqualTo(id % 10);
            }
        }
    }

    @Test
    void errorsNameTheProblem(@TempDir Path dir) {
        assertThatThrownBy(() -> new TaskSpec("xor", 0, 0, 0, 0, null, false)).hasMessageContaining("unknown task 'xor'");
        assertThatThrownBy(() -> Tasks.load(new TaskSpec("idx", 0, 0, 0, 0, null, false))).hasMessageContaining("needs --data");
        assertThatThrownBy(() -> Tasks.load(new TaskSpec("idx", 0, 0, 0, 0, dir.resolve("nope"), false)))
                .hasMessageContaining("no such file");
        assertThatThrownBy(() -> new Split(Tensor.zeros(3, 2), null, new int[2])).hasMessageContaining("3 samples");
        // int products that wrapped: a NegativeArraySizeException, an index past a too short array, a negative shape
        assertThatThrownBy(() -> Tasks.load(new TaskSpec("recall", 0, 4000, 1000, 26000, null, true)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("recall: shape [5000, 26000, 17] is too large");
        assertThatThrownBy(() -> Tasks.load(new TaskSpec("recall", 0, 4000, 1000, 51000, null, true)))
                .hasMessageStartingWith("recall: shape [5000, 51000, 17] is too large");
        assertThatThrownBy(() -> Tasks.adding(5000, 215000, new Rng(1))).hasMessageStartingWith("adding: shape [5000, 215000, 2]");
        assertThatThrownBy(() -> Tasks.load(new TaskSpec("function", 0, 2_000_000_000, 2_000_000_000, 0, null, true)))
                .hasMessage("function: train size 2000000000 + test size 2000000000 = 4000000000 samples, more than 2147483647");
    }

    @Test
    void metricsMatchHandComputedValues() {
        Split reg = new Split(Tensor.zeros(4, 1), Tensor.wrap(new float[] {1, 2, 3, 4}, Shape.of(4, 1)), null);
        Tensor pred = Tensor.wrap(new float[] {1, 2, 3, 2}, Shape.of(4, 1));
        assertThat(Metric.MSE.compute(pred, reg)).isCloseTo(1.0, within(1e-12));
        assertThat(Metric.RRSE.compute(pred, reg)).isCloseTo(Math.sqrt(4 / 5.0), within(1e-12));
        Split cls = new Split(Tensor.zeros(3, 1), null, new int[] {0, 1, 1});
        Tensor logits = Tensor.wrap(new float[] {2, 1, 0, 3, 5, 4}, Shape.of(3, 2));
        assertThat(Metric.ACCURACY.compute(logits, cls)).isCloseTo(2 / 3.0, within(1e-12));
    }
}
