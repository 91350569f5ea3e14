package dev.ganglion.engine.simd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

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
 * <p>How: a JVM whose tier-3 thresholds are low (every loop OSR-compiled at tier 3 after 100
 * back-edges) and whose tier-4 ones are out of reach runs {@link TierThreeDriver}; its
 * {@code -XX:+PrintCompilation} log must name no engine method as skipped. With the rowDots4Summed
 * of before the fix, the log named it in three runs of three (its OSR compile at tier 3).
 */
class TierThreeCompileTest {
    @Test
    void everyKernelMethodCompilesAtTierThree() throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        String far = "100000000";
        List<String> cmd = List.of(java.toString(), "--add-modules", "jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED",
                "-XX:Tier3InvocationThreshold=10", "-XX:Tier3MinInvocationThreshold=10",
                "-XX:Tier3CompileThreshold=100", "-XX:Tier3BackEdgeThreshold=100",
                "-XX:Tier4InvocationThreshold=" + far, "-XX:Tier4MinInvocationThreshold=" + far,
                "-XX:Tier4CompileThreshold=" + far, "-XX:Tier4BackEdgeThreshold=" + far,
                "-XX:+PrintCompilation", "-Dganglion.threads=1",
                "-cp", System.getProperty("java.class.path"), TierThreeDriver.class.getName());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("the driver finished").isTrue();
        assertThat(p.exitValue()).as("driver exit status; its output:\n%s", tail(log)).isZero();
        assertThat(log).contains("tier-three driver: done");
        List<String> skipped = log.lines()
                .filter(l -> l.contains("dev.ganglion") && l.contains("COMPILE SKIPPED"))
                .filter(l -> !l.contains("concurrent class loading"))
                .toList();
        assertThat(skipped).as("engine methods C1 refused at tier 3").isEmpty();
    }

    private static String tail(String log) {
        return log.length() <= 4000 ? log : log.substring(log.length() - 4000);
    }
}
