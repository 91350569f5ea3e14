package dev.ganglion.engine.io;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Writes files so that readers see either the old content or the complete new content, never a
 * partial file: write a temporary file in the target's directory, fsync it, rename it over the
 * target with {@code ATOMIC_MOVE}, fsync the directory. On any failure the temporary file is
 * deleted and an existing target is left untouched; a JVM that exits mid-write (SIGTERM, Ctrl-C,
 * {@code System.exit}) deletes it in a shutdown hook (after SIGKILL it stays, as a hidden
 * {@code .NAME.*.tmp} beside the target).
 *
 * <p>Note: a target that is a symbolic link is replaced by a regular file (the link's destination
 * is not written), as with any rename-based replacement.
 */
public final class AtomicFiles {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String TEMPORARY_SUFFIX = ".tmp";
    /** Temporary files from just before their creation to their rename. */
    private static final Set<Path> IN_FLIGHT = ConcurrentHashMap.newKeySet();
    /** Set by the shutdown hook before it deletes: a write that creates its file later removes it itself. */
    private static volatile boolean exiting;

    static {
        try {
            Runtime.getRuntime().addShutdownHook(new Thread(AtomicFiles::onExit, "ganglion-atomic-files"));
        } catch (IllegalStateException shuttingDown) {
            // first used during shutdown: nothing will outlive it to clean up for
        }
    }

    private AtomicFiles() {}

    /**
     * Deletes every temporary file not yet renamed: the shutdown hook's work. A write still running
     * then fails at its rename, leaving its target as it was.
     */
    static void deleteInFlight() {
        for (Path tmp : IN_FLIGHT) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // best effort at exit: nowhere left to report it
            }
        }
    }

    /** The shutdown hook: later writes refuse to start, then the temporary files go. */
    static void onExit() {
        setExiting(true);
        deleteInFlight();
    }

    /** What the shutdown hook sets first (tests set it back). */
    static void setExiting(boolean on) {
        exiting = on;
    }

    /** The temporary files being written now (for tests). */
    static Set<Path> inFlight() {
        return Set.copyOf(IN_FLIGHT);
    }

    private static IOException named(IOException e, IOException cause) {
        e.initCause(cause);
        return e;
    }

    /**
     * Runs {@code body} on a buffered stream into a temporary file, then atomically replaces
     * {@code target} with it. The body need not close the stream (closing it is harmless).
     *
     * @throws IOException from the body, the file system, or when the directory cannot rename
     *     atomically ({@link java.nio.file.AtomicMoveNotSupportedException}); a missing or
     *     unwritable folder as {@link NoSuchFileException} or {@link AccessDeniedException} naming
     *     {@code target} and the folder
     */
    public static void write(Path target, IoConsumer<? super OutputStream> body) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        // NOTE: not Files.createTempFile: that makes the file 0600, and the rename would carry those
        // permissions to the target; CREATE_NEW gives the usual umask-derived ones.
        Path tmp = dir.resolve("." + abs.getFileName() + "." + Long.toHexString(RANDOM.nextLong()) + TEMPORARY_SUFFIX);
        FileChannel ch;
        // Registered before it exists, and the exit flag read after: a hook that runs in between
        // either finds the file or is seen here (a file created after its sweep was left behind).
        IN_FLIGHT.add(tmp);
        try {
            ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (IOException e) {
            IN_FLIGHT.remove(tmp);
            throw createFailure(e, abs, dir);
        }
        if (exiting) {
            ch.close();
            Files.deleteIfExists(tmp);
            IN_FLIGHT.remove(tmp);
            throw new IOException(abs + ": not written, the JVM is exiting; the file is as it was before");
        }
        try {
            try (ch) {
                UnclosableStream out = new UnclosableStream(new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16), abs);
                body.accept(out);
                out.flush();
                try {
                    ch.force(true);
                } catch (IOException e) {
                    throw out.named(e);
                }
            }
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (Throwable t) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException cleanup) {
                t.addSuppressed(cleanup);
            }
            if (t instanceof ClosedByInterruptException) {   // its message is null: say what and where
                InterruptedIOException e = new InterruptedIOException(abs + ": writing it was interrupted (the thread "
                        + "was interrupted); the file is as it was before");
                e.initCause(t);
                throw e;
            }
            throw t;
        } finally {
            IN_FLIGHT.remove(tmp);
        }
        syncDirectory(dir);
    }

    /** A failure to create the temporary file, naming the target (the caller never heard of the temporary file). */
    private static IOException createFailure(IOException e, Path target, Path dir) {
        return switch (e) {
            case NoSuchFileException _ -> named(new NoSuchFileException(target.toString(), null, Files.isDirectory(dir)
                    ? "files cannot be created in " + dir : "folder " + dir + " does not exist"), e);
            case AccessDeniedException _ -> named(new AccessDeniedException(target.toString(), null,
                    "no permission to create files in " + dir), e);
            default -> named(new IOException(target + ": cannot create a file in " + dir + ": " + e.getMessage()), e);
        };
    }

    /**
     * Whether {@code fileName} is one of {@link #write}'s temporary files for a target named
     * {@code targetName} in the same folder ({@code .TARGET.HEX.tmp}): for a caller that sweeps what
     * a killed JVM left (a shutdown hook removes them otherwise).
     */
    public static boolean isTemporaryFor(String fileName, String targetName) {
        return Pattern.matches("\\." + Pattern.quote(targetName) + "\\.[0-9a-f]{1,16}" + Pattern.quote(TEMPORARY_SUFFIX), fileName);
    }

    /** {@link #write} of {@code text} as UTF-8. */
    public static void writeString(Path target, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        write(target, out -> out.write(bytes));
    }

    /**
     * The stream handed to a body: closing it only flushes (the channel stays open for the fsync),
     * and a failure of the file system ({@code No space left on device} says no more) names the target.
     */
    private static final class UnclosableStream extends FilterOutputStream {
        private final Path target;

        UnclosableStream(OutputStream out, Path target) {
            super(out);
            this.target = target;
        }

        @Override
        public void write(int b) throws IOException {
            try {
                out.write(b);
            } catch (IOException e) {
                throw named(e);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                throw named(e);
            }
        }

        @Override
        public void flush() throws IOException {
            try {
                out.flush();
            } catch (IOException e) {
                throw named(e);
            }
        }

        @Override
        public void close() throws IOException {
            flush();
        }

        IOException named(IOException e) {
            if (e instanceof ClosedByInterruptException) {
                return e;   // write() says what that is
            }
            IOException n = new IOException(target + ": writing it failed: " + e.getMessage()
                    + "; the file is as it was before");
            n.initCause(e);
            return n;
        }
    }

    /** Makes the rename durable; directories cannot be opened for sync on every platform. */
    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // NOTE: best effort only; the rename itself is already atomic and visible.
        }
    }
}
