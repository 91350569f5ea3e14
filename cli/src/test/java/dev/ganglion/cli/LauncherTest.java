package dev.ganglion.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The {@code ./ganglion} script's JDK check, which runs before any build: a wrong JDK is a clear
 * one-line error. (Running the tool through it would start a Maven build from inside this one.)
 */
class LauncherTest {
    private static String run(Path launcher, String javaHome, int[] status) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", launcher.toString(), "info").redirectErrorStream(true);
        pb.environment().put("GANGLION_JAVA_HOME", javaHome);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        status[0] = p.waitFor();
        return out;
    }

    @Test
    void rejectsAJavaHomeThatIsNotAJdk25() throws Exception {
        Path root = RepositoryRoot.find();
        Path launcher = root == null ? null : root.resolve("ganglion");
        assumeTrue(launcher != null && Files.isExecutable(Path.of("/bin/bash")), "launcher or bash not found");
        int[] status = new int[1];
        String out = run(launcher, "/nonexistent/jdk", status);
        assertThat(status[0]).isEqualTo(1);
        assertThat(out.strip()).isEqualTo("ganglion: GANGLION_JAVA_HOME=/nonexistent/jdk is not a JDK 25 or newer");
    }
}
