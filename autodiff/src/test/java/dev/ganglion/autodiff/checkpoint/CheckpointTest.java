package dev.ganglion.autodiff.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ganglion.autodiff.Var;
import dev.ganglion.autodiff.nn.Activation;
import dev.ganglion.autodiff.nn.BlockDiagonalLinear;
import dev.ganglion.autodiff.nn.Dropout;
import dev.ganglion.autodiff.nn.Layer;
import dev.ganglion.autodiff.nn.Linear;
import dev.ganglion.autodiff.nn.Losses;
import dev.ganglion.autodiff.nn.MaskedLinear;
import dev.ganglion.autodiff.optim.GradClip;
import dev.ganglion.autodiff.optim.LrSchedule;
import dev.ganglion.autodiff.optim.LrScheduler;
import dev.ganglion.autodiff.optim.Optimizer;
import dev.ganglion.autodiff.optim.Optimizers;
import dev.ganglion.autodiff.optim.Sgd;
import dev.ganglion.engine.Rng;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.io.IntType;
import dev.ganglion.engine.io.SafetensorsFile;
import dev.ganglion.engine.io.SafetensorsReader;
import dev.ganglion.engine.io.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Checkpoint layout, strict loading, and bit-exact resume for every optimizer. */
class CheckpointTest {
    @TempDir
    Path dir;

    /** Dense, masked sparse, block-diagonal and dropout layers: every kind of state. */
    static final class Net extends Layer {
        final Linear in;
        final Dropout drop;
        final MaskedLinear masked;
        final BlockDiagonalLinear blocks;
        final Linear head;

        Net(long seed) {
            Rng rng = new Rng(seed);
            in = registerModule("in", new Linear(6, 8, rng));
            drop = registerModule("drop", new Dropout(0.25, new Rng(seed + 100)));
            masked = registerModule("masked", MaskedLinear.create(new Rng(77).bernoulli(Shape.of(8, 8), 0.5), true, rng));
            blocks = registerModule("blocks", new BlockDiagonalLinear(8, 8, 2, true, rng));
            head = registerModule("head", new Linear(8, 3, rng));
        }

        @Override
        public Var forward(Var x) {
            Var h = drop.forward(in.forward(x).relu());
            h = masked.forward(h).tanh();
            return head.forward(Activation.silu().forward(blocks.forward(h)));
        }
    }

    /** One training step on batch {@code s} (data drawn from a generator seeded by s). */
    static void step(Net net, Optimizer opt, LrScheduler sched, int s) {
        Rng data = new Rng(1000 + s);
        Var x = Var.constant(data.normal(Shape.of(5, 6), 0, 1));
        int[] t = new int[5];
        for (int i = 0; i < t.length; i++) {
            t[i] = data.nextInt(3);
        }
        opt.zeroGrad();
        Losses.crossEntropyWithLogits(net.forward(x), t).backward();
        GradClip.clipGradNorm(net.parameters(), 0.5);
        opt.step();
        sched.afterStep();
    }

