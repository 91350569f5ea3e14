package dev.ganglion.engine.io;

import dev.ganglion.engine.Shape;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files (the MNIST format): {@code 00 00 type ndims}, {@code ndims} big-endian int32
 * dims, then {@code ∏dims × size(type)} big-endian bytes. A file starting with the gzip magic
 * {@code 1f 8b} is decompressed on the fly; anything else is read raw.
 *
 * <p>Files may be hostile. Before the payload is allocated the header is checked (zero magic
 * bytes, known type, {@code 1 ≤ ndims ≤} {@value #MAX_DIMS}, non-negative dims, payload
 * {@code ≤ 2^31 − 9} bytes); a raw file must then hold exactly the declared payload. A gzip file
 * cannot be sized up front, so its buffer grows only as decompressed bytes actually arrive, and
 * reading stops one byte past the declared size to detect trailing data without reading
 * unbounded input. Errors are {@link IdxFormatException}s naming the file and byte offset.
 */
public final class IdxReader {
    /** Most dims accepted (MNIST uses 1 and 3; the format allows 255). */
    public static final int MAX_DIMS = 8;
    /** Largest payload accepted: the largest Java array, and what {@link Shape} can count. */
    static final long MAX_PAYLOAD = Integer.MAX_VALUE - 8;
    /** First allocation for a gzip payload; it doubles up to the declared size as data arrives. */
    private static final int GZIP_INITIAL = 16 << 20;

    private IdxReader() {}

    /**
     * Reads the whole IDX file (raw or gzip).
     *
     * @throws IdxFormatException when the file is malformed, truncated or has trailing data
     */
    public static IdxArray read(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new IOException(file + " is a folder, not an IDX file");
        }
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            raw.mark(2);
            boolean gzip = raw.read() == 0x1f && raw.read() == 0x8b;
            raw.reset();
            if (gzip) {
                try (InputStream in = gunzip(file, raw)) {
                    return new Parse(file, in, true, -1).run();
                }
            }
            return new Parse(file, raw, false, Files.size(file)).run();
        }
    }

    /** The gzip stream of {@code raw}; a header the JDK cannot read (truncated, another method) names the file. */
    private static InputStream gunzip(Path file, InputStream raw) throws IOException {
        try {
            return new GZIPInputStream(raw, 1 << 16);
        } catch (ZipException | EOFException e) {
            throw new IdxFormatException(file, "starts like gzip but its gzip header is corrupt or truncated ("
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")", e);
        }
    }

    /** One read of one file; {@code pos} counts (decompressed) bytes consumed so far. */
    private static final class Parse {
        private final Path file;
        private final InputStream in;
        private final boolean gzip;
        private final long fileSize;
        private long pos;

        Parse(Path file, InputStream in, boolean gzip, long fileSize) {
            this.file = file;
            this.in = in;
            this.gzip = gzip;
            this.fileSize = fileSize;
        }

        IdxArray run() throws IOException {
            byte[] magic = readHeader(4, "the 4-byte magic number");
            if (magic[0] != 0 || magic[1] != 0) {
                throw fail(String.format("bad magic %02x %02x at byte offset 0 (expected 00 00 type ndims)",
                        magic[0], magic[1]));
            }
            IdxType type = IdxType.byCode(magic[2] & 0xFF);
            if (type == null) {
                throw fail(String.format("unknown element type 0x%02x at byte offset 2 (known: 08 u8, 09 i8, "
                        + "0b i16, 0c i32, 0d f32, 0e f64)", magic[2] & 0xFF));
            }
            int ndims = magic[3] & 0xFF;
            if (ndims < 1 || ndims > MAX_DIMS) {
                throw fail("dimension count " + ndims + " at byte offset 3 is outside 1.." + MAX_DIMS);
            }
            int[] dims = readDims(ndims);
            long bytes = payloadBytes(dims, type);
            byte[] payload = gzip ? readGzipPayload(bytes, dims, type) : readRawPayload(bytes, dims, type);
            return new IdxArray(Shape.of(dims), type, payload);
        }

        private int[] readDims(int ndims) throws IOException {
            byte[] b = readHeader(4 * ndims, ndims + " dimension sizes");
            int[] dims = new int[ndims];
            for (int i = 0; i < ndims; i++) {
                int at = 4 * i;
                dims[i] = (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | (b[at + 3] & 0xFF);
                if (dims[i] < 0) {
                    throw fail("dimension " + i + " at byte offset " + (4 + at) + " is negative ("
                            + Integer.toUnsignedString(dims[i]) + " read as signed int32 " + dims[i] + ")");
                }
            }
            return dims;
        }

        private long payloadBytes(int[] dims, IdxType type) throws IdxFormatException {
            long bytes = type.byteSize();
            for (int d : dims) {
                // each factor is < 2^31 and the running product stays ≤ MAX_PAYLOAD < 2^31: no overflow
                bytes *= d;
                if (bytes > MAX_PAYLOAD) {
                    throw fail("header declares " + declared(dims, type) + ", above the limit of "
                            + MAX_PAYLOAD + " bytes");
                }
            }
            return bytes;
        }

        /**
         * Refuses a payload that, with a dataset's float32 copy (4 bytes an element), would not fit the
         * heap: before a gzip bomb or a merely large file fills it.
         */
        private void checkHeap(long bytes, int[] dims, IdxType type) throws IdxFormatException {
            long heap = Runtime.getRuntime().maxMemory();
            if (bytes + 4 * (bytes / type.byteSize()) > heap) {
                throw fail("header declares " + declared(dims, type) + ", more than this JVM's heap of " + (heap >> 20)
                        + " MiB holds with its float32 copy; give it more with -Xmx");
            }
        }

        private byte[] readRawPayload(long bytes, int[] dims, IdxType type) throws IOException {
            long available = fileSize - pos;
            if (bytes > available) {
                throw fail("header declares " + declared(dims, type) + " but the file ends at byte offset " + fileSize);
            }
            if (bytes < available) {
                throw fail("trailing data: header declares " + declared(dims, type) + " ending at byte offset "
                        + (pos + bytes) + " but the file is " + fileSize + " bytes long");
            }
            checkHeap(bytes, dims, type);
            byte[] out = new byte[(int) bytes];
            int n = in.readNBytes(out, 0, out.length);
            if (n != out.length) {
                throw fail("file ends at byte offset " + (pos + n) + " (it shrank while being read)");
            }
            return out;
        }

        private byte[] readGzipPayload(long bytes, int[] dims, IdxType type) throws IOException {
            checkHeap(bytes, dims, type);
            int total = (int) bytes;
            byte[] out = new byte[Math.min(total, GZIP_INITIAL)];
            int filled = 0;
            while (filled < total) {
                if (filled == out.length) {
                    out = Arrays.copyOf(out, (int) Math.min(total, 2L * out.length));
                }
                int n = gzipRead(out, filled, out.length - filled, pos + filled);
                if (n < 0) {
                    throw fail("header declares " + declared(dims, type)
                            + " but the decompressed data ends at byte offset " + (pos + filled));
                }
                filled += n;
            }
            if (gzipRead(new byte[1], 0, 1, pos + filled) > 0) {
                throw fail("trailing data: decompressed data continues past byte offset " + (pos + filled)
                        + " where the declared " + declared(dims, type) + " end");
            }
            return out;
        }

        private int gzipRead(byte[] b, int off, int len, long at) throws IOException {
            try {
                return in.read(b, off, len);
            } catch (EOFException e) {
                throw new IdxFormatException(file, "gzip stream is truncated at decompressed byte offset " + at, e);
            } catch (ZipException e) {
                throw new IdxFormatException(file, "corrupt gzip data near decompressed byte offset " + at
                        + ": " + e.getMessage(), e);
            }
        }

        private byte[] readHeader(int n, String what) throws IOException {
            byte[] b = new byte[n];
            int got;
            try {
                got = in.readNBytes(b, 0, n);
            } catch (EOFException | ZipException e) {
                throw new IdxFormatException(file, "unreadable gzip data while reading " + what + ": "
                        + e.getMessage(), e);
            }
            if (got < n) {
                throw fail((gzip ? "decompressed data" : "file") + " ends at byte offset " + (pos + got)
                        + " while reading " + what + " (bytes " + pos + "-" + (pos + n - 1) + ")");
            }
            pos += n;
            return b;
        }

        private IdxFormatException fail(String message) {
            return new IdxFormatException(file, message + (gzip ? " (gzip file; offsets are decompressed)" : ""));
        }

        /** "10000×28×28 bytes" for u8, "5×3 i32 values" otherwise. */
        private static String declared(int[] dims, IdxType type) {
            String shape = Arrays.stream(dims).mapToObj(Integer::toString).collect(Collectors.joining("×"));
            return shape + (type == IdxType.U8 ? " bytes" : " " + type.name().toLowerCase(Locale.ROOT) + " values");
        }
    }
}
