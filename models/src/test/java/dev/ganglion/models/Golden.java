package dev.ganglion.models;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ganglion.autodiff.Var;
import dev.ganglion.engine.Rng;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.io.SafetensorsFile;
import dev.ganglion.engine.io.SafetensorsReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs one golden file of {@code src/test/resources/golden}: builds the model named in its metadata
 * (config from {@code ganglion.config}, integer buffers from the file), loads every state entry by
 * name, runs forward on {@code x}, backward with seed {@code grad_output}, and returns the relative
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
            Map<String, String> meta = f.metadata();
            ModelRegistry registry = ModelRegistry.standard();
            ModelConfig config = ModelConfig.parse(registry.factory(meta.get("ganglion.model")).schema(),
                    meta.get("ganglion.config"));
            Map<String, Tensor> ints = new LinkedHashMap<>();
            for (String n : f.names()) {
                if (f.dtype(n).startsWith("I") || f.dtype(n).equals("U8")) {
                    int[] v = f.ints(n);
                    float[] fv = new float[v.length];
                    for (int i = 0; i < v.length; i++) {
                        fv[i] = v[i];
                    }
                    ints.put(n, Tensor.wrap(fv, f.shape(n)));
                }
            }
            NeuralModel model = registry.create(config, ints, new Rng(0));
            assertThat(model.config().toJson()).as("config round trip").isEqualTo(meta.get("ganglion.config"));
            Map<String, Tensor> state = new LinkedHashMap<>();
            for (String n : model.module().stateDict().keySet()) {
                state.put(n, ints.containsKey(n) ? ints.get(n) : f.tensor(n));
            }
            model.module().loadStateDict(state, true);
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
