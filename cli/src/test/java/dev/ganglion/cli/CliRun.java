package dev.ganglion.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The result of one in-process {@link Main#run}: exit status and the two streams. */
record CliRun(int status, String out, String err) {
    static CliRun of(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new CliRun(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    List<String> outLines() {
        return out.lines().filter(l -> !l.isBlank()).toList();
    }

    /** Stderr lines that are ours: the JDK logger's warnings (a kernel without SIMD twin) aside. */
    List<String> errLines() {
        List<String> all = err.lines().toList();
        return all.stream().filter(l -> l.startsWith("ganglion")).toList();
    }
}
