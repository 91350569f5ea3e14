package dev.ganglion.cuda;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * Where the CUDA libraries are looked for, in order:
 * <ol>
 *   <li>the property {@value #PROPERTY}, then the environment variable {@value #ENV} (each a
 *       {@code :}-separated list of folders: library folders, toolkit roots or site-packages);</li>
 *   <li>{@code $CUDA_HOME} ({@code lib64}, {@code lib}, {@code targets/x86_64-linux/lib});</li>
 *   <li>NVIDIA's Python wheels under every site-packages folder found ({@code nvidia/cu13/lib},
 *       {@code nvidia/cu12/lib}, then {@code nvidia/}<i>any</i>{@code /lib});</li>
 *   <li>{@code /usr/local/cuda}, then {@code /usr/local/cuda-*}, newest version first;</li>
 *   <li>the system loader (LD_LIBRARY_PATH, the ldconfig cache), by file name only.</li>
 * </ol>
 * System folders are resolved under a root (normally {@code /}) so tests can run the whole search
 * on a fake directory tree.
 */
final class SearchLocations {
    static final String PROPERTY = "ganglion.cuda.path";
    static final String ENV = "GANGLION_CUDA_PATH";

    /** One place to search: where it came from (for messages) and its folders; none = system loader. */
    record Location(String origin, List<Path> dirs) {
        boolean isSystemLoader() {
            return dirs.isEmpty();
        }
    }

    /** What the search reads from the outside world; {@link #system()} is the real one. */
    record Environment(UnaryOperator<String> property, UnaryOperator<String> env, Path root) {
        static Environment system() {
            return new Environment(System::getProperty, System::getenv, Path.of("/"));
        }
    }

    /** The ordered locations, plus one line for each source that was not applicable. */
    record Plan(List<Location> locations, List<String> skipped) {}

    private SearchLocations() {}

    static Plan of(Environment e) {
        List<Location> out = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        explicit(out, skipped, "property " + PROPERTY, e.property().apply(PROPERTY));
        explicit(out, skipped, "env " + ENV, e.env().apply(ENV));
        String cudaHome = e.env().apply("CUDA_HOME");
        if (isSet(cudaHome)) {
            out.add(new Location("CUDA_HOME=" + cudaHome, toolkitDirs(Path.of(cudaHome))));
        } else {
            skipped.add("CUDA_HOME not set");
        }
        List<Path> sites = sitePackages(e);
        for (Path site : sites) {
            out.add(new Location("Python wheels in " + site, wheelDirs(site)));
        }
        if (sites.isEmpty()) {
            skipped.add("no site-packages folder with NVIDIA wheels (nvidia/*/lib)");
        }
        List<Path> toolkits = toolkits(e.root());
        for (Path toolkit : toolkits) {
            out.add(new Location(toolkit.toString(), toolkitDirs(toolkit)));
        }
        if (toolkits.isEmpty()) {
            skipped.add("no " + e.root().resolve("usr/local/cuda*"));
        }
        out.add(new Location("system loader", List.of()));
        return new Plan(List.copyOf(out), List.copyOf(skipped));
    }

    private static void explicit(List<Location> out, List<String> skipped, String origin, String value) {
        if (!isSet(value)) {
            skipped.add(origin + " not set");
            return;
        }
        List<Path> dirs = new ArrayList<>();
        for (String entry : value.split(":")) {
            if (!entry.isBlank()) {
                Path p = Path.of(entry.strip());
                dirs.add(p);
                dirs.addAll(toolkitDirs(p));
                dirs.addAll(wheelDirs(p));
            }
        }
        out.add(new Location(origin + "=" + value, dirs));
    }

    private static boolean isSet(String v) {
        return v != null && !v.isBlank();
    }

    /** The library folders of a toolkit install (lib64 is often a link to lib: duplicates are harmless). */
    static List<Path> toolkitDirs(Path root) {
        return List.of(root.resolve("lib64"), root.resolve("lib"), root.resolve("targets/x86_64-linux/lib"));
    }

    /** Wheel layouts: CUDA 13 puts every library in nvidia/cu13/lib, CUDA 12 one folder per library. */
    static List<Path> wheelDirs(Path site) {
        Path nvidia = site.resolve("nvidia");
        List<Path> dirs = new ArrayList<>(List.of(nvidia.resolve("cu13/lib"), nvidia.resolve("cu12/lib")));
        for (Path sub : children(nvidia)) {
            String name = sub.getFileName().toString();
            if (!name.equals("cu13") && !name.equals("cu12")) {
                dirs.add(sub.resolve("lib"));
            }
        }
        return dirs;
    }

    /** Site-packages folders that contain an {@code nvidia} folder, most specific first. */
    static List<Path> sitePackages(Environment e) {
        Set<Path> candidates = new LinkedHashSet<>();
        for (String var : List.of("VIRTUAL_ENV", "CONDA_PREFIX")) {
            String prefix = e.env().apply(var);
            if (isSet(prefix)) {
                pythonDirs(Path.of(prefix, "lib"), candidates, "site-packages");
            }
        }
        String pythonPath = e.env().apply("PYTHONPATH");
        if (isSet(pythonPath)) {
            for (String entry : pythonPath.split(":")) {
                if (!entry.isBlank()) {
                    candidates.add(Path.of(entry.strip()));
                }
            }
        }
        String home = e.property().apply("user.home");
        if (isSet(home)) {
            pythonDirs(Path.of(home, ".local/lib"), candidates, "site-packages");
        }
        Path root = e.root();
        pythonDirs(root.resolve("usr/local/lib"), candidates, "dist-packages", "site-packages");
        candidates.add(root.resolve("usr/lib/python3/dist-packages"));
        pythonDirs(root.resolve("usr/lib"), candidates, "dist-packages", "site-packages");
        pythonDirs(root.resolve("opt/conda/lib"), candidates, "site-packages");
        return candidates.stream().filter(p -> Files.isDirectory(p.resolve("nvidia"))).toList();
    }

    /** Adds {@code libDir/python3.X/<kind>} for every python3.X folder, newest version first. */
    private static void pythonDirs(Path libDir, Set<Path> into, String... kinds) {
        List<Path> pythons = children(libDir).stream()
                .filter(p -> p.getFileName().toString().startsWith("python3."))
                .sorted(Comparator.comparing(SearchLocations::versionKey).reversed())
                .toList();
        for (Path python : pythons) {
            for (String kind : kinds) {
                into.add(python.resolve(kind));
            }
        }
    }

    /** {@code /usr/local/cuda} first (the admin's choice), then {@code cuda-X.Y} newest first. */
    static List<Path> toolkits(Path root) {
        Path local = root.resolve("usr/local");
        List<Path> out = new ArrayList<>();
        if (Files.isDirectory(local.resolve("cuda"))) {
            out.add(local.resolve("cuda"));
        }
        children(local).stream()
                .filter(p -> p.getFileName().toString().startsWith("cuda-"))
                .sorted(Comparator.comparing(SearchLocations::versionKey).reversed())
                .forEach(out::add);
        return out;
    }

    /** Sortable key from the digits in a folder name: {@code cuda-12.10} after {@code cuda-12.9}. */
    static String versionKey(Path p) {
        StringBuilder key = new StringBuilder();
        for (String part : p.getFileName().toString().split("\\D+")) {
            if (!part.isEmpty()) {
                key.append(String.format("%06d.", Long.parseLong(part.length() > 6 ? part.substring(0, 6) : part)));
            }
        }
        return key.toString();
    }

    private static List<Path> children(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
