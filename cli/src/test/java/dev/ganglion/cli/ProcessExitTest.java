package dev.ganglion.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ganglion.bench.Measurement;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Main#main} in its own JVM: the exit status reaches the shell, stdout stays pure JSON. */
class ProcessExitTest {
    private record Result(int status, String out, String err) {}

    private static Result java(String... args) throws IOException, InterruptedException {
        return javaWith(List.of(), args);
    }

    private static Result javaWith(List<String> jvmOptions, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        byte[] err = p.getErrorStream().readAllBytes();
        byte[] out = p.getInputStream().readAllBytes();
        return new Result(p.waitFor(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    @Test
    void exitStatusesAndJsonOnlyOnStdout() throws Exception {
        Result ok = java("bench", "gemm", "--m", "3", "--n", "3", "--k", "3", "--repeat", "1",
                "--warmup-ms", "0", "--json", "--threads", "1");
        assertThat(ok.status()).as(ok.err()).isZero();
        List<String> lines = ok.out().lines().toList();
        assertThat(lines).hasSize(1);
        assertThat(Measurement.fromJson(lines.getFirst()).kernel()).isEqualTo("gemm");

        Result bad = java("bench", "nope");
        assertThat(bad.status()).isEqualTo(Main.USAGE);
        assertThat(bad.out()).isEmpty();
        assertThat(bad.err()).contains("ganglion bench: unknown kernel 'nope'").doesNotContain("\tat ");
    }

    @Test
    void runningOutOfHeapIsOneLineThatSaysHowToRaiseIt() throws Exception {
        // one 4096 × 4096 float weight (64 MiB) can never fit a 48 MiB heap: refused up front, naming it
        Result big = javaWith(List.of("-Xmx48m"), "train", "mlp", "--set", "hidden_size=4096", "--epochs", "1",
                "--train-size", "64", "--test-size", "16", "--threads", "1");
        assertThat(big.status()).as(big.out() + big.err()).isEqualTo(Main.USAGE);
        List<String> bigErr = big.err().lines().filter(l -> !l.startsWith("WARNING")).toList();
        assertThat(bigErr).as(big.err()).hasSize(1);
        assertThat(bigErr.getFirst()).contains("F32 [4096, 4096] needs 64.0 MiB, more than the JVM's maximum heap of 48.0 MiB (-Xmx)");
        // 2048-wide layers (16 MiB a weight) fit one by one but not with their gradients and Adam state
        Result r = javaWith(List.of("-Xmx48m"), "train", "mlp", "--set", "hidden_size=2048", "--epochs", "1",
                "--train-size", "64", "--test-size", "16", "--threads", "1");
        assertThat(r.status()).as(r.out() + r.err()).isEqualTo(Main.FAILURE);
        List<String> err = r.err().lines().filter(l -> !l.startsWith("WARNING")).toList();
        assertThat(err).as(r.err()).hasSize(1);
        assertThat(err.getFirst()).startsWith("ganglion train: error: out of memory (").contains("the JVM's limit is ")
                .contains("GANGLION_JAVA_OPTS=-Xmx");
    }

    @Test
    void aBadEnginePropertyIsOneLineNamingIt() throws Exception {
        // read in a static initializer: the JVM wraps the refusal in an ExceptionInInitializerError
        Result r = javaWith(List.of("-Dganglion.simd=999"), "bench", "gemm", "--m", "3", "--n", "3", "--k", "3",
                "--repeat", "1", "--warmup-ms", "0");
        assertThat(r.status()).as(r.out() + r.err()).isEqualTo(Main.USAGE);
        List<String> err = r.err().lines().filter(l -> !l.startsWith("WARNING")).toList();
        assertThat(err).as(r.err()).containsExactly(
                "ganglion bench: -Dganglion.simd=999: expected auto, scalar, 128, 256 or 512");
    }
}