    static LrScheduler scheduler(Optimizer opt) {
        return new LrScheduler(opt, LrSchedule.cosine(10, 1e-4).withWarmup(2, 0.1), LrScheduler.Interval.STEP);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sgd", "adam", "adamw", "adamax", "rmsprop"})
    void resumeIsBitIdenticalToAnUninterruptedRun(String kind) throws IOException {
        Net straight = new Net(1);
        Optimizer so = Optimizers.create(kind, straight.parameters(), 0.05, 0.01);
        LrScheduler ss = scheduler(so);
        for (int s = 0; s < 7; s++) {
            step(straight, so, ss, s);
        }

        Net first = new Net(1);
        Optimizer fo = Optimizers.create(kind, first.parameters(), 0.05, 0.01);
        LrScheduler fs = scheduler(fo);
        for (int s = 0; s < 4; s++) {
            step(first, fo, fs, s);
        }
        Path ckpt = dir.resolve("run.safetensors");
        Checkpoint.save(ckpt, first, Map.of("epoch", "0"), fo, fs);

        Net resumed = new Net(2); // different init and dropout seed: everything must come from the file
        Optimizer ro = Optimizers.create(kind, resumed.parameters(), 0.05, 0.01);
        LrScheduler rs = scheduler(ro);
        Map<String, String> meta = Checkpoint.load(ckpt, resumed, ro, rs);
        assertThat(meta).containsEntry("epoch", "0");
        assertThat(ro.lr()).isEqualTo(fo.lr());
        for (int s = 4; s < 7; s++) {
            step(resumed, ro, rs, s);
        }
        straight.stateDict().forEach((n, t) ->
                assertThat(resumed.stateDict().get(n).toFloatArray()).as(kind + " " + n).containsExactly(t.toFloatArray()));
        assertThat(ro.stateDict().steps()).containsExactly(so.stateDict().steps());
    }

    @Test
    void layoutUsesModuleNamesAndDocumentedPrefixes() throws IOException {
        Net net = new Net(1);
        Optimizer opt = Optimizers.create("adam", net.parameters(), 0.01, 0);
        LrScheduler sched = scheduler(opt);
        step(net, opt, sched, 0);
        Path ckpt = dir.resolve("a.safetensors");
        Checkpoint.save(ckpt, net, Map.of("ganglion.model", "test"), opt, sched);
        try (SafetensorsFile f = SafetensorsReader.open(ckpt)) {
            assertThat(f.names()).contains("in.weight", "in.bias", "masked.weight", "masked.mask", "masked.bias",
                    "blocks.weight", "head.weight", "optim.in.weight.exp_avg", "optim.in.weight.exp_avg_sq",
                    "optim.in.weight.step", "optim.masked.weight.exp_avg");
            assertThat(f.dtype("masked.mask")).isEqualTo("U8");
            assertThat(f.shape("masked.weight")).isEqualTo(Shape.of(8, 8)); // dense interchange form
            assertThat(f.shape("optim.masked.weight.exp_avg")).isEqualTo(Shape.of(net.masked.nnz()));
            assertThat(f.dtype("optim.in.weight.step")).isEqualTo("I64");
            assertThat(f.ints("optim.in.weight.step")).containsExactly(1);
            assertThat(f.metadata()).containsEntry("ganglion.model", "test").containsEntry(Checkpoint.OPTIM_KIND, "adam")
                    .containsEntry(Checkpoint.SCHEDULE_PREFIX + "count", "1").containsKey(Checkpoint.EXTRA_PREFIX + "drop.rng");
        }
        assertThat(Checkpoint.metadata(ckpt)).containsEntry(Checkpoint.OPTIM_LR, Double.toString(opt.lr()));
        Net evalOnly = new Net(3);
        Checkpoint.load(ckpt, evalOnly, null); // optimizer state in the file is simply not used
        assertThat(evalOnly.head.weight().value().toFloatArray()).containsExactly(net.head.weight().value().toFloatArray());
    }

    @Test
    void strictLoadReportsEveryProblemWithTheFileAndChangesNothing() throws IOException {
        Net net = new Net(1);
        Path ckpt = dir.resolve("bad.safetensors");
        SafetensorsWriter w = new SafetensorsWriter();
        net.stateDict().forEach((n, t) -> {
            if (!n.equals("head.bias") && !n.equals("masked.mask") && !n.equals("in.weight")) {
                w.put(n, t);
            }
        });
        w.put("in.weight", Tensor.zeros(6, 8)).put("extra.thing", Tensor.zeros(1));
        w.putInts("masked.mask", new int[64], Shape.of(8, 8), IntType.U8);
        w.write(ckpt);
        Net target = new Net(2);
        float[] before = target.in.weight().value().toFloatArray();
        assertThatThrownBy(() -> Checkpoint.load(ckpt, target, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(ckpt.toString())
                .hasMessageContaining("'in.weight': shape [6, 8] in the state, [8, 6] in the Linear")
                .hasMessageContaining("'head.bias': missing")
                .hasMessageContaining("'extra.thing': unexpected")
                .hasMessageContaining("MaskedLinear 'masked': mask has 0 live connections");
        assertThat(target.in.weight().value().toFloatArray()).containsExactly(before);
    }

    @Test
    void floatStateStoredAsIntegersAndAnIntegerBufferStoredAsFloatsAreRefused() throws IOException {
        Net net = new Net(1);
        Path ckpt = dir.resolve("kinds.safetensors");
        SafetensorsWriter w = new SafetensorsWriter();
        net.stateDict().forEach((n, t) -> {
            if (!n.equals("in.bias") && !n.equals("masked.mask")) {
                w.put(n, t);
            }
        });
        w.putInts("in.bias", new int[8], Shape.of(8), IntType.I32);
        w.put("masked.mask", net.stateDict().get("masked.mask"));   // float32 0/1: the wrong kind
        w.write(ckpt);
        Net target = new Net(2);
        float[] before = target.in.bias().value().toFloatArray();
        assertThatThrownBy(() -> Checkpoint.load(ckpt, target, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(ckpt.toString())
                .hasMessageContaining("'in.bias' is stored as I32; it is float state, which needs F32, F64, F16 or BF16")
                .hasMessageContaining("'masked.mask' is stored as F32; it is an integer buffer (U8 when saved), which needs an integer dtype (U8, I32, I64, I16, I8 or BOOL)")
                .hasMessageNotContaining("\n");
        assertThat(target.in.bias().value().toFloatArray()).containsExactly(before);
    }

    @Test
    void optimizerMismatchesAreErrorsAndLeaveEverythingAsItWas() throws IOException {
        Net net = new Net(1);
        Optimizer adam = Optimizers.create("adam", net.parameters(), 0.01, 0);
        step(net, adam, scheduler(adam), 0);
        Path withAdam = dir.resolve("adam.safetensors");
        Checkpoint.save(withAdam, net, Map.of(), adam);
        Path bare = dir.resolve("bare.safetensors");
        Checkpoint.save(bare, net, Map.of(), null);

        Net target = new Net(2);
        float[] before = target.head.weight().value().toFloatArray();
        Sgd sgd = new Sgd(target.parameters(), 0.3);
        LrScheduler sgdSchedule = scheduler(sgd); // sets lr = 0.3·0.1
        assertThatThrownBy(() -> Checkpoint.load(withAdam, target, sgd)).hasMessageContaining("cannot load the state of adam");
        assertThatThrownBy(() -> Checkpoint.load(bare, target, sgd)).hasMessageContaining("holds no optimizer state");
        assertThatThrownBy(() -> Checkpoint.load(bare, target, null, sgdSchedule))
                .hasMessageContaining("no learning-rate scheduler state");
        assertThat(target.head.weight().value().toFloatArray()).containsExactly(before);
        assertThat(sgd.lr()).isCloseTo(0.03, org.assertj.core.api.Assertions.within(1e-15));
        assertThat(sgdSchedule.count()).isZero();

        // a step count that is not one integer (an empty one had thrown ArrayIndexOutOfBounds)
        SafetensorsWriter w = new SafetensorsWriter();
        try (SafetensorsFile f = SafetensorsReader.open(withAdam)) {
            for (String n : f.names()) {
                if (n.equals("optim.head.bias.step")) {
                    w.putInts(n, new int[0], Shape.of(0), IntType.I64);
                } else if (f.holdsFloats(n)) {
                    w.put(n, f.tensor(n));
                } else {
                    w.putInts(n, f.ints(n), f.shape(n), IntType.valueOf(f.dtype(n)));
                }
            }
            f.metadata().forEach(w::metadata);
        }
        Path emptyStep = dir.resolve("empty-step.safetensors");
        w.write(emptyStep);
        Optimizer adam2 = Optimizers.create("adam", target.parameters(), 0.01, 0);
        assertThatThrownBy(() -> Checkpoint.load(emptyStep, target, adam2))
                .hasMessageContaining("'optim.head.bias.step' is I64 [0]; a step count is one integer (I64 scalar)");
        assertThat(target.head.weight().value().toFloatArray()).containsExactly(before);

        Optimizer foreign = new Sgd(List.of(Var.parameter(Tensor.zeros(2))), 0.1);
        assertThatThrownBy(() -> Checkpoint.save(dir.resolve("x.safetensors"), net, Map.of(), foreign))
                .hasMessageContaining("is not a parameter of the Net");
        assertThatThrownBy(() -> Checkpoint.save(dir.resolve("x.safetensors"), net, Map.of("ganglion.optim.kind", "x"), null))
                .hasMessageContaining("reserved prefix");
    }

    @Test
    void savingReplacesTheFileAtomically() throws IOException {
        Net net = new Net(1);
        Path ckpt = dir.resolve("c.safetensors");
        Checkpoint.save(ckpt, net, Map.of("n", "1"), null);
        Checkpoint.save(ckpt, net, Map.of("n", "2"), null);
        assertThat(Checkpoint.metadata(ckpt)).containsEntry("n", "2");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("c.safetensors");
        }
    }
}
