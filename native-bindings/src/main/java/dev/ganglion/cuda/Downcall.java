package dev.ganglion.cuda;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.ValueLayout;

/**
 * A C function's name and signature: what one downcall handle is made from. The binding classes
 * declare one constant per function they use; {@link NativeBindings} links them on first use.
 *
 * <p>C to layout mapping on Linux x86-64 (LP64): {@code int}, {@code unsigned int} and enums are
 * {@link #INT}; {@code size_t}, {@code int64_t} and {@code long long} are {@link #LONG}; every
 * pointer and opaque handle ({@code cudaStream_t}, {@code cublasHandle_t}, ...) is {@link #POINTER}.
 */
record Downcall(String name, FunctionDescriptor descriptor) {
    static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT;
    static final AddressLayout POINTER = ValueLayout.ADDRESS;
    /** {@code const char*} results, readable up to their terminating NUL (error strings are short). */
    static final AddressLayout C_STRING =
            ValueLayout.ADDRESS.withTargetLayout(MemoryLayout.sequenceLayout(4096, ValueLayout.JAVA_BYTE));

    /** A function returning a status code ({@code cudaError_t}, {@code cublasStatus_t}, ...). */
    static Downcall status(String name, MemoryLayout... args) {
        return new Downcall(name, FunctionDescriptor.of(INT, args));
    }

    /** A function returning {@code const char*}. */
    static Downcall string(String name, MemoryLayout... args) {
        return new Downcall(name, FunctionDescriptor.of(C_STRING, args));
    }
}
