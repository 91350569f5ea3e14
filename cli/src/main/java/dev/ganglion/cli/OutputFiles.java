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

    /** Refuses an output that is one of the command's input files (it would replace them). */
    static void checkNotAnInput(CommandLine cl, String option, Path file, Map<String, Path> inputs) throws IOException {
        for (Map.Entry<String, Path> in : inputs.entrySet()) {
            boolean same = Files.exists(file) ? Files.isSameFile(file, in.getValue())
                    : file.toAbsolutePath().normalize().equals(in.getValue().toAbsolutePath().normalize());
            if (same) {
                throw new ParameterException(cl, option + ": " + file + " is the " + in.getKey()
                        + " file; writing there would replace it, so name another file");
            }
        }
    }
}
