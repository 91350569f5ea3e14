package dev.ganglion.engine.simd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every SIMD kernel method compiles in C1 with full profiling (tier 3), OSR included.
 *
 * <p>Why: a method C1 cannot compile at tier 3 ("out of virtual registers", the Vector API's
 * force-inlined fallbacks make its IR large) is safe only while it climbs from the interpreter. If
 * C2's queue is long when it first gets hot, the tiered policy compiles it at tier 2 instead; from
 * tier 2 the climb is through tier 3, which fails, so it stays in C1 code, each vector operation a
 * boxed call, for the life of the JVM. {@code SimdSparseDots.rowDots4Summed} did: {@code ganglion
 * bench csr --pass weight-grad --batch 64 --threads 1} took 41 ms a call against 0.5 ms, every run.
 *
 * <p>How: JVMs whose tier-3 thresholds are low (every loop OSR-compiled at tier 3 after 100
 * back-edges) and whose tier-4 ones are out of reach run {@link TierThreeDriver}; their
 * {@code -XX:+PrintCompilation} logs must name no engine method as skipped. With the rowDots4Summed
 * of before the fix, the log named it in three runs of three (its OSR compile at tier 3). One JVM at
 * the machine's own vector width and one at each forced narrower one ({@code ganglion.simd}, with
 * the register count of a CPU of that width), since each width runs other kernel bodies; the three
 * run at once (~70 s on 2 cores).
 */
class TierThreeCompileTest {
    /** "" for the machine's own width, else "bits:registers" forced. */
    private static final List<String> WIDTHS = List.of("", "128:16", "256:16");

    @Test
    void everyKernelMethodCompilesAtTierThree(@TempDir Path dir) throws IOException, InterruptedException {
        List<Process> runs = new ArrayList<>();
        List<Path> logs = new ArrayList<>();
        for (String width : WIDTHS) {
            Path log = dir.resolve("width-" + width.replace(':', '-') + ".log");
            logs.add(log);
            runs.add(new ProcessBuilder(command(width)).redirectErrorStream(true).redirectOutput(log.toFile()).start());
        }
        for (int i = 0; i < WIDTHS.size(); i++) {
            String width = WIDTHS.get(i).isEmpty() ? "the machine's width" : WIDTHS.get(i);
            Process p = runs.get(i);
            boolean finished = p.waitFor(5, TimeUnit.MINUTES);
            if (!finished) {
                p.destroyForcibly();
            }
            String log = Files.readString(logs.get(i), StandardCharsets.UTF_8);
            assertThat(finished).as("the driver at %s finished", width).isTrue();
            assertThat(p.exitValue()).as("driver at %s: exit status; its output:\n%s", width, tail(log)).isZero();
            assertThat(log).as("driver at %s", width).contains("tier-three driver: done");
            List<String> skipped = log.lines()
                    .filter(l -> l.contains("dev.ganglion") && l.contains("COMPILE SKIPPED"))
                    .filter(l -> !l.contains("concurrent class loading"))
                    .toList();
            assertThat(skipped).as("engine methods C1 refused at tier 3, at %s", width).isEmpty();
        }
    }

    private static List<String> command(String width) {
        String far = "100000000";
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-XX:Tier3InvocationThreshold=10", "-XX:Tier3MinInvocationThreshold=10",
                "-XX:Tier3CompileThreshold=100", "-XX:Tier3BackEdgeThreshold=100",
                "-XX:Tier4InvocationThreshold=" + far, "-XX:Tier4MinInvocationThreshold=" + far,
                "-XX:Tier4CompileThreshold=" + far, "-XX:Tier4BackEdgeThreshold=" + far,
                "-XX:+PrintCompilation", "-Dganglion.threads=1"));
        if (!width.isEmpty()) {
            String[] w = width.split(":");
            cmd.add("-Dganglion.simd=" + w[0]);
            cmd.add("-Dganglion.simd.registers=" + w[1]);
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), TierThreeDriver.class.getName()));
        return cmd;
    }

    private static String tail(String log) {
        return log.length() <= 4000 ? log : log.substring(log.length() - 4000);
    }
}
