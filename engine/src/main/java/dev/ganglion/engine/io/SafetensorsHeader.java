package dev.ganglion.engine.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parsed and fully validated header of a safetensors file: {@code u64le N}, {@code N} bytes of
 * JSON, then the data buffer that the entries' {@code data_offsets} index into.
 *
 * <p>Every rule is checked before anything proportional to a declared size is allocated: the only
 * allocation driven by the file is the header itself, after {@code N ≤ 100 MB} and
 * {@code N ≤ fileSize − 8} hold.
 */
final class SafetensorsHeader {
    /** The reference implementation's limit on the JSON header length. */
    static final long MAX_HEADER_BYTES = 100_000_000L;
    static final String METADATA_KEY = "__metadata__";
    /**
     * Most {@code __metadata__} keys accepted: tiny entries cost ~17× their header bytes as Java
     * strings, so a 100 MB header of them would exhaust a small heap; real files have a handful.
     */
    static final int MAX_METADATA_KEYS = 65_536;

    /** One tensor: its dtype as written, its dims, and its byte range relative to the buffer. */
    record Entry(String name, String dtype, long[] dims, long begin, long end) {
        long byteLength() {
            return end - begin;
        }
    }

    final Path file;
    final long headerLength;
    final long bufferStart;
    final long bufferLength;
    final Map<String, Entry> entries;
    final Map<String, String> metadata;

    private SafetensorsHeader(Path file, long headerLength, long fileSize,
                              Map<String, Entry> entries, Map<String, String> metadata) {
        this.file = file;
        this.headerLength = headerLength;
        this.bufferStart = 8 + headerLength;
        this.bufferLength = fileSize - bufferStart;
        this.entries = Collections.unmodifiableMap(entries);
        this.metadata = Collections.unmodifiableMap(metadata);
    }

    /** Reads and validates the header of {@code file} through {@code ch}. */
    static SafetensorsHeader read(Path file, FileChannel ch) throws IOException {
        long size = ch.size();
        long n = headerLength(file, ch, size);
        ByteBuffer json = ByteBuffer.allocate((int) n);
        ChannelReads.readFully(ch, json, 8, file);
        Members members = new Members(file);
        try {
            Json.parseObject(json.array(), 0, (int) n, members);
        } catch (Json.JsonException e) {
            throw new SafetensorsFormatException(file, "malformed JSON header at byte offset "
                    + (8 + e.position) + ": " + e.getMessage());
        }
        SafetensorsHeader h = new SafetensorsHeader(file, n, size, members.entries, members.metadata);
        h.checkSizes();
        h.checkLayout();
        return h;
    }

    /** Turns each top-level JSON member into an {@link Entry} or the metadata map as it is parsed. */
    private static final class Members implements Json.MemberHandler<SafetensorsFormatException> {
        final Path file;
        final Map<String, Entry> entries = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        boolean sawMetadata;

        Members(Path file) {
            this.file = file;
        }

        @Override
        public void member(String key, Object value, int at) throws SafetensorsFormatException {
            boolean isMetadata = key.equals(METADATA_KEY);
            if (entries.containsKey(key) || (isMetadata && sawMetadata)) {
                throw new SafetensorsFormatException(file, "duplicate key \"" + key + "\" at byte offset " + (8 + at));
            }
            if (isMetadata) {
                sawMetadata = true;
                metadata = metadata(file, value);
            } else {
                entries.put(key, entry(file, key, value));
            }
        }
    }

    /** The u64le at bytes 0–7, checked against the limit and the file size. */
    private static long headerLength(Path file, FileChannel ch, long size) throws IOException {
        if (size < 8) {
            throw new SafetensorsFormatException(file, "file is " + size
                    + " bytes long, shorter than the 8-byte header length field");
        }
        ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        ChannelReads.readFully(ch, lenBuf, 0, file);
        long n = lenBuf.flip().getLong();
        // NOTE: the field is an unsigned u64; a negative long is a length above 2^63.
        if (n < 0 || n > MAX_HEADER_BYTES) {
            throw new SafetensorsFormatException(file, "header length " + Long.toUnsignedString(n)
                    + " (bytes 0-7) exceeds the limit of " + MAX_HEADER_BYTES + " bytes");
        }
        if (n > size - 8) {
            throw new SafetensorsFormatException(file, "header length " + n + " (bytes 0-7) exceeds the "
                    + (size - 8) + " bytes that follow it (file size " + size + ")");
        }
        return n;
    }

