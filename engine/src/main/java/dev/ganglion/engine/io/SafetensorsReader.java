package dev.ganglion.engine.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Opens safetensors files: {@code u64le N ‖ JSON header (N bytes) ‖ data buffer}, entries
 * {@code "name": {"dtype", "shape", "data_offsets": [begin, end]}} relative to the buffer start,
 * little-endian data.
 *
 * <p>Files may come from untrusted sources; {@link #open} validates, before allocating anything a
 * file declares: the header length ({@code ≤ 100 MB}, {@code ≤ size − 8}), well-formed strict JSON
 * with unique keys, every entry's {@code dtype}/{@code shape}/{@code data_offsets} (no other
 * fields), non-negative dims with {@code ∏shape × dtypeSize = end − begin} computed without
 * overflow, offsets inside the buffer, entries tiling the buffer exactly (no overlap, gap or
 * trailing bytes, as the reference implementation demands) and {@code __metadata__} values being
 * strings. Each violation is a {@link SafetensorsFormatException} naming file, tensor and offsets.
 */
public final class SafetensorsReader {
    private SafetensorsReader() {}

    /**
     * Opens and validates {@code file}; the returned file must be closed.
     *
     * @throws SafetensorsFormatException when the file violates the format
     * @throws IOException when it cannot be read
     */
    public static SafetensorsFile open(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new IOException(file + " is a folder, not a safetensors file");
        }
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        try {
            return new SafetensorsFile(ch, SafetensorsHeader.read(file, ch));
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }
}
