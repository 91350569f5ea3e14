package dev.ganglion.engine.io;

import dev.ganglion.engine.DType;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * An open, validated safetensors file; tensors are read on demand by positional reads, so opening
 * costs the header only. {@link AutoCloseable}: close it (try-with-resources) to release the file.
 *
 * <p>Accessors map dtypes to Java types: {@code F32 → F32 Tensor}, {@code F64 → F64 Tensor},
 * {@code F16 / BF16 → F32 Tensor} (every half and bfloat16 value is a float: widened exactly),
 * {@code I32 / I64 / I16 / I8 / U8 / BOOL → int[]} ({@code I64} range-checked, {@code BOOL} as 0/1:
 * PyTorch saves masks as bool), {@code U8 → byte[]}. Asking for an entry through the wrong accessor,
 * or for an entry of a dtype this package does not read ({@code F8_E4M3}, {@code U16}, …), is an
 * {@link IllegalArgumentException} naming tensor and dtype;
 * the other entries stay readable. Reads are thread-safe (positional, no shared buffer).
 */
public final class SafetensorsFile implements AutoCloseable {
    /** Bytes moved per read: a multiple of 8, so no element straddles two chunks. */
    private static final int CHUNK = 1 << 20;

    private final FileChannel channel;
    private final SafetensorsHeader header;

    SafetensorsFile(FileChannel channel, SafetensorsHeader header) {
        this.channel = channel;
        this.header = header;
    }

    /** The file this was opened from. */
    public Path path() {
        return header.file;
    }

    /** Tensor names in the order of the JSON header (for files we write: the data order). */
    public Set<String> names() {
        return header.entries.keySet();
    }

    /** True when the file holds a tensor called {@code name}. */
    public boolean contains(String name) {
        return header.entries.containsKey(name);
    }

    /** The {@code __metadata__} string map (empty when absent), in file order. */
    public Map<String, String> metadata() {
        return header.metadata;
    }

    /** The dtype of {@code name} as written in the file ({@code "F32"}, {@code "BF16"}, …). */
    public String dtype(String name) {
        return entry(name).dtype();
    }

    /** True when {@code name} holds floating-point values that {@link #tensor} reads (F16, BF16, F32, F64). */
    public boolean holdsFloats(String name) {
        return switch (entry(name).dtype()) {
            case "F16", "BF16", "F32", "F64" -> true;
            default -> false;
        };
    }

