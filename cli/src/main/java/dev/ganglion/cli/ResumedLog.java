package dev.ganglion.cli;

import dev.ganglion.bench.Json;
import dev.ganglion.engine.io.AtomicFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A {@code --log} that a resumed run appends to, brought back to the checkpoint it resumes from: a
 * run resumed from an earlier checkpoint than its log's last epoch (an older copy, or one saved by
 * another run) would otherwise list those later epochs twice, once from each run. Lines of epochs
 * after the checkpoint's last one (an epoch line's {@code "epoch"}, a rewiring line's
 * {@code "at_epoch"}) are removed, the file rewritten atomically; every other line is kept byte for
 * byte, including lines that are not the JSON of {@code ganglion train} and their line endings.
 */
final class ResumedLog {
    private ResumedLog() {}

    /**
     * Removes from {@code log} the lines of epochs after {@code epochsDone}.
     *
     * @return how many lines were removed (0 when the file does not exist)
     */
    static int trim(Path log, int epochsDone) throws IOException {
        if (!Files.isRegularFile(log)) {
            return 0;
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(log);
        } catch (IOException e) {
            throw new IOException("--log " + log + ": cannot read it to resume: " + Main.message(e), e);
        }
        // lines as bytes, each with its own ending, so that what is kept is written back unchanged
        // (CRLF, text in another encoding); a line is decoded only to look for its epoch
        ByteArrayOutputStream kept = new ByteArrayOutputStream(bytes.length);
        int removed = 0;
        for (int from = 0; from < bytes.length; ) {
            int end = from;
            while (end < bytes.length && bytes[end] != '\n') {
                end++;
            }
            int next = Math.min(end + 1, bytes.length);
            if (epochOf(new String(bytes, from, end - from, StandardCharsets.UTF_8).strip()) <= epochsDone) {
                kept.write(bytes, from, next - from);
            } else {
                removed++;
            }
            from = next;
        }
        if (removed > 0) {
            AtomicFiles.write(log, kept::writeTo);
        }
        return removed;
    }

    /** The epoch a log line belongs to, or 0 for a line that names none. */
    static long epochOf(String line) {
        Object parsed;
        try {
            parsed = Json.parse(line);
        } catch (IllegalArgumentException notJson) {
            return 0;
        }
        if (parsed instanceof Map<?, ?> m) {
            Object epoch = m.containsKey("epoch") ? m.get("epoch") : m.get("at_epoch");
            if (epoch instanceof Number n) {
                return n.longValue();
            }
        }
        return 0;
    }
}
