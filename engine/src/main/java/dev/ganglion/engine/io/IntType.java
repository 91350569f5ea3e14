package dev.ganglion.engine.io;

/**
 * On-disk type of an int array written by {@link SafetensorsWriter#putInts}: {@code I32} and
 * {@code I64} hold any int, {@code U8} holds 0–255 (checked).
 */
public enum IntType {
    I32,
    I64,
    U8
}
