package dev.ganglion.models.training;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

/** Fetches one file in a JVM of its own, for a test to kill: {@code BASE_URI CACHE SIZE MD5}. */
final class IdxDownloadChild {
    private IdxDownloadChild() {}

    public static void main(String[] args) throws Exception {
        new IdxDownload("killed", URI.create(args[0]), Map.of("a.gz", new IdxDownload.Pin(Long.parseLong(args[2]), args[3])))
                .fetch(Path.of(args[1]));
    }
}
