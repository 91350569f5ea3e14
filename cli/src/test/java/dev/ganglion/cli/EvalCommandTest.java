package dev.ganglion.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.io.SafetensorsFile;
import dev.ganglion.engine.io.SafetensorsReader;
import dev.ganglion.engine.io.SafetensorsWriter;
import dev.ganglion.models.ModelCheckpoint;
import dev.ganglion.models.ModelRegistry;
import dev.ganglion.models.NeuralModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ganglion eval} on inputs a run does not usually see. */
class EvalCommandTest {
    @TempDir
    Path dir;

    /** A 4 → 5 → 2 mlp (37 parameters), saved; {@code nanBias} puts a NaN into head.bias first. */
    private Path checkpoint(boolean nanBias) throws IOException {
        ModelRegistry reg = ModelRegistry.standard();
        NeuralModel m = reg.create(reg.config("mlp", Map.of("input_size", 4, "hidden_size", 5, "num_layers", 1,
                "output_size", 2)), 3);
        if (nanBias) {
            m.module().namedParameters().get("head.bias").value().copyFrom(Tensor.of(new float[] {Float.NaN, 0}, 2));
        }
        Path p = dir.resolve(nanBias ? "nan.safetensors" : "mlp.safetensors");
        ModelCheckpoint.save(p, m);
        return p;
    }

    private CliRun eval(Path ckpt, Path in, Path out) {
        return CliRun.of("eval", "--checkpoint", ckpt.toString(), "--input", in.toString(), "--output", out.toString(), "--grad");
    }

    @Test
    void nonFiniteInputsAreWrittenThroughWithOneNoteOnStderr() throws IOException {
        float[] x = new float[12];
        x[0] = Float.NaN;                 // rows 0 and 2 of y are not finite
        x[1] = Float.POSITIVE_INFINITY;
        x[11] = Float.NaN;
        float[] go = {1, 1, Float.NaN, 1, 1, 1};
        Path in = dir.resolve("in.safetensors");
        new SafetensorsWriter().put("x", Tensor.of(x, 3, 4)).put("grad_output", Tensor.of(go, 3, 2)).write(in);
        Path out = dir.resolve("out.safetensors");
        CliRun r = eval(checkpoint(false), in, out);
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.outLines()).containsExactly("wrote " + out + " (y, grad.x and 4 parameter gradients)");
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.errLines().getFirst()).matches("ganglion eval: note: NaN or ±Inf values in the inputs: x 3 of 12, "
                + "grad_output 1 of 6; in the outputs: y 4 of 6, the gradients \\d+ of 49; written as computed "
                + "\\(NaN in, NaN out, as in PyTorch\\)");
        try (SafetensorsFile f = SafetensorsReader.open(out)) {
            float[] y = f.tensor("y").toFloatArray();
            assertThat(y[0]).isNaN();
            assertThat(y[2]).isFinite();
        }
        // a NaN in the checkpoint is named too; finite inputs give no note
        Path finite = dir.resolve("finite.safetensors");
        new SafetensorsWriter().put("x", Tensor.ones(3, 4)).write(finite);
        CliRun nanWeights = eval(checkpoint(true), finite, out);
        assertThat(nanWeights.status()).as(nanWeights.err()).isZero();
        assertThat(nanWeights.errLines()).containsExactly("ganglion eval: note: NaN or ±Inf values in the inputs: the "
                + "parameters 1 of 37 (in head.bias); in the outputs: y 3 of 6; written as computed (NaN in, NaN out, as in PyTorch)");
        CliRun clean = eval(checkpoint(false), finite, out);
        assertThat(clean.status()).as(clean.err()).isZero();
        assertThat(clean.errLines()).isEmpty();
    }
}