    /**
     * The shape of {@code name}.
     *
     * @throws IllegalArgumentException when a dimension or the element count exceeds what {@link Shape} holds
     */
    public Shape shape(String name) {
        SafetensorsHeader.Entry e = entry(name);
        long[] dims = e.dims();
        int[] out = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] > Integer.MAX_VALUE) {
                throw tooLarge(e);
            }
            out[i] = (int) dims[i];
        }
        try {
            return Shape.of(out);
        } catch (IllegalArgumentException ex) {
            throw tooLarge(e);
        }
    }

    /**
     * An {@code F32} entry as a new F32 tensor, an {@code F64} entry as a new F64 tensor, an {@code F16}
     * or {@code BF16} entry as a new F32 tensor holding the same values.
     */
    public Tensor tensor(String name) throws IOException {
        SafetensorsHeader.Entry e = entry(name);
        SafetensorsDType dt = supported(e);
        Shape shape = shape(name);
        // before reading: a file may declare (sparsely) more than the heap holds
        Tensor.requireHeap(header.file + ": tensor '" + name + "'", shape, dt == SafetensorsDType.F64 ? DType.F64 : DType.F32);
        if (dt == SafetensorsDType.F32) {
            float[] out = new float[shape.size()];
            read(e, (buf, at) -> buf.asFloatBuffer().get(out, (int) (at / 4), buf.remaining() / 4));
            return Tensor.wrap(out, shape);
        }
        if (dt == SafetensorsDType.F64) {
            double[] out = new double[shape.size()];
            read(e, (buf, at) -> buf.asDoubleBuffer().get(out, (int) (at / 8), buf.remaining() / 8));
            return Tensor.wrap(out, shape);
        }
        if (dt == SafetensorsDType.F16 || dt == SafetensorsDType.BF16) {
            boolean brain = dt == SafetensorsDType.BF16;
            float[] out = new float[shape.size()];
            read(e, (buf, at) -> {
                for (int i = (int) (at / 2); buf.hasRemaining(); i++) {
                    short h = buf.getShort();
                    // bfloat16 is a float32's upper half; IEEE half goes through the JDK's exact widening
                    out[i] = brain ? Float.intBitsToFloat(h << 16) : Float.float16ToFloat(h);
                }
            });
            return Tensor.wrap(out, shape);
        }
        throw new IllegalArgumentException(header.file + ": tensor '" + name + "' has integer dtype " + e.dtype()
                + "; read it with ints(name)" + (dt == SafetensorsDType.U8 ? " or bytes(name)" : ""));
    }

    /**
     * An integer entry, row-major, widened to int: {@code I32}; {@code I64} (each value must fit an
     * int); {@code I16} and {@code I8} (sign-extended); {@code U8} (0–255); {@code BOOL} (one byte
     * each, as PyTorch saves a bool mask: 0 is false, 1 true).
     *
     * @throws SafetensorsFormatException when a {@code BOOL} byte is neither 0 nor 1, naming the file,
     *     the tensor, the element and its file offset
     */
    public int[] ints(String name) throws IOException {
        SafetensorsHeader.Entry e = entry(name);
        SafetensorsDType dt = supported(e);
        int[] out = new int[shape(name).size()];
        switch (dt) {
            case I32 -> read(e, (buf, at) -> buf.asIntBuffer().get(out, (int) (at / 4), buf.remaining() / 4));
            case U8 -> read(e, (buf, at) -> {
                for (int i = (int) at; buf.hasRemaining(); i++) {
                    out[i] = buf.get() & 0xFF;
                }
            });
            case I8 -> read(e, (buf, at) -> {
                for (int i = (int) at; buf.hasRemaining(); i++) {
                    out[i] = buf.get();
                }
            });
            case I16 -> read(e, (buf, at) -> {
                for (int i = (int) (at / 2); buf.hasRemaining(); i++) {
                    out[i] = buf.getShort();
                }
            });
            case BOOL -> read(e, (buf, at) -> {
                for (int i = (int) at; buf.hasRemaining(); i++) {
                    byte b = buf.get();
                    if (b != 0 && b != 1) {
                        throw new SafetensorsFormatException(header.file, "tensor '" + name + "' (BOOL) element " + i
                                + " is byte " + (b & 0xFF) + " at file offset " + (header.bufferStart + e.begin() + i)
                                + ", not 0 (false) or 1 (true)");
                    }
                    out[i] = b;
                }
            });
            case I64 -> read(e, (buf, at) -> {
                for (int i = (int) (at / 8); buf.hasRemaining(); i++) {
                    long v = buf.getLong();
                    if (v != (int) v) {
                        throw new IllegalArgumentException(header.file + ": tensor '" + name + "' (I64) element "
                                + i + " = " + v + " does not fit in an int");
                    }
                    out[i] = (int) v;
                }
            });
            default -> throw new IllegalArgumentException(header.file + ": tensor '" + name + "' has dtype "
                    + e.dtype() + "; ints(name) reads I32, I64, I16, I8, U8 and BOOL, use tensor(name)");
        }
        return out;
    }

    /** A {@code U8} entry's raw bytes, row-major. */
    public byte[] bytes(String name) throws IOException {
        SafetensorsHeader.Entry e = entry(name);
        if (supported(e) != SafetensorsDType.U8) {
            throw new IllegalArgumentException(header.file + ": tensor '" + name + "' has dtype " + e.dtype()
                    + "; bytes(name) reads U8 only");
        }
        byte[] out = new byte[shape(name).size()];
        read(e, (buf, at) -> buf.get(out, (int) at, buf.remaining()));
        return out;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    // ---------------------------------------------------------------- internals

    /** Receives successive little-endian chunks of an entry; {@code at} is the chunk's byte offset in it. */
    @FunctionalInterface
    private interface ChunkSink {
        void accept(ByteBuffer chunk, long at) throws IOException;
    }

    private void read(SafetensorsHeader.Entry e, ChunkSink sink) throws IOException {
        long length = e.byteLength();
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(length, CHUNK)).order(ByteOrder.LITTLE_ENDIAN);
        for (long done = 0; done < length; ) {
            int n = (int) Math.min(length - done, CHUNK);
            buf.clear().limit(n);
            ChannelReads.readFully(channel, buf, header.bufferStart + e.begin() + done, header.file);
            sink.accept(buf.flip(), done);
            done += n;
        }
    }

    private SafetensorsHeader.Entry entry(String name) {
        SafetensorsHeader.Entry e = header.entries.get(name);
        if (e == null) {
            String some = header.entries.keySet().stream().limit(10).collect(Collectors.joining(", "));
            throw new IllegalArgumentException(header.file + ": no tensor '" + name + "' (the file has "
                    + header.entries.size() + ": " + some + (header.entries.size() > 10 ? ", …)" : ")"));
        }
        return e;
    }

    private SafetensorsDType supported(SafetensorsHeader.Entry e) {
        SafetensorsDType dt = SafetensorsDType.byName(e.dtype());
        if (dt == null || !dt.supported) {
            throw new IllegalArgumentException(header.file + ": unsupported dtype " + e.dtype() + " for tensor '"
                    + e.name() + "' (supported: " + SafetensorsDType.SUPPORTED + ")");
        }
        return dt;
    }

    private IllegalArgumentException tooLarge(SafetensorsHeader.Entry e) {
        return new IllegalArgumentException(header.file + ": tensor '" + e.name() + "' of shape "
                + Arrays.toString(e.dims()) + " exceeds the engine's limit of 2^31 − 9 = " + Shape.MAX_ELEMENTS + " elements per tensor");
    }
}
