package dev.ganglion.cuda;

import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The downcall handles of one library, each linked on first use: a binding class for a library that
 * lacks a rarely used function still works for everything else, and a missing symbol is reported
 * by name when (and only when) it is needed.
 */
final class NativeBindings {
    private final String library;
    private final SymbolLookup symbols;
    // Keyed by name (a library exports each name once): a String's hash is cached, whereas the record's
    // hashCode and equals walk its FunctionDescriptor on every call.
    private final Map<String, MethodHandle> handles = new ConcurrentHashMap<>();

    NativeBindings(String library, SymbolLookup symbols) {
        this.library = library;
        this.symbols = symbols;
    }

    /** The linked handle, or {@link IllegalStateException} naming the missing function. */
    MethodHandle handle(Downcall d) {
        MethodHandle h = handles.get(d.name());
        return h != null ? h : handles.computeIfAbsent(d.name(), n -> link(d));
    }

    /** Whether the library exports {@code name}. */
    boolean has(String name) {
        return symbols.find(name).isPresent();
    }

    private MethodHandle link(Downcall d) {
        MemorySegment symbol = symbols.find(d.name()).orElseThrow(() -> new IllegalStateException(
                library + " has no function " + d.name() + " (a version older than this binding expects?)"));
        return Linker.nativeLinker().downcallHandle(symbol, d.descriptor());
    }
}