    private static Map<String, String> metadata(Path file, Object value) throws SafetensorsFormatException {
        if (!(value instanceof Map<?, ?> map)) {
            throw new SafetensorsFormatException(file, "\"" + METADATA_KEY + "\" is not an object of strings");
        }
        if (map.size() > MAX_METADATA_KEYS) {
            throw new SafetensorsFormatException(file, "\"" + METADATA_KEY + "\" has " + map.size()
                    + " keys, more than the " + MAX_METADATA_KEYS + " accepted");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getValue() instanceof String s)) {
                throw new SafetensorsFormatException(file, "\"" + METADATA_KEY + "\" value for key \""
                        + e.getKey() + "\" is not a string: " + describe(e.getValue()));
            }
            out.put((String) e.getKey(), s);
        }
        return out;
    }

    private static Entry entry(Path file, String name, Object value) throws SafetensorsFormatException {
        if (!(value instanceof Map<?, ?> map)) {
            throw bad(file, name, "entry is not an object but " + describe(value));
        }
        for (Object k : map.keySet()) {
            if (!k.equals("dtype") && !k.equals("shape") && !k.equals("data_offsets")) {
                throw bad(file, name, "unknown field \"" + k + "\" (expected dtype, shape, data_offsets)");
            }
        }
        if (!(map.get("dtype") instanceof String dtype)) {
            throw bad(file, name, "field \"dtype\" is missing or not a string");
        }
        long[] dims = longs(file, name, "shape", map.get("shape"));
        long[] offsets = longs(file, name, "data_offsets", map.get("data_offsets"));
        if (offsets.length != 2) {
            throw bad(file, name, "\"data_offsets\" has " + offsets.length + " values, expected [begin, end]");
        }
        if (offsets[0] > offsets[1]) {
            throw bad(file, name, "\"data_offsets\" " + Arrays.toString(offsets) + " has begin > end");
        }
        SafetensorsDType known = SafetensorsDType.byName(dtype);
        // the enum's name, not the parsed copy: one shared string instead of one per entry
        return new Entry(name, known == null ? dtype : known.name(), dims, offsets[0], offsets[1]);
    }

    private static long[] longs(Path file, String name, String field, Object value)
            throws SafetensorsFormatException {
        if (!(value instanceof List<?> list)) {
            throw bad(file, name, "field \"" + field + "\" is missing or not an array");
        }
        long[] out = new long[list.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(list.get(i) instanceof Long v)) {
                throw bad(file, name, "\"" + field + "\"[" + i + "] is not an integer: " + describe(list.get(i)));
            }
            if (v < 0) {
                throw bad(file, name, "\"" + field + "\"[" + i + "] is negative: " + v);
            }
            out[i] = v;
        }
        return out;
    }

    /** Shape × dtype size must equal the byte range, computed without overflow. */
    private void checkSizes() throws SafetensorsFormatException {
        for (Entry e : entries.values()) {
            SafetensorsDType dt = SafetensorsDType.byName(e.dtype());
            if (dt == null) {
                continue; // an unknown dtype: only its range is checked, and reading it fails clearly
            }
            long bits;
            try {
                long count = 1;
                for (long d : e.dims()) {
                    count = Math.multiplyExact(count, d);
                }
                bits = Math.multiplyExact(count, (long) dt.bits);
            } catch (ArithmeticException overflow) {
                throw bad(file, e.name(), "shape " + Arrays.toString(e.dims()) + " of " + e.dtype()
                        + " overflows 64-bit byte arithmetic");
            }
            if (bits % 8 != 0 || bits / 8 != e.byteLength()) {
                throw bad(file, e.name(), "shape " + Arrays.toString(e.dims()) + " of " + e.dtype() + " needs "
                        + (bits % 8 != 0 ? bits + " bits (not a whole byte count)" : bits / 8 + " bytes")
                        + " but data_offsets [" + e.begin() + ", " + e.end() + "] span " + e.byteLength());
            }
        }
    }

    /**
     * Entries must tile {@code [0, bufferLength)} exactly: inside, no overlap, no gap, no tail. Every
     * entry's bounds are checked before the tiling, so an entry pointing past the buffer is named
     * itself, not reported as a gap before whichever entry follows its place in the sorted order.
     */
    private void checkLayout() throws SafetensorsFormatException {
        for (Entry e : entries.values()) {
            if (e.end() > bufferLength) {
                throw bad(file, e.name(), "data_offsets [" + e.begin() + ", " + e.end() + "] (file bytes "
                        + (bufferStart + e.begin()) + "-" + (bufferStart + e.end()) + ") lie outside the "
                        + bufferLength + "-byte data buffer");
            }
        }
        List<Entry> sorted = new ArrayList<>(entries.values());
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long expected = 0;
        Entry previous = null;
        for (Entry e : sorted) {
            if (e.begin() < expected) {
                throw bad(file, e.name(), "data_offsets [" + e.begin() + ", " + e.end() + "] overlap tensor '"
                        + previous.name() + "' [" + previous.begin() + ", " + previous.end() + "]");
            }
            if (e.begin() > expected) {
                throw bad(file, e.name(), "gap in the data buffer: bytes [" + expected + ", " + e.begin()
                        + ") (file offset " + (bufferStart + expected) + ") belong to no tensor");
            }
            expected = e.end();
            previous = e;
        }
        if (expected != bufferLength) {
            throw new SafetensorsFormatException(file, "data buffer bytes [" + expected + ", " + bufferLength
                    + ") (file offset " + (bufferStart + expected) + ") belong to no tensor");
        }
    }

    private static SafetensorsFormatException bad(Path file, String name, String message) {
        return new SafetensorsFormatException(file, "tensor '" + name + "': " + message);
    }

    private static String describe(Object v) {
        if (v instanceof String s) {
            return "string \"" + s + "\"";
        }
        return v instanceof Map ? "an object" : v instanceof List ? "an array" : "integer " + v;
    }
}
