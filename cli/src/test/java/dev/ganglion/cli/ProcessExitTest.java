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
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
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
}
