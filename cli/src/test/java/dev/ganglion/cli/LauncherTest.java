package dev.ganglion.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./ganglion} script: its JDK check, and how it runs the JVM (the incubator warning
 * dropped, the exit status passed on, signals passed on). Running the real tool through it would
 * start a Maven build from inside this one, so the launcher runs here in a copy of the layout it
 * expects, with a fresh cli jar and a fake JDK whose {@code java} is a script that records the
 * signals it gets.
 */
class LauncherTest {
    /** A fake {@code java}: the JVM's warning line, then per the last argument exit 3 or run until TERM. */
    private static final String FAKE_JAVA = """
            #!/usr/bin/env bash
            echo "WARNING: Using incubator modules: jdk.incubator.vector" >&2
            if [[ "${@: -1}" == fail ]]; then echo "ganglion: boom" >&2; exit 3; fi
            trap 'echo TERM >> "$FAKE_JAVA_MARK"; exit 143' TERM
            echo started >> "$FAKE_JAVA_MARK"
            for ((i = 0; i < 1500; i++)); do sleep 0.02; done   # at most ~30 s, should a test fail
            """;

    private static Path launcher() {
        Path root = RepositoryRoot.find();
        assumeTrue(root != null && Files.isExecutable(Path.of("/bin/bash")), "launcher or bash not found");
        return root.resolve("ganglion");
    }

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
        int[] status = new int[1];
        String out = run(launcher(), "/nonexistent/jdk", status);
        assertThat(status[0]).isEqualTo(1);
        assertThat(out.strip()).isEqualTo("ganglion: GANGLION_JAVA_HOME=/nonexistent/jdk is not a JDK 25 or newer");
    }

    /** The launcher in a copy of the repository layout with an up-to-date cli jar, and a fake JDK 25. */
    private static ProcessBuilder fakeLaunch(Path dir, String lastArg) throws IOException {
        Path root = Files.createDirectories(dir.resolve("repo"));
        Files.copy(launcher(), root.resolve("ganglion"));
        Files.writeString(root.resolve("pom.xml"), "<project/>\n");
        Path jar = Files.createDirectories(root.resolve("cli/target/lib")).resolveSibling("ganglion-cli-0.jar");
        Files.writeString(jar, "");
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(3600)));
        Path jdk = Files.createDirectories(dir.resolve("jdk/bin")).getParent();
        Files.writeString(jdk.resolve("release"), "JAVA_VERSION=\"25.0.1\"\n");
        Path java = Files.writeString(jdk.resolve("bin/java"), FAKE_JAVA);
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        ProcessBuilder pb = new ProcessBuilder("bash", root.resolve("ganglion").toString(), "train", lastArg);
        pb.environment().put("GANGLION_JAVA_HOME", jdk.toString());
        pb.environment().put("FAKE_JAVA_MARK", dir.resolve("mark").toString());
        return pb;
    }

    @Test
    void passesTheExitStatusOnAndDropsOnlyTheIncubatorWarning(@TempDir Path dir) throws Exception {
        Process p = fakeLaunch(dir, "fail").start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).isEqualTo(3);
        assertThat(err).isEqualTo("ganglion: boom\n");
    }

    @Test
    void aTerminatedLauncherTerminatesItsJvm(@TempDir Path dir) throws Exception {
        Process p = startAndWaitForJvm(dir);
        p.destroy();   // SIGTERM to the launcher alone, as kill or timeout sends it
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(143);
        assertThat(Files.readAllLines(dir.resolve("mark"))).containsExactly("started", "TERM");
    }

    @Test
    void anInterruptedLauncherTerminatesItsJvmAndEndsByTheInterrupt(@TempDir Path dir) throws Exception {
        Process p = startAndWaitForJvm(dir);
        // the launcher alone gets SIGINT (Ctrl-C reaches the JVM too, which as a background child ignores it)
        assertThat(new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor()).isZero();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("killed by SIGINT").isEqualTo(130);
        assertThat(Files.readAllLines(dir.resolve("mark"))).containsExactly("started", "TERM");
    }

    private static Process startAndWaitForJvm(Path dir) throws Exception {
        Process p = fakeLaunch(dir, "run").start();
        Path mark = dir.resolve("mark");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!(Files.exists(mark) && Files.readAllLines(mark).equals(List.of("started")))) {
            assertThat(System.nanoTime()).as("the fake JVM started").isLessThan(deadline);
            Thread.sleep(20);
        }
        return p;
    }
}
