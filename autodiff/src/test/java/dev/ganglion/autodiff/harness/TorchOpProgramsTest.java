package dev.ganglion.autodiff.harness;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ganglion.engine.DType;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.io.SafetensorsFile;
import dev.ganglion.engine.io.SafetensorsReader;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * PyTorch's semantics as the yardstick: 240 random op programs recorded from PyTorch 1.13
 * ({@code src/test/python/op_programs.py}) are run on Ganglion and every value and input gradient
 * compared. Where {@link OpHarnessTest} checks each op against loops written here, these check
 * compositions (broadcasting against views, reductions over permuted and expanded axes, joins
 * of the same value, CSR, BSR and block-diagonal products, empty tensors, ±∞, NaN and subnormal
 * inputs) against another engine. Float64 programs must agree to 1e-10, float32 ones to 1e-4,
 * both relative to |expected| + 1; NaN must meet NaN and ±∞ the same ∞. Each program runs twice:
 * on contiguous inputs, and on inputs that are strided views (every other element of a wider
 * tensor), leaf gradients included.
 *
 * <p>For a fuzz run, point {@code -Dganglion.opPrograms=FILE} at a file the script wrote with other
 * {@code --cases}, {@code --seed} or {@code --big}:
 * {@code mvn test -pl autodiff -Dtest=TorchOpProgramsTest -Dganglion.opPrograms=/tmp/fuzz.safetensors}.
 */
class TorchOpProgramsTest {
    private static SafetensorsFile file;

    /** The recorded programs, opened once for the class (the argument source runs first). */
    static synchronized SafetensorsFile file() throws IOException, URISyntaxException {
        if (file == null) {
            String other = System.getProperty("ganglion.opPrograms");
            file = SafetensorsReader.open(other != null ? Path.of(other) : Path.of(TorchOpProgramsTest.class
                    .getClassLoader().getResource("torch/op_programs.safetensors").toURI()));
        }
        return file;
    }

    @AfterAll
    static void close() throws IOException {
        if (file != null) {
            file.close();
        }
    }

    static Stream<String> programs() throws IOException, URISyntaxException {
        return file().metadata().keySet().stream().filter(k -> k.matches("c\\d+"))
                .sorted((a, b) -> Integer.compare(Integer.parseInt(a.substring(1)), Integer.parseInt(b.substring(1))));
    }

    @Test
    void everyProgramIsThere() throws IOException, URISyntaxException {
        assertThat(programs().count()).isEqualTo(Long.parseLong(file().metadata().get("programs"))).isPositive();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("programs")
    void valuesAndGradientsMatchPyTorch(String id) throws IOException, URISyntaxException {
        check(id, input -> input, "");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("programs")
    void stridedInputsGiveTheSameValuesAndGradients(String id) throws IOException, URISyntaxException {
        check(id, Inputs::nonContiguous, " (strided inputs)");
    }

    /** Runs program {@code id} on its recorded inputs, each passed through {@code layout}, against PyTorch. */
    static void check(String id, UnaryOperator<Tensor> layout, String how) throws IOException, URISyntaxException {
        String program = file().metadata().get(id);
        Map<String, Tensor> got = OpProgram.run(program, name -> layout.apply(tensor(id + "." + name)));
        for (var e : got.entrySet()) {
            assertClose(e.getValue(), tensor(id + "." + e.getKey()), id + " " + e.getKey() + how + " of\n" + program);
        }
    }

    static Tensor tensor(String name) {
        try {
            return file().tensor(name);
        } catch (IOException | URISyntaxException e) {
            throw new IllegalStateException(name, e);
        }
    }

    static void assertClose(Tensor got, Tensor want, String what) {
        assertThat(got.dtype()).as(what).isEqualTo(want.dtype());
        OpHarnessTest.assertClose(got, want, want.dtype() == DType.F64 ? 1e-10 : 1e-4, what);
    }
}
