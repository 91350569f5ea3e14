package dev.ganglion.cuda;

import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Finds and opens the CUDA libraries, remembering for each one where it came from or, when it
 * could not be opened, every place that was tried and why it failed.
 *
 * <p>Search order: see {@link SearchLocations}. Within a location the CUDA 13 file names are tried
 * before CUDA 12 ones ({@link CudaLibrary#fileNames()}). A library's dependency (cuBLASLt for
 * cuBLAS, nvJitLink for cuSPARSE) is opened first from the same location, so the dynamic loader
 * reuses it instead of looking for it elsewhere. Each library is searched once, on first request.
 */
public final class CudaLibraries {
    /** A library that opened: the file (or bare name for the system loader), where it came from, its symbols. */
    public record Found(CudaLibrary library, String file, String origin, SymbolLookup symbols) {}

    private record Outcome(Found found, String reason) {}

    /** glibc's dlerror() text for a file name the loader found nowhere. */
    private static final String NO_SUCH_FILE = "cannot open shared object file: No such file or directory";

    private final SearchLocations.Plan plan;
    private final LibraryLoader loader;
    private final Map<CudaLibrary, Outcome> outcomes = new EnumMap<>(CudaLibrary.class);

    CudaLibraries(SearchLocations.Plan plan, LibraryLoader loader) {
        this.plan = plan;
        this.loader = loader;
    }

    /** The process-wide instance searching the real environment. */
    public static CudaLibraries system() {
        return SystemHolder.INSTANCE;
    }

    private static final class SystemHolder {
        static final CudaLibraries INSTANCE =
                new CudaLibraries(SearchLocations.of(SearchLocations.Environment.system()), LibraryLoader.system());
    }

    /** The library if it could be opened (searching on first call). */
    public synchronized Optional<Found> find(CudaLibrary library) {
        return Optional.ofNullable(outcomes.computeIfAbsent(library, this::search).found());
    }

    /** Why {@code library} is unavailable, naming every location tried; empty when it was found. */
    public synchronized String reason(CudaLibrary library) {
        Outcome o = outcomes.computeIfAbsent(library, this::search);
        return o.found() != null ? "" : o.reason();
    }

    /** The library's symbols, or {@link IllegalStateException} with {@link #reason(CudaLibrary)}. */
    public SymbolLookup require(CudaLibrary library) {
        return find(library).map(Found::symbols).orElseThrow(() -> new IllegalStateException(reason(library)));
    }

    /** One line per library: where it was found, or why not. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        for (CudaLibrary lib : CudaLibrary.values()) {
            Optional<Found> f = find(lib);
            sb.append(lib.displayName()).append(": ")
                    .append(f.map(x -> x.file() + " (" + x.origin() + ")").orElse(reason(lib)))
                    .append('\n');
        }
        return sb.toString();
    }

    private Outcome search(CudaLibrary library) {
        List<String> tried = new ArrayList<>();
        Set<Path> seen = new HashSet<>();
        for (SearchLocations.Location location : plan.locations()) {
            Found found = location.isSystemLoader()
                    ? fromSystemLoader(library, tried)
                    : fromFolders(library, location, seen, tried);
            if (found != null) {
                return new Outcome(found, "");
            }
        }
        StringBuilder reason = new StringBuilder(library.displayName()).append(" not found (")
                .append(String.join(", ", library.fileNames())).append("): ")
                .append(String.join("; ", tried));
        if (!plan.skipped().isEmpty()) {
            reason.append("; also ").append(String.join(", ", plan.skipped()));
        }
        return new Outcome(null, reason.toString());
    }

    private Found fromFolders(CudaLibrary library, SearchLocations.Location location, Set<Path> seen,
                              List<String> tried) {
        List<Path> files = existing(library, location.dirs());
        if (files.isEmpty()) {
            tried.add(location.origin() + ": not in " + folders(location.dirs()));
            return null;
        }
        for (Path file : files) {
            if (!seen.add(realPath(file))) {
                continue;
            }
            try {
                openDependency(library, location);
                return new Found(library, file.toString(), location.origin(), loader.open(file.toString()));
            } catch (IllegalStateException e) {
                tried.add(location.origin() + ": " + e.getMessage());
            }
        }
        return null;
    }

    /** The dependency from the same location if it is there; otherwise the loader's own search applies. */
    private void openDependency(CudaLibrary library, SearchLocations.Location location) {
        Optional<CudaLibrary> dep = library.dependency();
        if (dep.isEmpty()) {
            return;
        }
        List<Path> files = existing(dep.get(), location.dirs());
        if (!files.isEmpty()) {
            try {
                loader.open(files.get(0).toString());
            } catch (IllegalStateException e) {
                throw new IllegalStateException(dep.get().displayName() + " (needed by "
                        + library.displayName() + ") " + files.get(0) + ": " + e.getMessage(), e);
            }
        }
    }

    private Found fromSystemLoader(CudaLibrary library, List<String> tried) {
        Set<String> errors = new LinkedHashSet<>();
        library.dependency().ifPresent(this::preloadByName);
        for (String name : library.fileNames()) {
            try {
                return new Found(library, name, "system loader", loader.open(name));
            } catch (IllegalStateException e) {
                errors.add(e.getMessage());
            }
        }
        boolean allMissing = errors.stream().allMatch(e -> e.endsWith(NO_SUCH_FILE));
        tried.add("system loader: " + (allMissing ? "not found (LD_LIBRARY_PATH, ldconfig cache)"
                : String.join("; ", errors)));
        return null;
    }

    /** Best effort: a failure here resurfaces, with its reason, when the library itself is opened. */
    private void preloadByName(CudaLibrary dep) {
        for (String name : dep.fileNames()) {
            try {
                loader.open(name);
                return;
            } catch (IllegalStateException ignored) {
                // try the next soname
            }
        }
    }

    /** Existing candidate files, CUDA 13 names in every folder before CUDA 12 names. */
    private static List<Path> existing(CudaLibrary library, List<Path> dirs) {
        List<Path> out = new ArrayList<>();
        for (String name : library.fileNames()) {
            for (Path dir : dirs) {
                Path file = dir.resolve(name);
                if (Files.isRegularFile(file)) {
                    out.add(file);
                }
            }
        }
        return out;
    }

    private static String folders(List<Path> dirs) {
        return dirs.size() <= 4 ? dirs.toString() : "any of its " + dirs.size() + " folders";
    }

    private static Path realPath(Path file) {
        try {
            return file.toRealPath();
        } catch (java.io.IOException e) {
            return file.toAbsolutePath().normalize();
        }
    }
}
