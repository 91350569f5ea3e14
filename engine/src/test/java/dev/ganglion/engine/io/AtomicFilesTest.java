package dev.ganglion.engine.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ganglion.engine.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    private long filesIn(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.count();
        }
    }

    @Test
    void writesAndReplacesAndLeavesNoTemporaryFile() throws IOException {
        Path target = dir.resolve("metrics.csv");
        AtomicFiles.writeString(target, "a,b\n");
        assertThat(Files.readString(target)).isEqualTo("a,b\n");
        AtomicFiles.write(target, out -> {
            out.write("x".getBytes(StandardCharsets.UTF_8));
            out.close(); // harmless
        });
        assertThat(Files.readString(target)).isEqualTo("x");
        assertThat(filesIn(dir)).isEqualTo(1);
    }

    @Test
    void itsTemporaryFilesAreRecognisedByName() throws IOException {
        Path target = dir.resolve("a.gz");
        String[] seen = new String[1];
        AtomicFiles.write(target, out -> seen[0] = AtomicFiles.inFlight().iterator().next().getFileName().toString());
        assertThat(AtomicFiles.isTemporaryFor(seen[0], "a.gz")).as(seen[0]).isTrue();
        for (String other : new String[] {"a.gz", ".a.gz.tmp", ".a.gz.XYZ.tmp", ".b.gz.1f.tmp", ".a.gz1234.part", ".a.gz.0123456789abcdef0.tmp"}) {
            assertThat(AtomicFiles.isTemporaryFor(other, "a.gz")).as(other).isFalse();
        }
    }

    @Test
    void anInterruptedWriteNamesTheFileAndLeavesItAsItWas() throws IOException {
        Path target = dir.resolve("ckpt.bin");
        AtomicFiles.writeString(target, "old");
        // the channel is interruptible: a set flag closes it at the next write (a null-message exception before)
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> AtomicFiles.write(target, out -> out.write(new byte[1 << 20])))
                    .isInstanceOf(java.io.InterruptedIOException.class)
                    .hasMessage(target.toAbsolutePath() + ": writing it was interrupted (the thread was interrupted); "
                            + "the file is as it was before");
        } finally {
            Thread.interrupted();
        }
        assertThat(Files.readString(target)).isEqualTo("old");
        assertThat(filesIn(dir)).isEqualTo(1);
    }

    @Test
    void aMissingFolderIsNamedWithTheTargetNotTheTemporaryFile() {
        Path target = dir.resolve("absent").resolve("ckpt.safetensors");
        assertThatThrownBy(() -> AtomicFiles.writeString(target, "x")).isInstanceOf(NoSuchFileException.class)
                .hasMessage(target + ": folder " + dir.resolve("absent") + " does not exist");
    }

    @Test
    void aFolderThatExistsButTakesNoFilesIsNotCalledMissing() {
        // /proc exists, yet creating a file there fails as if it did not: the message had said "does not exist"
        Path proc = Path.of("/proc");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(proc.resolve("self")), "needs Linux's /proc");
        Path target = proc.resolve("o.safetensors");
        assertThatThrownBy(() -> AtomicFiles.writeString(target, "x")).isInstanceOf(IOException.class)
                .hasMessageStartingWith(target.toString()).hasMessageNotContaining("does not exist");
    }

    @Test
    void failingBodyLeavesNoTargetAndNoTemporaryFile() throws IOException {
        Path target = dir.resolve("new.bin");
        assertThatThrownBy(() -> AtomicFiles.write(target, out -> {
            out.write(new byte[100_000]);
            throw new IOException("disk on fire");
        })).isInstanceOf(IOException.class).hasMessage("disk on fire");
        assertThat(filesIn(dir)).isZero();

        assertThatThrownBy(() -> AtomicFiles.write(target, out -> {
            throw new IllegalStateException("bug");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(filesIn(dir)).isZero();
    }

    @Test
    void anExitMidWriteDeletesTheTemporaryFileAndKeepsTheTarget() throws IOException {
        Path target = dir.resolve("ckpt.safetensors");
        Files.writeString(target, "old");
        // the shutdown hook's work, run while the body writes, as when SIGTERM arrives mid-save
        assertThatThrownBy(() -> AtomicFiles.write(target, out -> {
            out.write(new byte[1 << 20]);
            assertThat(AtomicFiles.inFlight()).hasSize(1);
            AtomicFiles.deleteInFlight();
            out.write(new byte[1 << 20]);
        })).isInstanceOf(IOException.class);
        assertThat(Files.readString(target)).isEqualTo("old");
        assertThat(filesIn(dir)).isEqualTo(1);
        assertThat(AtomicFiles.inFlight()).isEmpty();
    }

    @Test
    void aWriteStartedWhileTheJvmExitsLeavesNoTemporaryFile() throws IOException {
        // a file created just after the shutdown hook's sweep was never deleted: a SIGTERM left a
        // half-written .NAME.*.tmp beside the checkpoint (1 kill in 21)
        Path target = dir.resolve("ckpt.safetensors");
        Files.writeString(target, "old");
        AtomicFiles.setExiting(true);
        try {
            assertThatThrownBy(() -> AtomicFiles.writeString(target, "new")).isInstanceOf(IOException.class)
                    .hasMessage(target.toAbsolutePath() + ": not written, the JVM is exiting; the file is as it was before");
        } finally {
            AtomicFiles.setExiting(false);
        }
        assertThat(Files.readString(target)).isEqualTo("old");
        assertThat(filesIn(dir)).isEqualTo(1);
        assertThat(AtomicFiles.inFlight()).isEmpty();
    }

    @Test
    void existingTargetIsReplacedOnlyOnSuccess() throws IOException {
        Path target = dir.resolve("ckpt.safetensors");
        new SafetensorsWriter().put("w", Tensor.of(new float[] {1, 2}, 2)).write(target);
        byte[] before = Files.readAllBytes(target);
        assertThatThrownBy(() -> AtomicFiles.write(target, out -> {
            out.write("partial".getBytes(StandardCharsets.UTF_8));
            throw new IOException("interrupted");
        })).hasMessage("interrupted");
        assertThat(Files.readAllBytes(target)).isEqualTo(before);
        assertThat(filesIn(dir)).isEqualTo(1);
    }

    @Test
    void failingSafetensorsWriteKeepsTheOldCheckpoint() throws IOException {
        Path target = dir.resolve("ckpt.safetensors");
        new SafetensorsWriter().put("w", Tensor.of(new float[] {1, 2}, 2)).write(target);
        byte[] before = Files.readAllBytes(target);
        // an unwritable destination: a directory in the way of the rename
        Path blocked = dir.resolve("sub");
        Files.createDirectories(blocked.resolve("inner"));
        assertThatThrownBy(() -> new SafetensorsWriter().put("w", Tensor.zeros(3)).write(blocked))
                .isInstanceOf(IOException.class);
        assertThat(Files.isDirectory(blocked.resolve("inner"))).isTrue();
        assertThat(Files.readAllBytes(target)).isEqualTo(before);
        assertThat(filesIn(dir)).isEqualTo(2);
    }
}
