package dev.ganglion.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * Checks, before any work starts, that a command can write the files its options name: a training
 * run that can only fail at its end, when it saves, wastes the run.
 */
final class OutputFiles {
    private OutputFiles() {}

    /**
     * Throws a usage error naming {@code option} when {@code file} is a folder, or its folder does
     * not exist or cannot be written; does nothing for a null file (the option was not given).
     */
    static void checkWritable(CommandLine cl, String option, Path file) {
        if (file == null) {
            return;
        }
        if (Files.isDirectory(file)) {
            throw new ParameterException(cl, option + ": " + file + " is a folder; name a file in it");
        }
        Path folder = file.toAbsolutePath().getParent();
        if (!Files.isDirectory(folder)) {
            throw new ParameterException(cl, option + ": folder " + folder
                    + (Files.exists(folder) ? " is not a folder" : " does not exist") + " (for " + file + ")");
        }
        if (!Files.isWritable(folder)) {
            throw new ParameterException(cl, option + ": no permission to write in " + folder + " (for " + file + ")");
        }
    }

    /**
     * Refuses an output that is one of {@code others}, the command's input files or its other
     * outputs, keyed by what they are (writing there would replace them).
     */
    static void checkApartFrom(CommandLine cl, String option, Path file, Map<String, Path> others) throws IOException {
        for (Map.Entry<String, Path> in : others.entrySet()) {
            if (sameFile(file, in.getValue())) {
                throw new ParameterException(cl, option + ": " + file + " is the " + in.getKey()
                        + " file; writing there would replace it, so name another file");
            }
        }
    }

    /**
     * Whether two paths name one file: the same file (links included) when both exist, else the same
     * place once the existing folder's links are resolved.
     */
    static boolean sameFile(Path a, Path b) throws IOException {
        if (Files.exists(a) && Files.exists(b)) {
            return Files.isSameFile(a, b);
        }
        return place(a).equals(place(b));
    }

    private static Path place(Path p) throws IOException {
        Path abs = p.toAbsolutePath().normalize();
        if (Files.exists(abs)) {
            return abs.toRealPath();
        }
        Path folder = abs.getParent();
        return folder != null && Files.isDirectory(folder) ? folder.toRealPath().resolve(abs.getFileName()) : abs;
    }
}
