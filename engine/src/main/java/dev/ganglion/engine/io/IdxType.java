package dev.ganglion.engine.io;

/**
 * Element types of the IDX format (the MNIST files): the third magic byte, and the big-endian size
 * of one element.
 */
public enum IdxType {
    /** Unsigned byte (0–255), type byte {@code 0x08}, 1 byte. */
    U8(0x08, 1),
    /** Signed byte, type byte {@code 0x09}, 1 byte. */
    I8(0x09, 1),
    /** Signed 16-bit integer, type byte {@code 0x0B}, 2 bytes. */
    I16(0x0B, 2),
    /** Signed 32-bit integer, type byte {@code 0x0C}, 4 bytes. */
    I32(0x0C, 4),
    /** IEEE 754 float32, type byte {@code 0x0D}, 4 bytes. */
    F32(0x0D, 4),
    /** IEEE 754 float64, type byte {@code 0x0E}, 8 bytes. */
    F64(0x0E, 8);

    private final int code;
    private final int byteSize;

    IdxType(int code, int byteSize) {
        this.code = code;
        this.byteSize = byteSize;
    }

    /** The type byte in the magic number. */
    public int code() {
        return code;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /** True for the integer types (everything but {@code F32} and {@code F64}). */
    public boolean isInteger() {
        return this != F32 && this != F64;
    }

    /** The type with magic byte {@code code}, or null when there is none. */
    static IdxType byCode(int code) {
        for (IdxType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }
}
