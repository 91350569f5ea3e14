package dev.ganglion.models.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.ganglion.autodiff.Var;
import dev.ganglion.engine.io.IntType;
import dev.ganglion.engine.io.SafetensorsFile;
import dev.ganglion.engine.io.SafetensorsReader;
import dev.ganglion.engine.io.SafetensorsWriter;
import dev.ganglion.models.ModelCheckpoint;
import dev.ganglion.models.NeuralModel;
import dev.ganglion.models.ModelRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
    /** A small run: 64 test samples, batch 32, lr 1e-2. */
    private static TrainRun tiny(String model, int trainSize, long seed, int epochs, Map<String, String> sets) {
        TrainRun r = new TrainRun(model);
        r.trainSize = trainSize;
        r.testSize = 64;
        r.epochs = epochs;
        r.batch = 32;
        r.lr = 1e-2;
        r.seed = seed;
        r.sets.putAll(sets);
        return r;
    }

    private static TrainRun tinyMlp(int epochs) {
        return tiny("mlp", 256, 4L, epochs, Map.of("hidden_size", "16", "num_layers", "1"));
    }

    /**
     * Trains {@code firstTwo} (2 epochs), saving to {@code save}, and returns a run that resumes
     * from that checkpoint to 3 epochs, giving nothing else.
     */
    private static TrainRun resumedToThree(TrainRun firstTwo, Path save) throws IOException {
        firstTwo.save = save;
        firstTwo.prepare().fit();
        TrainRun second = new TrainRun(firstTwo.model);
        second.resume = save;
        second.epochs = 3;
        return second;
    }

    @Test
    void anMlpLearnsTheFunctionTask() throws IOException {
        List<EpochResult> rs = tinyMlp(6).prepare().fit();
        assertThat(rs).hasSize(6);
        assertThat(rs.getLast().loss()).isLessThan(rs.getFirst().loss() * 0.7);
        assertThat(rs.getLast().metric()).isLessThan(rs.getFirst().metric());
        assertThat(rs.getLast().metricName()).isEqualTo("rrse");
    }

    @Test
    void aResumedRunPrintsExactlyTheLossesOfAnUninterruptedOne(@TempDir Path dir) throws IOException {
        List<EpochResult> whole = tinyMlp(3).prepare().fit();
        TrainRun second = resumedToThree(tinyMlp(2), dir.resolve("run.safetensors"));
        Trainer resumed = second.prepare();
        assertThat(resumed.epochsDone()).isEqualTo(2);
        List<EpochResult> rest = resumed.fit();
        assertThat(rest).hasSize(1);
        assertThat(rest.getFirst().epoch()).isEqualTo(3);
        assertThat(rest.getFirst().loss()).isEqualTo(whole.get(2).loss());
        assertThat(rest.getFirst().metric()).isEqualTo(whole.get(2).metric());
        // the recorded run supplied every setting: the task, sizes, optimizer and lr were not repeated
        assertThat(second.trainSize).isEqualTo(256);
        assertThat(second.lr).isEqualTo(1e-2);
    }

    @Test
    void aRateGivenToAResumedRunIsTheOneItTrainsWith(@TempDir Path dir) throws IOException {
        Path save = dir.resolve("run.safetensors");
        TrainRun recorded = resumedToThree(tinyMlp(2), save);
        List<EpochResult> asRecorded = recorded.prepare().fit();
        TrainRun faster = new TrainRun("mlp");
        faster.resume = save;
        faster.epochs = 3;
        faster.lr = 0.5;
        Trainer t = faster.prepare();
        assertThat(t.optimizer().lr()).isEqualTo(0.5);
        assertThat(t.metadata()).containsEntry("ganglion.run.lr", "0.5");
        assertThat(t.fit().getFirst().loss()).isNotEqualTo(asRecorded.getFirst().loss());
    }

    @Test
    void aTamperedTrainingStateIsNamed(@TempDir Path dir) throws IOException {
        Path save = dir.resolve("run.safetensors");
        TrainRun first = tinyMlp(1);
        first.save = save;
        first.prepare().fit();
        // an all-zero generator state had failed after the model and optimizer were already loaded, naming neither
        for (Map.Entry<String, String> bad : Map.of("ganglion.train.epoch", "-3", "ganglion.run.batch", "abc",
                "ganglion.train.rng", "0,0,0,0", Trainer.HISTORY_KEY, "[{\"epoch\":2,\"metric_name\":\"rrse\"}]").entrySet()) {
            Path tampered = dir.resolve("tampered.safetensors");
            SafetensorsWriter w = new SafetensorsWriter();
            try (SafetensorsFile f = SafetensorsReader.open(save)) {
                for (String n : f.names()) {
                    if (f.dtype(n).startsWith("F")) {
                        w.put(n, f.tensor(n));
                    } else {
                        w.putInts(n, f.ints(n), f.shape(n), IntType.valueOf(f.dtype(n)));
                    }
                }
                Map<String, String> meta = new LinkedHashMap<>(f.metadata());
                meta.put(bad.getKey(), bad.getValue());
                meta.forEach(w::metadata);
            }
            w.write(tampered);
            TrainRun r = new TrainRun("mlp");
            r.resume = tampered;
            r.epochs = 3;
            assertThatThrownBy(r::prepare).as(bad.getKey()).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(tampered.toString())
                    .hasMessageContaining(bad.getKey().equals(Trainer.HISTORY_KEY) ? "entry 1 is not epoch 1" : bad.getValue());
        }
    }

    @Test
    void aResumedTrainerKnowsItsEarlierEpochsExactly(@TempDir Path dir) throws IOException {
        TrainRun first = tinyMlp(2);
        first.save = dir.resolve("h.safetensors");
        List<EpochResult> done = first.prepare().fit();
        TrainRun second = new TrainRun("mlp");
        second.resume = first.save;
        second.epochs = 3;
        Trainer t = second.prepare();
        assertThat(t.history()).isEqualTo(done);
        List<EpochResult> rest = t.fit();
        assertThat(t.history()).containsExactly(done.get(0), done.get(1), rest.getFirst());
    }

    private static TrainRun tinyRewiringG2GNet(int epochs) {
        return tiny("g2gnet", 192, 5L, epochs, Map.of("hidden_size", "32", "num_layers", "2", "groups", "4",
                "dst", "true", "update_interval", "4", "prune", "random", "regrow", "hebbian"));
    }

    @Test
    void dynamicSparseTrainingRewiresEveryIntervalAndResumesExactly(@TempDir Path dir) throws IOException {
        List<Long> rewiredAt = new ArrayList<>();
        List<Integer> nnz = new ArrayList<>();
        Trainer whole = tinyRewiringG2GNet(3).prepare().listener(new TrainListener() {
            @Override
            public void onHook(int epoch, long step, List<Map<String, Object>> records) {
                rewiredAt.add(step);
                assertThat(records).hasSize(2);
                records.forEach(r -> assertThat((Integer) r.get("pruned")).isEqualTo(r.get("regrown")).isPositive());
                nnz.add((Integer) records.getFirst().get("nnz"));
            }
        });
        List<EpochResult> all = whole.fit();
        assertThat(rewiredAt).containsExactly(4L, 8L, 12L, 16L);   // 6 steps per epoch, 18 steps
        assertThat(nnz).containsOnly(nnz.getFirst());               // constant nnz
        EpochResult last = resumedToThree(tinyRewiringG2GNet(2), dir.resolve("dst.safetensors")).prepare().fit()
                .getFirst();
        assertThat(last.loss()).isEqualTo(all.get(2).loss());
        assertThat(last.metric()).isEqualTo(all.get(2).metric());
    }

    @Test
    void aCheckpointIsAModelCheckpointToo(@TempDir Path dir) throws IOException {
        TrainRun r = tinyMlp(1);
        r.save = dir.resolve("m.safetensors");
        Trainer t = r.prepare();
        t.fit();
        NeuralModel loaded = ModelCheckpoint.load(r.save);
        assertThat(loaded.name()).isEqualTo("mlp");
        double[] a = t.evaluate(r.taskData().test());
        Var y = Trainer.lastStep(loaded.forward(Var.constant(r.taskData().test().x())));
        assertThat(Metric.RRSE.compute(y.value(), r.taskData().test())).isEqualTo(a[1]);
        assertThat(Files.list(dir).toList()).hasSize(1); // written atomically: no temporary left over
    }

    @Test
    void aCheckpointFolderThatDoesNotExistIsReportedBeforeTraining(@TempDir Path dir) throws IOException {
        TrainRun r = tinyMlp(1);
        r.save = dir.resolve("missing").resolve("m.safetensors");
        Trainer t = r.prepare();
        List<Integer> epochs = new ArrayList<>();
        t.listener(new TrainListener() {
            @Override
            public void onEpoch(EpochResult e) {
                epochs.add(e.epoch());
            }
        });
        assertThatThrownBy(t::fit).isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining("missing: the folder of checkpoint").hasMessageContaining("does not exist");
        assertThat(epochs).isEmpty();
    }

    @Test
    void aRecurrentModelTrainsOnRecallAndReportsAccuracy() throws IOException {
        TrainRun r = new TrainRun("sublstm");
        r.task = "recall";
        r.seqLen = 4;
        r.trainSize = 64;
        r.testSize = 32;
        r.epochs = 2;
        r.sets.put("hidden_size", "8");
        List<int[]> steps = new ArrayList<>();
        List<Double> metrics = new ArrayList<>();
        Trainer t = r.prepare().listener(new TrainListener() {
            @Override
            public void onStep(StepProgress p) {
                steps.add(new int[] {p.epoch(), p.step(), p.stepsPerEpoch()});
                metrics.add(p.metric());
                assertThat(p.metricName()).isEqualTo("accuracy");
            }
        });
        List<EpochResult> rs = t.fit();
        assertThat(rs.getLast().metricName()).isEqualTo("accuracy");
        assertThat(rs.getLast().metric()).isBetween(0.0, 1.0);
        assertThat(steps).hasSize(4);
        assertThat(steps.getLast()).containsExactly(2, 2, 2);
        // 64 samples in two steps of 32: accuracy in 1/32 after the first, 1/64 after the second
        assertThat(metrics).allMatch(m -> m >= 0 && m <= 1);
        assertThat(metrics.get(0) * 32).isCloseTo(Math.rint(metrics.get(0) * 32), within(1e-9));
        assertThat(metrics.get(3)).isEqualTo(rs.getLast().trainMetric());
        assertThat(metrics.get(1)).isEqualTo(rs.getFirst().trainMetric());
    }

    @Test
    void anInterruptStopsTrainingBetweenStepsNamingWhere() throws IOException {
        // fit had run every epoch to its end regardless (or, saving, failed with a null message)
        Trainer t = tinyMlp(3).prepare().listener(new TrainListener() {
            @Override
            public void onStep(StepProgress p) {
                if (p.epoch() == 2 && p.step() == 1) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        try {
            assertThatThrownBy(t::fit).isInstanceOf(java.io.InterruptedIOException.class)
                    .hasMessageStartingWith("training interrupted at epoch 2, step 2 of ");
            assertThat(Thread.currentThread().isInterrupted()).as("the interrupt stays set").isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(t.epochsDone()).isEqualTo(1);
    }

    @Test
    void anInterruptDuringTheCheckpointsWriteNamesTheEpochAndLeavesTheFileAsItWas(@TempDir Path dir) throws IOException {
        TrainRun run = tinyMlp(3);
        run.save = dir.resolve("r.safetensors");
        Trainer t = run.prepare().listener(new TrainListener() {
            @Override
            public void onStep(StepProgress p) {
                if (p.epoch() == 2 && p.step() == p.stepsPerEpoch()) {   // no step left to see it: the write does
                    Thread.currentThread().interrupt();
                }
            }
        });
        try {
            assertThatThrownBy(t::fit).isInstanceOf(java.io.InterruptedIOException.class)
                    .hasMessageStartingWith("training interrupted at the end of epoch 2, while saving its checkpoint: "
                            + run.save);
        } finally {
            Thread.interrupted();
        }
        assertThat(dev.ganglion.engine.io.SafetensorsReader.open(run.save).metadata())
                .containsEntry(Trainer.EPOCH_KEY, "1");
    }

    @Test
    void aDivergingRunStopsNamingEpochAndStep() {
        TrainRun r = tinyMlp(3);
        r.optimizer = "sgd";
        r.lr = 1e12;
        assertThatThrownBy(() -> r.prepare().fit()).isInstanceOf(TrainingDivergedException.class)
                .hasMessageMatching("training diverged: (loss|gradient norm) is (NaN|Infinity) at epoch 1, step \\d+ .*");
    }

    @Test
    void badSettingsAreClearErrors(@TempDir Path dir) throws IOException {
        TrainRun unknown = new TrainRun("perceptron");
        assertThatThrownBy(unknown::prepare).hasMessageContaining("unknown model 'perceptron'");
        TrainRun key = tinyMlp(1);
        key.sets.put("hidden_sise", "3");
        assertThatThrownBy(key::prepare).hasMessageContaining("hidden_sise");
        TrainRun fixed = tinyMlp(1);
        fixed.sets.put("input_size", "3");
        assertThatThrownBy(fixed::prepare).hasMessageContaining("input_size is fixed by the task");
        TrainRun opt = tinyMlp(1);
        opt.optimizer = "lion";
        assertThatThrownBy(opt::prepare).hasMessageContaining("unknown optimizer 'lion'");
        Path plain = dir.resolve("plain.safetensors");
        ModelCheckpoint.save(plain, ModelRegistry.standard().create(
                ModelRegistry.standard().config("mlp", Map.of("input_size", 8, "output_size", 1, "hidden_size", 4)), 1));
        TrainRun notTraining = new TrainRun("mlp");
        notTraining.resume = plain;
        assertThatThrownBy(notTraining::prepare).hasMessageContaining("not a training checkpoint");
    }
}
