package dev.ganglion.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.io.SafetensorsFile;
import dev.ganglion.engine.io.SafetensorsReader;
import dev.ganglion.engine.io.SafetensorsWriter;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ganglion train} and {@code eval} run in-process as a user would: exit codes, output, files. */
class TrainCommandTest {
    private static final String[] TINY = {"--train-size", "128", "--test-size", "32", "--batch", "32", "--lr", "0.01",
            "--set", "hidden_size=8", "--set", "num_layers=1", "--threads", "1"};

    private static CliRun train(String model, String... more) {
        List<String> a = new ArrayList<>(List.of("train", model));
        a.addAll(List.of(TINY));
        a.addAll(List.of(more));
        return CliRun.of(a.toArray(String[]::new));
    }

    private static double loss(String jsonLine) {
        String s = jsonLine.substring(jsonLine.indexOf("\"loss\":") + 7);
        return Double.parseDouble(s.substring(0, s.indexOf(',')));
    }

    @Test
    void trainsSavesLogsAndPlots(@TempDir Path dir) throws IOException {
        Path ckpt = dir.resolve("mlp.safetensors");
        CliRun r = train("mlp", "--epochs", "2", "--save", ckpt.toString(), "--log", dir.resolve("m.jsonl").toString(),
                "--plot", dir.resolve("curve.svg").toString());
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.outLines().getFirst()).startsWith("training mlp on function: 128 train / 32 test")
                .doesNotContain("quick-run sizes");   // hidden_size is given
        assertThat(CliRun.of("train", "circuitnet", "--epochs", "1", "--train-size", "32", "--test-size", "8").outLines().getFirst())
                .endsWith("; quick-run sizes: units 8 (models.md 16), neurons 16 (models.md 32), ports 4 (models.md 8) (--set to change)");
        assertThat(r.outLines().stream().filter(l -> l.startsWith("epoch")).toList()).hasSize(2)
                .allMatch(l -> l.matches("epoch +\\d+  loss \\d\\.\\d{5}  rrse \\d\\.\\d{5}  test loss .* samples/s"));
        List<String> log = Files.readAllLines(dir.resolve("m.jsonl"));
        assertThat(log).hasSize(2);
        for (String f : List.of("epoch", "loss", "metric", "metric_name", "train_metric", "test_loss", "seconds", "samples_per_s", "lr")) {
            assertThat(log.getFirst()).contains("\"" + f + "\":");
        }
        String svg = Files.readString(dir.resolve("curve.svg"));
        assertThat(svg).startsWith("<svg").contains("<polyline").contains("test rrse").endsWith("</svg>\n");
        assertThat(SafetensorsReader.open(ckpt).metadata()).containsEntry("ganglion.model", "mlp").containsKey("ganglion.train.epoch");
    }

    @Test
    void writesAPngPlotAndJsonLines(@TempDir Path dir) throws IOException {
        CliRun r = train("sublstm", "--task", "adding", "--seq-len", "4", "--epochs", "2", "--json",
                "--plot", dir.resolve("c.png").toString());
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.outLines()).hasSize(2).allMatch(l -> l.startsWith("{\"epoch\":") && l.contains("\"metric_name\":\"mse\""));
        BufferedImage img = ImageIO.read(dir.resolve("c.png").toFile());
        assertThat(img.getWidth()).isEqualTo(900);
    }

    @Test
    void aResumedRunPrintsTheSameLosses(@TempDir Path dir) {
        CliRun whole = train("mlp", "--epochs", "3", "--json");
        Path ckpt = dir.resolve("r.safetensors");
        assertThat(train("mlp", "--epochs", "2", "--json", "--save", ckpt.toString()).status()).isZero();
        CliRun rest = CliRun.of("train", "mlp", "--resume", ckpt.toString(), "--epochs", "3", "--json", "--threads", "1");
        assertThat(rest.status()).as(rest.err()).isZero();
        assertThat(rest.outLines()).hasSize(1);
        assertThat(rest.outLines().getFirst()).startsWith("{\"epoch\":3,");
        assertThat(loss(rest.outLines().getFirst())).isEqualTo(loss(whole.outLines().get(2)));

        // the first command line again with --resume: a --set equal to the recorded config is no change
        CliRun same = CliRun.of("train", "mlp", "--resume", ckpt.toString(), "--epochs", "3", "--json", "--threads", "1",
                "--set", "hidden_size=8", "--set", "activation=relu");
        assertThat(same.status()).as(same.err()).isZero();
        assertThat(loss(same.outLines().getFirst())).isEqualTo(loss(whole.outLines().get(2)));
        CliRun other = CliRun.of("train", "mlp", "--resume", ckpt.toString(), "--epochs", "3", "--set", "hidden_size=9");
        assertThat(other.status()).isEqualTo(Main.USAGE);
        assertThat(other.errLines()).containsExactly("ganglion train: --set hidden_size=9: a resumed run keeps its model, and "
                + ckpt + " records hidden_size = 8");

        CliRun done = CliRun.of("train", "mlp", "--resume", ckpt.toString(), "--epochs", "2", "--json", "--threads", "1");
        assertThat(done.status()).as(done.err()).isZero();
        assertThat(done.out()).isEmpty();
        assertThat(done.errLines()).containsExactly("ganglion train: nothing to train: " + ckpt
                + " has 2 epochs done and --epochs is 2; raise --epochs to go on");
    }

    @Test
    void evalWritesASparseLayersWeightGradientInTheCheckpointsDenseShape(@TempDir Path dir) throws IOException {
        Path ckpt = dir.resolve("g.safetensors");
        CliRun t = train("g2gnet", "--set", "groups=4", "--set", "num_layers=2", "--epochs", "1", "--save", ckpt.toString());
        assertThat(t.status()).as(t.err()).isZero();
        Path in = dir.resolve("in.safetensors");
        int inputs;
        try (SafetensorsFile c = SafetensorsReader.open(ckpt)) {
            inputs = c.shape("layers.0.weight").dim(1);
        }
        new SafetensorsWriter().put("x", Tensor.ones(3, inputs)).write(in);
        Path out = dir.resolve("out.safetensors");
        CliRun r = CliRun.of("eval", "--checkpoint", ckpt.toString(), "--input", in.toString(), "--output", out.toString(), "--grad");
        assertThat(r.status()).as(r.err()).isZero();
        try (SafetensorsFile c = SafetensorsReader.open(ckpt); SafetensorsFile f = SafetensorsReader.open(out)) {
            for (String name : List.of("layers.0.weight", "layers.1.weight", "layers.0.bias", "head.weight", "head.bias")) {
                assertThat(f.shape("grad." + name)).as(name).isEqualTo(c.shape(name));
            }
            for (int l = 0; l < 2; l++) {
                float[] g = f.tensor("grad.layers." + l + ".weight").toFloatArray();
                int[] mask = c.ints("layers." + l + ".mask");
                int live = 0;
                for (int i = 0; i < g.length; i++) {
                    if (mask[i] == 0) {
                        assertThat(g[i]).as("layer %d entry %d off the mask", l, i).isZero();
                    } else if (g[i] != 0) {
                        live++;
                    }
                }
                assertThat(live).as("non-zero gradients on layer %d's mask", l).isPositive();
            }
        }
    }

    @Test
    void evalWritesOutputsAndGradientsOfEveryTrainableParameter(@TempDir Path dir) throws IOException {
        Path ckpt = dir.resolve("s.safetensors");
        assertThat(train("sublstm", "--task", "adding", "--seq-len", "4", "--epochs", "1", "--save", ckpt.toString()).status()).isZero();
        Path in = dir.resolve("in.safetensors");
        new SafetensorsWriter().put("x", Tensor.ones(3, 5, 2)).put("grad_output", Tensor.full(Shape.of(3, 5, 1), 2, dev.ganglion.engine.DType.F32)).write(in);
        Path out = dir.resolve("out.safetensors");
        CliRun r = CliRun.of("eval", "--checkpoint", ckpt.toString(), "--input", in.toString(), "--output", out.toString(), "--grad");
        assertThat(r.status()).as(r.err()).isZero();
        try (SafetensorsFile f = SafetensorsReader.open(out)) {
            assertThat(f.names()).containsExactlyInAnyOrder("y", "grad.x", "grad.rnn.weight_ih_l0", "grad.rnn.weight_hh_l0",
                    "grad.rnn.bias_ih_l0", "grad.rnn.bias_hh_l0", "grad.head.weight", "grad.head.bias");
            assertThat(f.shape("y")).isEqualTo(Shape.of(3, 5, 1));
            assertThat(f.shape("grad.x")).isEqualTo(Shape.of(3, 5, 2));
            assertThat(f.shape("grad.rnn.weight_hh_l0")).isEqualTo(Shape.of(32, 8));
            assertThat(f.dtype("grad.head.bias")).isEqualTo("F32");
            // d sum(y ⊙ 2) / d head.bias = 2 · (B·T) = 30
            assertThat(f.tensor("grad.head.bias").toFloatArray()[0]).isEqualTo(30f);
        }
        float[] y;
        CliRun plain = CliRun.of("eval", "--checkpoint", ckpt.toString(), "--input", in.toString(), "--output", out.toString());
        assertThat(plain.status()).isZero();
        try (SafetensorsFile f = SafetensorsReader.open(out)) {
            assertThat(f.names()).containsExactly("y");
            y = f.tensor("y").toFloatArray();
        }
        // a float64 x (numpy's default) runs in the parameters' float32, to the same y
        Path in64 = dir.resolve("in64.safetensors");
        new SafetensorsWriter().put("x", Tensor.ones(3, 5, 2).to(dev.ganglion.engine.DType.F64)).write(in64);
        CliRun wide = CliRun.of("eval", "--checkpoint", ckpt.toString(), "--input", in64.toString(), "--output", out.toString());
        assertThat(wide.status()).as(wide.err()).isZero();
        try (SafetensorsFile f = SafetensorsReader.open(out)) {
            assertThat(f.tensor("y").toFloatArray()).containsExactly(y);
        }
    }

    @Test
    void badInputIsOneLineAndANonZeroExit(@TempDir Path dir) throws IOException {
        Path garbage = dir.resolve("garbage.safetensors");
        Files.writeString(garbage, "not a safetensors file at all");
        Path noX = dir.resolve("nox.safetensors");
        new SafetensorsWriter().put("z", Tensor.ones(1, 8)).write(noX);
        Path ckpt = dir.resolve("ok.safetensors");
        assertThat(train("mlp", "--epochs", "1", "--save", ckpt.toString()).status()).isZero();
        expectError(CliRun.of("train", "perceptron"), 2, "unknown model 'perceptron'");
        expectError(train("mlp", "--task", "xor"), 2, "unknown task 'xor'");
        expectError(train("mlp", "--set", "hidden_sise=3"), 2, "hidden_sise");
        expectError(train("mlp", "--set", "hidden_size"), 2, "hidden_size");
        expectError(train("mlp", "--epochs", "many"), 2, "--epochs");
        expectError(train("mlp", "--frobnicate"), 2, "--frobnicate");
        expectError(train("mlp", "--optimizer", "lion"), 2, "unknown optimizer 'lion'");
        expectError(train("mlp", "--plot", "c.gif"), 2, "--plot");
        // 0 is the library's "default": typed on the command line it is an error, not the default
        for (String option : List.of("--seq-len", "--train-size", "--test-size", "--threads")) {
            expectError(CliRun.of("train", "lstm", option, "0"), 2, option + " must be ≥ 1, got 0");
        }
        expectError(train("mlp", "--task", "idx", "--data", dir.resolve("none").toString()), 1, "no such file");
        // settings the task would not read are refused, not ignored
        expectError(train("mlp", "--seq-len", "5"), 2, "task function: a sequence length (seq-len 5) applies to adding and recall only");
        expectError(train("lstm", "--task", "mnist-rows", "--data", dir.toString(), "--seq-len", "5"), 2,
                "mnist-rows takes its steps from the images");
        expectError(train("mlp", "--task", "function", "--data", dir.toString()), 2, "task function generates its data; a data path");
        expectError(train("mlp", "--clip", "NaN"), 2, "gradient clipping norm must be a finite number (≤ 0: off), got NaN");
        expectError(train("mlp", "--weight-decay", "Infinity"), 2, "weight decay ≥ 0, finite");
        expectError(train("mlp", "--resume", garbage.toString()), 1, "garbage.safetensors");
        expectError(CliRun.of("train", "mlp", "--train-size", "64", "--set", "hidden_size=8", "--optimizer", "sgd", "--lr", "1e12"),
                1, "training diverged");
        expectError(CliRun.of("eval", "--checkpoint", ckpt.toString()), 2, "--input");
        expectError(CliRun.of("eval", "--checkpoint", garbage.toString(), "--input", noX.toString()), 1, "garbage.safetensors");
        expectError(CliRun.of("eval", "--checkpoint", ckpt.toString(), "--input", dir.resolve("missing").toString()), 1, "no such file");
        expectError(CliRun.of("eval", "--checkpoint", ckpt.toString(), "--input", noX.toString()), 2, "has no tensor 'x'");
        if (Files.exists(Path.of("/dev/null"))) {   // a device is not a missing file
            expectError(CliRun.of("eval", "--checkpoint", "/dev/null", "--input", noX.toString()), 1,
                    "/dev/null is not a regular file (a device, pipe or socket)");
        }
        // x that does not fit the model names the file it came from
        Path narrow = dir.resolve("narrow.safetensors");
        new SafetensorsWriter().put("x", Tensor.ones(2, 7)).write(narrow);
        expectError(CliRun.of("eval", "--checkpoint", ckpt.toString(), "--input", narrow.toString()), 2,
                narrow + ": mlp: expected x [B, 8], got [2, 7]");
        // a tensor name with a terminal escape is shown escaped: the error stays one inert line
        Path escape = dir.resolve("escape.safetensors");
        new SafetensorsWriter().put("\u001b[31mred\nline", Tensor.ones(1, 8)).write(escape);
        expectError(CliRun.of("eval", "--checkpoint", ckpt.toString(), "--input", escape.toString()), 2,
                "(it holds [\\u001b[31mred\\u000aline])");
        Path intX = dir.resolve("intx.safetensors");
        new SafetensorsWriter().putInts("x", new int[8], Shape.of(1, 8), dev.ganglion.engine.io.IntType.I32).write(intX);
        expectError(CliRun.of("eval", "--checkpoint", ckpt.toString(), "--input", intX.toString()), 2,
                "'x' is stored as I32; eval reads floats (F32 or F64, or F16/BF16 widened to F32)");
        expectError(CliRun.of("eval", "--checkpoint", ckpt.toString(), "--input", noX.toString(), "--output",
                dir.resolve(".").resolve("nox.safetensors").toString()), 2, "is the --input file; writing there would replace it");
        expectError(CliRun.of("eval", "--checkpoint", ckpt.toString(), "--input", noX.toString(), "--output",
                ckpt.toString()), 2, "is the --checkpoint file");
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.filter(p -> p.getFileName().toString().startsWith(".")).toList()).isEmpty();
        }
    }

    @Test
    void unwritableOutputsAreRefusedBeforeTraining(@TempDir Path dir) throws IOException {
        Path missing = dir.resolve("absent");
        for (String option : List.of("--save", "--log", "--plot")) {
            String file = missing.resolve(option.equals("--plot") ? "c.svg" : "f").toString();
            CliRun r = train("mlp", "--epochs", "1", option, file);
            expectError(r, 2, option + ": folder " + missing + " does not exist (for " + file + ")");
            assertThat(r.out()).as("refused before the run").doesNotContain("epoch");
        }
        expectError(train("mlp", "--epochs", "1", "--save", dir.toString()), 2, "--save: " + dir + " is a folder");
        Path ckpt = dir.resolve("ok.safetensors");
        assertThat(train("mlp", "--epochs", "1", "--save", ckpt.toString()).status()).isZero();
        Path in = dir.resolve("in.safetensors");
        new SafetensorsWriter().put("x", Tensor.ones(2, 1)).write(in);
        expectError(CliRun.of("eval", "--checkpoint", ckpt.toString(), "--input", in.toString(), "--output",
                missing.resolve("o.safetensors").toString()), 2, "--output: folder " + missing + " does not exist");
        assertThat(missing).doesNotExist();
    }

    @Test
    void anOutputThatIsAnotherOutputOrAnInputIsRefusedBeforeAnythingIsWritten(@TempDir Path dir) throws IOException {
        Path ckpt = dir.resolve("r.safetensors");
        Path log = dir.resolve("r.jsonl");
        assertThat(train("mlp", "--epochs", "1", "--save", ckpt.toString(), "--log", log.toString()).status()).isZero();
        byte[] saved = Files.readAllBytes(ckpt);
        byte[] logged = Files.readAllBytes(log);
        Path svg = dir.resolve("c.svg");
        expectError(train("mlp", "--epochs", "1", "--save", svg.toString(), "--plot", svg.toString()), 2,
                "--plot: " + svg + " is the --save file; writing there would replace it");
        expectError(train("mlp", "--epochs", "1", "--save", ckpt.toString(), "--log", dir.resolve(".").resolve("r.safetensors").toString()),
                2, "is the --save file");
        Path both = dir.resolve("both.svg");
        expectError(train("mlp", "--epochs", "1", "--log", both.toString(), "--plot", both.toString()), 2,
                "--plot: " + both + " is the --log file");
        expectError(CliRun.of("train", "mlp", "--resume", ckpt.toString(), "--epochs", "2", "--log", ckpt.toString()), 2,
                "--log: " + ckpt + " is the --resume file");
        assertThat(Files.readAllBytes(ckpt)).isEqualTo(saved);
        assertThat(Files.readAllBytes(log)).isEqualTo(logged);
        assertThat(svg).doesNotExist();
        assertThat(both).doesNotExist();
        // --save may replace the checkpoint it resumes from
        assertThat(CliRun.of("train", "mlp", "--resume", ckpt.toString(), "--epochs", "2", "--save", ckpt.toString()).status()).isZero();

        Path data = Files.createDirectory(dir.resolve("data"));
        writeIdx(data, 40);
        Path labels = data.resolve("t-labels-idx1-ubyte");
        byte[] before = Files.readAllBytes(labels);
        CliRun r = CliRun.of("train", "mlp", "--task", "idx", "--data", data.toString(), "--epochs", "1", "--threads", "1",
                "--log", labels.toString());
        expectError(r, 2, "--log: " + labels + " is the --data labels file");
        assertThat(r.out()).as("refused before the run").doesNotContain("training");
        assertThat(Files.readAllBytes(labels)).isEqualTo(before);
    }

    /** A tiny IDX pair {@code t-images-idx3-ubyte}, {@code t-labels-idx1-ubyte}: {@code n} images of 4×4. */
    private static void writeIdx(Path dir, int n) throws IOException {
        java.nio.ByteBuffer images = java.nio.ByteBuffer.allocate(16 + 16 * n).putInt(0x803).putInt(n).putInt(4).putInt(4);
        java.nio.ByteBuffer labels = java.nio.ByteBuffer.allocate(8 + n).putInt(0x801).putInt(n);
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < 16; p++) {
                images.put((byte) (i * 31 + p * 7));
            }
            labels.put((byte) (i % 2));
        }
        Files.write(dir.resolve("t-images-idx3-ubyte"), images.array());
        Files.write(dir.resolve("t-labels-idx1-ubyte"), labels.array());
    }

    @Test
    void aResumedRunsCurvesStartAtEpochOneAndADivergedRunKeepsItsCompletedEpochs(@TempDir Path dir) throws IOException {
        Path ckpt = dir.resolve("r.safetensors");
        Path svg = dir.resolve("c.svg");
        assertThat(train("mlp", "--epochs", "2", "--save", ckpt.toString(), "--plot", svg.toString()).status()).isZero();
        assertThat(Files.readString(svg)).contains("epoch 1–2");
        CliRun rest = CliRun.of("train", "mlp", "--resume", ckpt.toString(), "--epochs", "3", "--plot", svg.toString());
        assertThat(rest.status()).as(rest.err()).isZero();
        assertThat(Files.readString(svg)).contains("epoch 1–3");

        Path diverged = dir.resolve("d.svg");
        CliRun d = CliRun.of("train", "mlp", "--train-size", "128", "--test-size", "32", "--batch", "16", "--epochs", "6",
                "--lr", "1", "--optimizer", "sgd", "--threads", "1", "--plot", diverged.toString());
        assertThat(d.status()).as(d.out()).isEqualTo(1);
        assertThat(d.err()).contains("epoch 2");
        assertThat(Files.readString(diverged)).as("the curves of epoch 1").contains("epoch 1–1").contains("<circle");
    }

    @Test
    void aRunResumedFromAnEarlierCheckpointReplacesTheLogsLaterEpochs(@TempDir Path dir) throws IOException {
        Path ckpt = dir.resolve("r.safetensors");
        Path early = dir.resolve("early.safetensors");
        Path log = dir.resolve("m.jsonl");
        assertThat(train("mlp", "--epochs", "2", "--save", ckpt.toString(), "--log", log.toString()).status()).isZero();
        Files.copy(ckpt, early);
        Files.writeString(log, "a note of the user's\n", java.nio.file.StandardOpenOption.APPEND);
        CliRun on = CliRun.of("train", "mlp", "--resume", ckpt.toString(), "--epochs", "3", "--log", log.toString());
        assertThat(on.status()).as(on.err()).isZero();
        assertThat(on.err()).isEmpty();
        String third = Files.readAllLines(log).getLast();
        assertThat(third).startsWith("{\"epoch\":3,");

        CliRun again = CliRun.of("train", "mlp", "--resume", early.toString(), "--epochs", "4", "--log", log.toString(), "--json");
        assertThat(again.status()).as(again.err()).isZero();
        assertThat(again.errLines()).containsExactly("ganglion train: --log " + log + ": removed 1 line(s) of epochs after 2, where "
                + early + " resumes");
        List<String> lines = Files.readAllLines(log);
        assertThat(lines).hasSize(5).doesNotContain(third);
        assertThat(lines.get(2)).isEqualTo("a note of the user's");
        assertThat(lines.subList(3, 5)).isEqualTo(again.outLines());
        assertThat(lines.stream().map(ResumedLog::epochOf).toList()).containsExactly(1L, 2L, 0L, 3L, 4L);
        assertThat(ResumedLog.epochOf("{\"event\":\"rewire\",\"at_epoch\":7,\"step\":700,\"layers\":[]}")).isEqualTo(7);
        assertThat(ResumedLog.epochOf("{\"epoch\":")).isZero();
    }

    @Test
    void aLogThatCannotBeWrittenIsNamedAfterTheEpochIsPrinted() {
        Path full = Path.of("/dev/full");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isWritable(full), "no /dev/full here");
        CliRun r = train("mlp", "--epochs", "2", "--log", full.toString());
        expectError(r, 1, "--log /dev/full: cannot write epoch lines: No space left on device");
        assertThat(r.outLines().getLast()).startsWith("epoch   1  loss");
    }

    @Test
    void aMissingResumeCheckpointIsNamedWithItsReason(@TempDir Path dir) {
        Path none = dir.resolve("none.safetensors");
        expectError(train("mlp", "--resume", none.toString()), 1, none + ": no such file or folder");
    }

    private static void expectError(CliRun r, int status, String fragment) {
        assertThat(r.status()).as(r.out() + r.err()).isEqualTo(status);
        assertThat(r.errLines()).as(r.err()).hasSize(1);
        assertThat(r.errLines().getFirst()).contains(fragment);
    }
}
