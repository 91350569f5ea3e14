/**
 * File formats, JDK only: safetensors checkpoints ({@link dev.ganglion.engine.io.SafetensorsReader},
 * {@link dev.ganglion.engine.io.SafetensorsWriter}), IDX datasets ({@link dev.ganglion.engine.io.IdxReader},
 * {@link dev.ganglion.engine.io.IdxDataset}) and crash-safe file replacement
 * ({@link dev.ganglion.engine.io.AtomicFiles}).
 *
 * <p>Readers treat every file as untrusted: sizes a file declares are validated against the file
 * before anything proportional to them is allocated, and each violation is an {@link java.io.IOException}
 * subclass naming the file and the byte offset.
 */
package dev.ganglion.engine.io;
