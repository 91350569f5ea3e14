package dev.ganglion.engine.io;

import dev.ganglion.engine.Shape;
import java.nio.ByteBuffer;

/**
 * The content of one IDX file: its shape, element type and payload exactly as stored
 * (big-endian, row-major, {@code shape.size() × type.byteSize()} bytes).
 *
 * @param shape the dims from the header
 * @param type the element type
 * @param payload the stored bytes; shared, not copied — do not modify
 */
public record IdxArray(Shape shape, IdxType type, byte[] payload) {
    /** Checks that the payload holds exactly the declared elements. */
    public IdxArray {
        if ((long) shape.size() * type.byteSize() != payload.length) {
            throw new IllegalArgumentException("IdxArray: shape " + shape + " of " + type + " needs "
                    + (long) shape.size() * type.byteSize() + " bytes, payload has " + payload.length);
        }
    }

    /** Every element converted to float, row-major ({@code u8} as 0–255, not scaled). */
    public float[] toFloats() {
        int n = shape.size();
        float[] out = new float[n];
        ByteBuffer b = ByteBuffer.wrap(payload); // big-endian, IDX's byte order
        if (type == IdxType.F32) {
            b.asFloatBuffer().get(out);
        } else if (type == IdxType.F64) {
            for (int i = 0; i < n; i++) {
                out[i] = (float) b.getDouble(8 * i);
            }
        } else {
            for (int i = 0; i < n; i++) {
                out[i] = intAt(b, i);
            }
        }
        return out;
    }

    /**
     * Every element as an int, row-major, for the integer types.
     *
     * @throws IllegalArgumentException for {@code F32}/{@code F64} (use {@link #toFloats()})
     */
    public int[] toInts() {
        if (!type.isInteger()) {
            throw new IllegalArgumentException(
                    "toInts: IDX array " + shape + " has float type " + type + "; use toFloats()");
        }
        int n = shape.size();
        int[] out = new int[n];
        ByteBuffer b = ByteBuffer.wrap(payload);
        for (int i = 0; i < n; i++) {
            out[i] = intAt(b, i);
        }
        return out;
    }

    private int intAt(ByteBuffer b, int i) {
        return switch (type) {
            case U8 -> payload[i] & 0xFF;
            case I8 -> payload[i];
            case I16 -> b.getShort(2 * i);
            case I32 -> b.getInt(4 * i);
            case F32, F64 -> throw new AssertionError("float type " + type);
        };
    }

    /**
     * The raw bytes of a {@code u8} array (the payload itself, not a copy).
     *
     * @throws IllegalArgumentException for other types
     */
    public byte[] raw() {
        if (type != IdxType.U8) {
            throw new IllegalArgumentException("raw: IDX array " + shape + " has type " + type
                    + ", raw() is for U8; use toInts() or toFloats()");
        }
        return payload;
    }

    @Override
    public String toString() {
        return "IdxArray[" + type + " " + shape + "]";
    }
}
