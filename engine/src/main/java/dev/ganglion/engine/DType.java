package dev.ganglion.engine;

/**
 * Element type of a {@link Tensor}. {@code F32} is the compute type; {@code F64} exists for
 * references and gradient checks, where float32 rounding would hide the error being measured.
 */
public enum DType {
    /** IEEE 754 float32 ({@code float[]} storage), 4 bytes per element. */
    F32(4),
    /** IEEE 754 float64 ({@code double[]} storage), 8 bytes per element. */
    F64(8);

    private final int byteSize;

    DType(int byteSize) {
        this.byteSize = byteSize;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }
}
