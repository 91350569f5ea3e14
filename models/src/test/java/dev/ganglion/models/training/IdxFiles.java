package dev.ganglion.models.training;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes tiny IDX pairs for tests: image {@code i}'s first pixel is {@code i}, its label {@code i mod 10}. */
final class IdxFiles {
    private IdxFiles() {}

    static void write(Path dir, String prefix, int n, int rows, int cols) throws IOException {
        try (DataOutputStream o = new DataOutputStream(Files.newOutputStream(dir.resolve(prefix + "-images-idx3-ubyte")))) {
            o.writeInt(0x00000803);
            o.writeInt(n);
            o.writeInt(rows);
            o.writeInt(cols);
            for (int i = 0; i < n; i++) {
                for (int p = 0; p < rows * cols; p++) {
                    o.writeByte(p == 0 ? i : (i * 31 + p * 7) & 0xff);
                }
            }
        }
        try (DataOutputStream o = new DataOutputStream(Files.newOutputStream(dir.resolve(prefix + "-labels-idx1-ubyte")))) {
            o.writeInt(0x00000801);
            o.writeInt(n);
            for (int i = 0; i < n; i++) {
                o.writeByte(i % 10);
            }
        }
    }
}
