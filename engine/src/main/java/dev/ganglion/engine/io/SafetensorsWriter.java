package dev.ganglion.engine.io;

import dev.ganglion.engine.DType;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds a safetensors file: {@code u64le N ‖ JSON header padded with spaces to N ≡ 0 (mod 8) ‖ data}.
 *
 * <p>The layout is the reference implementation's, so its Python package writes the same bytes for
 * the same tensors and at most one metadata key: {@code __metadata__} first (keys sorted here; the
 * reference uses hash order), then tensors ordered by decreasing dtype rank
 * ({@code I64, F64, F32, I32, U8}) and by name, data contiguous in that order.
 *
 * <p>Note: {@link #put} keeps a reference, not a copy: {@link #write} stores the tensor's values at
 * the time it runs. {@code putInts} copies its array.
 */
public final class SafetensorsWriter {
    private final Map<String, Item> items = new LinkedHashMap<>();
    private final Map<String, String> metadata = new TreeMap<>();

    /** One entry to write: its dtype, shape and how to stream its little-endian bytes. */
    private record Item(String name, SafetensorsDType dtype, Shape shape, Tensor tensor, int[] ints) {
        long byteLength() {
            return (long) shape.size() * dtype.bytes();
        }
    }

    /** An empty writer. */
    public SafetensorsWriter() {}

    /** Adds a float tensor (F32 or F64, any strides) under a new name. */
    public SafetensorsWriter put(String name, Tensor t) {
        checkName(name);
        SafetensorsDType dt = t.dtype() == DType.F32 ? SafetensorsDType.F32 : SafetensorsDType.F64;
        items.put(name, new Item(name, dt, t.shape(), t, null));
        return this;
    }

    /**
     * Adds an int array of the given shape, stored as {@code type}.
     *
     * @throws IllegalArgumentException when the length does not match the shape or a value does not fit {@code U8}
     */
    public SafetensorsWriter putInts(String name, int[] values, Shape shape, IntType type) {
        checkName(name);
        if (values.length != shape.size()) {
            throw new IllegalArgumentException("putInts: '" + name + "' has " + values.length
                    + " values but shape " + shape + " holds " + shape.size());
        }
        if (type == IntType.U8) {
            for (int i = 0; i < values.length; i++) {
                if (values[i] < 0 || values[i] > 255) {
                    throw new IllegalArgumentException("putInts: '" + name + "' value [" + i + "] = "
                            + values[i] + " does not fit U8 (0-255)");
                }
            }
        }
        SafetensorsDType dt = SafetensorsDType.valueOf(type.name());
        items.put(name, new Item(name, dt, shape, null, values.clone()));
        return this;
    }

    /** Adds a {@code __metadata__} entry; keys must be unique. */
    public SafetensorsWriter metadata(String key, String value) {
        checkText("metadata key", key);
        checkText("metadata value for '" + key + "'", value);
        if (metadata.containsKey(key)) {
            throw new IllegalArgumentException("metadata: duplicate key '" + key + "'");
        }
        metadata.put(key, value);
        return this;
    }

    /** Writes the file atomically (see {@link AtomicFiles}): the target is replaced only on success. */
    public void write(Path target) throws IOException {
        AtomicFiles.write(target, this::write);
    }

    /** Streams the whole file to {@code out} (not closed). */
    public void write(OutputStream out) throws IOException {
        List<Item> order = layout();
        byte[] header = header(order);
        ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length);
        out.write(len.array());
        out.write(header);
        for (Item item : order) {
            writeData(item, out);
        }
    }

    /** The whole file as bytes (for small files and tests). */
    public byte[] toBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            write(out);
        } catch (IOException e) {
            throw new AssertionError("in-memory stream failed", e);
        }
        return out.toByteArray();
    }

    // ---------------------------------------------------------------- layout

    private List<Item> layout() {
        List<Item> order = new ArrayList<>(items.values());
        // The reference sorts by dtype descending, then by name as UTF-8 bytes (Rust's String order).
        order.sort(Comparator.comparingInt((Item i) -> -i.dtype().writeRank())
                .thenComparing((a, b) -> Arrays.compareUnsigned(utf8(a.name()), utf8(b.name()))));
        return order;
    }

    private byte[] header(List<Item> order) {
        StringBuilder sb = new StringBuilder("{");
        if (!metadata.isEmpty()) {
            Json.appendString(sb, SafetensorsHeader.METADATA_KEY);
            sb.append(":{");
            String sep = "";
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                sb.append(sep);
                Json.appendString(sb, e.getKey());
                sb.append(':');
                Json.appendString(sb, e.getValue());
                sep = ",";
            }
            sb.append('}');
        }
        long offset = 0;
        for (Item item : order) {
            sb.append(sb.length() > 1 ? "," : "");
            Json.appendString(sb, item.name());
            sb.append(":{\"dtype\":\"").append(item.dtype().name()).append("\",\"shape\":[");
            int[] dims = item.shape().dims();
            for (int i = 0; i < dims.length; i++) {
                sb.append(i > 0 ? "," : "").append(dims[i]);
            }
            sb.append("],\"data_offsets\":[").append(offset).append(',');
            offset += item.byteLength();
            sb.append(offset).append("]}");
        }
        sb.append('}');
        // The reference pads with spaces so the data buffer starts 8-byte aligned (8 + N ≡ 0 mod 8).
        int bytes = utf8(sb.toString()).length;
        sb.append(" ".repeat((8 - bytes % 8) % 8));
        byte[] out = utf8(sb.toString());
        if (out.length > SafetensorsHeader.MAX_HEADER_BYTES) {
            throw new IllegalStateException("safetensors header of " + out.length + " bytes exceeds the "
                    + SafetensorsHeader.MAX_HEADER_BYTES + "-byte limit readers enforce");
        }
        return out;
    }

    private static void writeData(Item item, OutputStream out) throws IOException {
        int n = item.shape().size();
        int per = item.dtype().bytes();
        // Chunks of whole elements, converted to little-endian through one reusable buffer.
        int chunkElems = Math.max(1, (1 << 16) / per);
        ByteBuffer buf = ByteBuffer.allocate(chunkElems * per).order(ByteOrder.LITTLE_ENDIAN);
        Tensor t = item.tensor() == null ? null : item.tensor().contiguous();
        for (int from = 0; from < n; from += chunkElems) {
            int len = Math.min(chunkElems, n - from);
            buf.clear();
            switch (item.dtype()) {
                case F32 -> buf.asFloatBuffer().put(t.floatArray(), t.offset() + from, len);
                case F64 -> buf.asDoubleBuffer().put(t.doubleArray(), t.offset() + from, len);
                case I32 -> buf.asIntBuffer().put(item.ints(), from, len);
                case I64 -> {
                    for (int i = from; i < from + len; i++) {
                        buf.putLong(item.ints()[i]);
                    }
                }
                case U8 -> {
                    for (int i = from; i < from + len; i++) {
                        buf.put((byte) item.ints()[i]);
                    }
                }
                default -> throw new AssertionError("writer never creates " + item.dtype());
            }
            out.write(buf.array(), 0, len * per);
        }
    }

    // ---------------------------------------------------------------- checks

    private void checkName(String name) {
        checkText("tensor name", name);
        if (name.equals(SafetensorsHeader.METADATA_KEY)) {
            throw new IllegalArgumentException("put: '" + name + "' is reserved for the metadata map");
        }
        if (items.containsKey(name)) {
            throw new IllegalArgumentException("put: duplicate tensor name '" + name + "'");
        }
    }

    /** Rejects null and unpaired surrogates (UTF-8 cannot encode them; they would turn into '?'). */
    private static void checkText(String what, String s) {
        if (s == null) {
            throw new IllegalArgumentException(what + " is null");
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException(what + " '" + s + "' has an unpaired surrogate at index " + i);
            }
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
