package dev.ganglion.engine.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/** Hand-crafted file bytes for format tests. */
final class HostileFiles {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private HostileFiles() {}

    /** A safetensors file: u64le length of {@code json}, the JSON, then {@code buffer}. */
    static Path write(Path dir, String json, byte[] buffer) throws IOException {
        byte[] header = json.getBytes(StandardCharsets.UTF_8);
        return writeRaw(dir, header.length, header, buffer);
    }

    /** A safetensors file whose length field says {@code declared} whatever follows. */
    static Path writeRaw(Path dir, long declared, byte[]... parts) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(declared).array());
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return bytes(dir, out.toByteArray());
    }

    /** Any bytes in a fresh file. */
    static Path bytes(Path dir, byte[] content) throws IOException {
        Path p = dir.resolve("f" + COUNTER.incrementAndGet() + ".bin");
        Files.write(p, content);
        return p;
    }

    static byte[] longsLe(long... v) {
        ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long x : v) {
            b.putLong(x);
        }
        return b.array();
    }

    static byte[] floatsLe(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) {
            b.putFloat(x);
        }
        return b.array();
    }
}
