package dev.ganglion.engine.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * An IDX file violates the format or its own header: the message names the file and the byte
 * offset (in the decompressed stream for gzip files) where the problem shows.
 */
public final class IdxFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    /** {@code file: message}. */
    public IdxFormatException(Path file, String message) {
        super(file + ": " + message);
    }

    /** {@code file: message}, keeping the I/O error that revealed it. */
    public IdxFormatException(Path file, String message, Throwable cause) {
        super(file + ": " + message, cause);
    }
}
