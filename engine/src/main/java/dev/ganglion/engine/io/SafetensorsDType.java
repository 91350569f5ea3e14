package dev.ganglion.engine.io;

/**
 * The dtype names of the safetensors format with their element sizes in bits.
 *
 * <p>All of them are known so that a foreign file's byte ranges can be validated; only those
 * marked {@code supported} can be read into Java arrays. A name not in this list is kept as a
 * string and its byte range is checked for bounds and contiguity but not against its shape.
 */
enum SafetensorsDType {
    BOOL(8, true),
    F4(4, false),
    F6_E2M3(6, false),
    F6_E3M2(6, false),
    U8(8, true),
    I8(8, true),
    F8_E5M2(8, false),
    F8_E4M3(8, false),
    F8_E8M0(8, false),
    I16(16, true),
    U16(16, false),
    F16(16, true),
    BF16(16, true),
    I32(32, true),
    U32(32, false),
    F32(32, true),
    C64(64, false),
    F64(64, true),
    I64(64, true),
    U64(64, false);

    /**
     * The dtypes this package reads, for error messages. It writes F32 and F64, and I32, I64 and U8
     * ({@link IntType}); not F16, BF16, I16, I8 or BOOL.
     */
    static final String SUPPORTED = "F32, F64, and F16 and BF16 as F32; I32, I64, I16, I8, U8 and BOOL as ints";

    final int bits;
    final boolean supported;

    SafetensorsDType(int bits, boolean supported) {
        this.bits = bits;
        this.supported = supported;
    }

    /** Bytes per element (only for whole-byte dtypes). */
    int bytes() {
        return bits / 8;
    }

    /**
     * Ordering rank used by the reference writer: tensors are laid out by decreasing rank, i.e. the
     * declaration order of its {@code Dtype} enum, which this enum mirrors.
     */
    int writeRank() {
        return ordinal();
    }

    /** The dtype called {@code name}, or null when the name is not a safetensors dtype. */
    static SafetensorsDType byName(String name) {
        for (SafetensorsDType d : values()) {
            if (d.name().equals(name)) {
                return d;
            }
        }
        return null;
    }
}
