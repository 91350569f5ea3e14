package dev.ganglion.engine.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A safetensors file violates the format: its message names the file, the tensor (when one is
 * involved) and the byte offset or header field at fault.
 */
public final class SafetensorsFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    /** {@code file: message}. */
    public SafetensorsFormatException(Path file, String message) {
        super(file + ": " + message);
    }
}
