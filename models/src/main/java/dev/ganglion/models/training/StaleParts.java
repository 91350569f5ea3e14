package dev.ganglion.models.training;

import dev.ganglion.engine.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.regex.Pattern;

/**
 * Removes the temporary files that interrupted downloads left in a cache folder. A JVM that exits
 * normally, or on Ctrl-C or SIGTERM, removes its own ({@link AtomicFiles}'s
 * shutdown hook); after SIGKILL or a power cut they stay, and each run would add another 26 MB.
 *
 * <p>Only files unchanged for {@link #AGE} are removed, so a download running now in another process
 * keeps its file: {@link IdxDownload} writes every chunk through as it arrives and gives up after
 * {@link IdxDownload#IDLE_LIMIT} without data, so a live temporary file is never that old.
 */
final class StaleParts {
    /** How long a temporary file must be unchanged to count as left behind. */
    static final Duration AGE = Duration.ofMinutes(10);

    private StaleParts() {}

    /**
     * Whether {@code fileName} is a temporary file for {@code target}: {@link AtomicFiles}'s, or
     * {@code .TARGETDIGITS.part} as earlier versions named it.
     */
    static boolean isPart(String fileName, String target) {
        return AtomicFiles.isTemporaryFor(fileName, target) || Pattern.matches("\\." + Pattern.quote(target) + "[0-9]+\\.part", fileName);
    }

    /** Deletes, best effort, the temporary files of {@code targets} in {@code dir} unchanged for {@link #AGE}. */
    static void delete(Path dir, Collection<String> targets) {
        Instant before = Instant.now().minus(AGE);
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, ".*")) {
            for (Path p : s) {
                String n = p.getFileName().toString();
                if (targets.stream().anyMatch(t -> isPart(n, t)) && Files.isRegularFile(p)
                        && Files.getLastModifiedTime(p).toInstant().isBefore(before)) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException | RuntimeException e) {
            // NOTE: cleaning up is not the download's job to fail over: a file that cannot be removed
            // (gone meanwhile, read-only folder) only takes space.
        }
    }
}
