package dev.ganglion.engine.io;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/** Positional reads that either fill the buffer or say where the file ended. */
final class ChannelReads {
    private ChannelReads() {}

    /**
     * Fills {@code buf} (from its position to its limit) from {@code ch} starting at file offset
     * {@code position}; positional reads leave the channel's own position alone, so concurrent
     * readers of one channel do not interfere.
     *
     * @throws EOFException naming the file and the offset where it ended
     */
    static void readFully(FileChannel ch, ByteBuffer buf, long position, Path file) throws IOException {
        long start = position;
        long wanted = buf.remaining();
        while (buf.hasRemaining()) {
            int n = ch.read(buf, position);
            if (n < 0) {
                throw new EOFException(file + ": file ends at byte offset " + position + " while reading bytes ["
                        + start + ", " + (start + wanted) + ")");
            }
            position += n;
        }
    }
}
