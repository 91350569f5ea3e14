package dev.ganglion.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResumedLogTest {
    @Test
    void keptLinesAreWrittenBackByteForByte(@TempDir Path dir) throws IOException {
        // a Latin-1 é (0xE9, not UTF-8) had failed the resume ("Input length = 1"), and CRLF endings were
        // rewritten as LF
        Path log = dir.resolve("m.jsonl");
        byte[] note = "# r\u00e9sum\u00e9\r\n".getBytes(StandardCharsets.ISO_8859_1);
        byte[] first = "{\"epoch\":1,\"loss\":0.5}\r\n".getBytes(StandardCharsets.UTF_8);
        byte[] rewire = "{\"event\":\"rewire\",\"at_epoch\":2,\"step\":9,\"layers\":[]}\r\n".getBytes(StandardCharsets.UTF_8);
        byte[] second = "{\"epoch\":2,\"loss\":0.4}".getBytes(StandardCharsets.UTF_8);   // no final line ending
        Files.write(log, concat(note, first, rewire, second));

        assertThat(ResumedLog.trim(log, 2)).isZero();
        assertThat(Files.readAllBytes(log)).isEqualTo(concat(note, first, rewire, second));
        assertThat(ResumedLog.trim(log, 1)).isEqualTo(2);
        assertThat(Files.readAllBytes(log)).isEqualTo(concat(note, first));
        assertThat(ResumedLog.trim(dir.resolve("none.jsonl"), 0)).isZero();
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
