package dev.ganglion.engine.io;

import java.io.IOException;

/**
 * A consumer that may throw {@link IOException}: the body of an {@link AtomicFiles#write} call.
 *
 * @param <T> what it consumes
 */
@FunctionalInterface
public interface IoConsumer<T> {
    /** Consumes {@code value}. */
    void accept(T value) throws IOException;
}
