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
            if [[ "${@: -1}" == args ]]; then printf '%s\n' "$@" >> "$FAKE_JAVA_MARK"; exit 0; fi
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

    /**
     * A fake {@code mvn} on the PATH: records its call and the JDK it was given, optionally runs until
     * TERM ({@code FAKE_MVN_SLEEP}) or saves a source during the build ({@code FAKE_MVN_EDIT}), and
     * makes the cli jar and {@code lib/x.jar}.
     */
    private static final String FAKE_MVN = """
            #!/usr/bin/env bash
            echo "mvn $JAVA_HOME" >> "$FAKE_JAVA_MARK"
            if [[ -n "${FAKE_MVN_SLEEP:-}" ]]; then
              trap 'echo "mvn TERM" >> "$FAKE_JAVA_MARK"; exit 143' TERM
              echo "mvn started" >> "$FAKE_JAVA_MARK"
              for ((i = 0; i < 1500; i++)); do sleep 0.02; done
            fi
            mkdir -p cli/target/lib
            touch cli/target/ganglion-cli-0.jar cli/target/lib/x.jar
            if [[ -n "${FAKE_MVN_EDIT:-}" ]]; then sleep 0.05; touch "$FAKE_MVN_EDIT"; fi
            """;

    /**
     * The launcher in a copy of the repository layout with an up-to-date build (the cli jar, an empty
     * lib/ and a build stamp dated an hour ahead), a fake JDK 25 and a fake Maven.
     */
    private static ProcessBuilder fakeLaunch(Path dir, String lastArg) throws IOException {
        Path root = Files.createDirectories(dir.resolve("repo"));
        Files.copy(launcher(), root.resolve("ganglion"));
        Files.writeString(root.resolve("pom.xml"), "<project/>\n");
        Path target = Files.createDirectories(root.resolve("cli/target/lib")).getParent();
        Files.writeString(target.resolve("ganglion-cli-0.jar"), "");
        Path stamp = Files.writeString(target.resolve("ganglion-build.stamp"), "");
        Files.setLastModifiedTime(stamp, FileTime.from(Instant.now().plusSeconds(3600)));
        Path jdk = Files.createDirectories(dir.resolve("jdk/bin")).getParent();
        Files.writeString(jdk.resolve("release"), "JAVA_VERSION=\"25.0.1\"\n");
        executable(jdk.resolve("bin/java"), FAKE_JAVA);
        Path mvnBin = Files.createDirectories(dir.resolve("mvn/bin"));
        executable(mvnBin.resolve("mvn"), FAKE_MVN);
        ProcessBuilder pb = new ProcessBuilder("bash", root.resolve("ganglion").toString(), "train", lastArg);
        pb.environment().put("GANGLION_JAVA_HOME", jdk.toString());
        pb.environment().put("FAKE_JAVA_MARK", dir.resolve("mark").toString());
        pb.environment().put("PATH", mvnBin + ":" + System.getenv("PATH"));
        return pb;
    }

    private static void executable(Path file, String text) throws IOException {
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static List<String> mark(Path dir) throws IOException {
        Path mark = dir.resolve("mark");
        return Files.exists(mark) ? Files.readAllLines(mark) : List.of();
    }

    @Test
    void aBuildStartsLibAfreshOnTheLaunchersJdkAndAJarItMadeThatIsGoneIsBuiltAgain(@TempDir Path dir) throws Exception {
        ProcessBuilder pb = fakeLaunch(dir, "fail");
        Path target = dir.resolve("repo/cli/target");
        Files.writeString(target.resolve("ganglion-build.stamp"), "x.jar\n");   // made by the last build, now gone
        Files.writeString(target.resolve("lib/ganglion-engine-0.0.9.jar"), "");   // a jar of an earlier version
        assertThat(pb.start().waitFor()).isEqualTo(3);
        assertThat(mark(dir)).containsExactly("mvn " + dir.resolve("jdk"));
        try (var lib = Files.list(target.resolve("lib"))) {
            assertThat(lib.map(f -> f.getFileName().toString()).toList()).containsExactly("x.jar");
        }
        assertThat(Files.readAllLines(target.resolve("ganglion-build.stamp"))).containsExactly("x.jar");
        assertThat(pb.start().waitFor()).isEqualTo(3);
        assertThat(mark(dir)).as("built once").hasSize(1);
    }

    @Test
    void aSourceSavedDuringABuildIsBuiltByTheNextLaunch(@TempDir Path dir) throws Exception {
        ProcessBuilder pb = fakeLaunch(dir, "fail");
        Path source = Files.createDirectories(dir.resolve("repo/engine/src/main")).resolve("A.java");
        Files.writeString(source, "");
        Files.delete(dir.resolve("repo/cli/target/ganglion-build.stamp"));
        pb.environment().put("FAKE_MVN_EDIT", source.toString());
        assertThat(pb.start().waitFor()).isEqualTo(3);
        pb.environment().remove("FAKE_MVN_EDIT");
        assertThat(pb.start().waitFor()).isEqualTo(3);
        assertThat(mark(dir)).as("the edit made during the first build").hasSize(2).allMatch(l -> l.startsWith("mvn "));
        assertThat(pb.start().waitFor()).isEqualTo(3);
        assertThat(mark(dir)).hasSize(2);
    }

    @Test
    void aTerminatedBuildStopsMavenAndLeavesNoBuild(@TempDir Path dir) throws Exception {
        ProcessBuilder pb = fakeLaunch(dir, "fail");
        Files.delete(dir.resolve("repo/cli/target/ganglion-build.stamp"));
        pb.environment().put("FAKE_MVN_SLEEP", "1");
        Process p = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!mark(dir).contains("mvn started")) {
            assertThat(System.nanoTime()).as("the fake Maven started").isLessThan(deadline);
            Thread.sleep(20);
        }
        // by kill, not Process.destroy, which also closes the pipe the launcher's last line goes to
        assertThat(new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor()).isZero();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(143);
        assertThat(new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)).endsWith("ganglion: build stopped by SIGTERM\n");
        assertThat(mark(dir)).endsWith("mvn TERM");
        assertThat(dir.resolve("repo/cli/target/ganglion-build.stamp")).doesNotExist();
    }

    @Test
    void runsThroughASymlinkWithCdpathAndSplitsJavaOptionsLikeAShell(@TempDir Path dir) throws Exception {
        ProcessBuilder pb = fakeLaunch(dir, "args");
        Path link = Files.createDirectories(dir.resolve("bin")).resolve("ganglion");
        Files.createSymbolicLink(link, dir.resolve("repo/ganglion"));
        pb.command("bash", "bin/ganglion", "args").directory(dir.toFile());
        pb.environment().put("CDPATH", dir.toString());
        pb.environment().put("GANGLION_JAVA_OPTS", "-Dx=\"a b\" '-Dy=c d'  -Xmx1g *");
        assertThat(pb.start().waitFor()).isZero();
        assertThat(mark(dir)).contains("-Dx=a b", "-Dy=c d", "-Xmx1g", "*", "-Dganglion.home=" + dir.resolve("repo"));
        pb.environment().put("GANGLION_JAVA_OPTS", "-Dx=\"a b");
        Process p = pb.start();
        assertThat(p.waitFor()).isEqualTo(1);
        assertThat(new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8))
                .isEqualTo("ganglion: GANGLION_JAVA_OPTS: unbalanced quotes in: -Dx=\"a b\n");
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
