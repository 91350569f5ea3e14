package dev.ganglion.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** The checkout the tests run in, for the tests that read its files (the launcher, the sources). */
final class RepositoryRoot {
    private RepositoryRoot() {}

    /** The nearest folder at or above the working directory with the launcher and the cli module, or null. */
    static Path find() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("ganglion")) && Files.isDirectory(d.resolve("cli"))) {
                return d;
            }
        }
        return null;
    }
}
