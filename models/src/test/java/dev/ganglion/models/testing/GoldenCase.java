package dev.ganglion.models.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ganglion.autodiff.Var;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.io.SafetensorsFile;
import dev.ganglion.engine.io.SafetensorsReader;
import dev.ganglion.models.Golden;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A golden file of {@code models/src/test/python} (see its README): the model state, {@code x},
 * {@code grad_output}, {@code y}, {@code grad.x}, {@code grad.NAME}; integer tensors as float tensors.
 */
public final class GoldenCase {
    /** The README's bound on {@code max|a − b| / max|b|} per tensor. */
    public static final double TOLERANCE = 1e-4;
    private final String name;
    private final Map<String, Tensor> tensors = new LinkedHashMap<>();
    private final Map<String, String> metadata;

    private GoldenCase(String name) {
        this.name = name;
        try {
            Path path = Path.of(GoldenCase.class.getResource("/golden/" + name + ".safetensors").toURI());
            try (SafetensorsFile f = SafetensorsReader.open(path)) {
                for (String n : f.names()) {
                    String dt = f.dtype(n);
                    tensors.put(n, dt.startsWith("F") ? f.tensor(n) : ints(f.ints(n), f, n));
                }
                metadata = Map.copyOf(f.metadata());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Tensor ints(int[] v, SafetensorsFile f, String n) {
        float[] a = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            a[i] = v[i];
        }
        return Tensor.wrap(a, f.shape(n));
    }

    /** The golden file {@code golden/NAME.safetensors} from the test resources. */
    public static GoldenCase load(String name) {
        return new GoldenCase(name);
    }

    /** Every tensor by name. */
    public Map<String, Tensor> tensors() {
        return tensors;
    }

    public Tensor tensor(String n) {
        Tensor t = tensors.get(n);
        assertThat(t).as(name + ": tensor " + n).isNotNull();
        return t;
    }

    /** A metadata entry. */
    public String metadata(String key) {
        return metadata.get(key);
    }

    /** {@code ganglion.model}. */
    public String model() {
        return metadata.get("ganglion.model");
    }

    /** The names NAME of every {@code grad.NAME} other than {@code grad.x}. */
    public java.util.List<String> gradientNames() {
        return tensors.keySet().stream().filter(n -> n.startsWith("grad.") && !n.equals("grad.x"))
                .map(n -> n.substring(5)).toList();
    }

    /**
     * Runs {@code forward} on {@code x}, backward with seed {@code grad_output}, and checks {@code y}
     * and {@code grad.x}; the parameter gradients are then in the model for the caller to check.
     */
    public void checkForwardAndInputGradient(UnaryOperator<Var> forward) {
        Var x = Var.parameter(tensor("x").copy());
        Var y = forward.apply(x);
        y.backward(tensor("grad_output"));
        assertClose("y", y.value());
        assertClose("grad.x", x.grad());
    }

    /** Asserts {@code max|actual − expected| / max|expected| < 1e-4} (absolute when expected is all 0); returns it. */
    public double assertClose(String expectedName, Tensor actual) {
        Tensor expected = tensor(expectedName);
        assertThat(actual).as(name + ": " + expectedName + " computed").isNotNull();
        assertThat(actual.shape()).as(name + ": shape of " + expectedName).isEqualTo(expected.shape());
        double rel = Golden.relErr(actual, expected);
        System.out.printf("golden %s %s rel %.2e%n", name, expectedName, rel);
        assertThat(rel).as(name + ": relative error of " + expectedName).isLessThan(TOLERANCE);
        return rel;
    }

    @Override
    public String toString() {
        return name;
    }
}
