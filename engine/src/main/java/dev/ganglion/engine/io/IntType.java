package dev.ganglion.engine.io;

/**
 * On-disk type of an int array written by {@link SafetensorsWriter#putInts}: {@code I32} and
 * {@code I64} hold any int, {@code U8} holds 0–255 (checked).
 */
public enum IntType {
    /** Signed 32-bit integers, 4 bytes per element (little-endian). */
    I32,
    /** Signed 64-bit integers, 8 bytes per element (little-endian), each int sign-extended. */
    I64,
    /** Unsigned bytes, 1 byte per element; every value must lie in 0–255. */
    U8
}
