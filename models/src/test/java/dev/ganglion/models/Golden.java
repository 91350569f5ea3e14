package dev.ganglion.models;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ganglion.autodiff.Var;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.io.SafetensorsFile;
import dev.ganglion.engine.io.SafetensorsReader;
import dev.ganglion.models.testing.GoldenCase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs one golden file of {@code src/test/resources/golden}: loads it as a model checkpoint
 * ({@link ModelCheckpoint#load(Path)}: model and config from the metadata, every state entry by
 * name), runs forward on {@code x}, backward with seed {@code grad_output}, and returns the relative
 * error {@code max|a − b| / max|b|} of {@code y}, {@code grad.x} and every {@code grad.NAME}.
 */
public final class Golden {
    private Golden() {}

    /** Path of a golden case. */
    public static Path path(String name) {
        try {
            return Path.of(Golden.class.getResource("/golden/" + name + ".safetensors").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Relative errors by tensor name ({@code y}, {@code grad.x}, {@code grad.NAME}). */
    public static Map<String, Double> run(String name) {
        try (SafetensorsFile f = SafetensorsReader.open(path(name))) {
            NeuralModel model = ModelCheckpoint.load(path(name)); // a golden file is also a checkpoint
            assertThat(model.config().toJson()).as("config round trip").isEqualTo(f.metadata().get("ganglion.config"));
            Var x = Var.parameter(f.tensor("x"));
            Var y = model.forward(x);
            y.backward(f.tensor("grad_output"));
            Map<String, Double> err = new TreeMap<>();
            err.put("y", relErr(y.value(), f.tensor("y")));
            err.put("grad.x", relErr(x.grad(), f.tensor("grad.x")));
            for (Map.Entry<String, Var> e : model.module().namedParameters().entrySet()) {
                String g = "grad." + e.getKey();
                if (f.contains(g)) {
                    err.put(g, relErr(e.getValue().grad(), f.tensor(g)));
                } else {
                    assertThat(e.getValue().grad()).as("no gradient expected for " + e.getKey()).isNull();
                    assertThat(e.getValue().requiresGrad()).as(e.getKey() + " frozen").isFalse();
                }
            }
            for (String n : f.names()) {
                if (n.startsWith("grad.")) {
                    assertThat(err).as("the model has every parameter with a golden gradient").containsKey(n);
                }
            }
            return err;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Asserts the golden files' bound, {@code relErr(actual, expected) <} {@link GoldenCase#TOLERANCE}
     * (the 1e-4): what the property tests ask of a run against its reference.
     */
    public static void assertClose(String what, Tensor actual, Tensor expected) {
        assertThat(relErr(actual, expected)).as(what).isLessThan(GoldenCase.TOLERANCE);
    }

    /** {@code max|a − b| / max|b|} (b the expected tensor; 0/0 counts as 0). */
    public static double relErr(Tensor actual, Tensor expected) {
        assertThat(actual).as("a gradient was computed").isNotNull();
        assertThat(actual.shape()).isEqualTo(expected.shape());
        double[] a = actual.toDoubleArray();
        double[] b = expected.toDoubleArray();
        double diff = 0;
        double scale = 0;
        for (int i = 0; i < a.length; i++) {
            diff = Math.max(diff, Math.abs(a[i] - b[i]));
            scale = Math.max(scale, Math.abs(b[i]));
        }
        return scale == 0 ? diff : diff / scale;
    }
}
