package dev.ganglion.cuda;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Opens a shared library by absolute path or bare file name (the latter through the system loader's
 * own search). A failure throws {@link IllegalStateException} carrying the dynamic loader's reason.
 */
interface LibraryLoader {
    SymbolLookup open(String pathOrName);

    /** The real loader: {@code dlopen} through the FFM API, so that failures keep {@code dlerror()}'s text. */
    static LibraryLoader system() {
        return Dlopen.INSTANCE;
    }

    /**
     * {@code dlopen}/{@code dlsym} from libc. The JDK's {@link SymbolLookup#libraryLookup(Path, Arena)}
     * only says "Cannot open library"; the loader's own message ("libnvJitLink.so.13: cannot open
     * shared object file", "wrong ELF class") is what tells a user what to install.
     */
    final class Dlopen implements LibraryLoader {
        /** {@code <dlfcn.h>}: resolve every symbol at load time, so a mismatched dependency fails here. */
        private static final int RTLD_NOW = 2;
        private static final AddressLayout C_STRING =
                ValueLayout.ADDRESS.withTargetLayout(MemoryLayout.sequenceLayout(4096, ValueLayout.JAVA_BYTE));

        static final Dlopen INSTANCE = new Dlopen();

        private final MethodHandle dlopen;
        private final MethodHandle dlerror;
        private final MethodHandle dlsym;

        private Dlopen() {
            Linker linker = Linker.nativeLinker();
            SymbolLookup libc = linker.defaultLookup();
            dlopen = find(linker, libc, "dlopen",
                    FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
            dlerror = find(linker, libc, "dlerror", FunctionDescriptor.of(C_STRING));
            dlsym = find(linker, libc, "dlsym",
                    FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
        }

        private static MethodHandle find(Linker linker, SymbolLookup libc, String name, FunctionDescriptor fd) {
            return libc.find(name).map(s -> linker.downcallHandle(s, fd)).orElse(null);
        }

        @Override
        public SymbolLookup open(String pathOrName) {
            if (dlopen == null || dlerror == null || dlsym == null) {
                return openWithJdk(pathOrName);
            }
            MemorySegment handle;
            try (Arena arena = Arena.ofConfined()) {
                handle = (MemorySegment) dlopen.invokeExact(arena.allocateFrom(pathOrName), RTLD_NOW);
                if (handle.address() == 0) {
                    MemorySegment err = (MemorySegment) dlerror.invokeExact();
                    throw new IllegalStateException(err.address() == 0 ? "dlopen failed" : err.getString(0));
                }
            } catch (IllegalStateException e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException("dlopen(" + pathOrName + ") failed: " + t, t);
            }
            // NOTE: never dlclose'd: the CUDA libraries live as long as the process.
            MemorySegment library = handle;
            return name -> lookup(library, name);
        }

        private Optional<MemorySegment> lookup(MemorySegment library, String name) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment symbol = (MemorySegment) dlsym.invokeExact(library, arena.allocateFrom(name));
                return symbol.address() == 0 ? Optional.empty() : Optional.of(symbol);
            } catch (Throwable t) {
                throw new IllegalStateException("dlsym(" + name + ") failed: " + t, t);
            }
        }

        private static SymbolLookup openWithJdk(String pathOrName) {
            try {
                return pathOrName.contains("/")
                        ? SymbolLookup.libraryLookup(Path.of(pathOrName), Arena.global())
                        : SymbolLookup.libraryLookup(pathOrName, Arena.global());
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }
    }
}
