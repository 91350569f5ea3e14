package dev.ganglion.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code bench/python/reference.py} (PyTorch, else NumPy) on the same shapes, pass and
 * thread count as a {@link BenchCase}, and reads back its measurement lines.
 */
public final class PythonReference {
    /** Relative path of the script from the repository root. */
    public static final String SCRIPT = "bench/python/reference.py";

    /** A Python interpreter and the library it will time with: "torch" or "numpy". */
    public record Interpreter(String command, String library) {}

    private static final String PROBE = "import importlib.util as u;"
            + "print('torch' if u.find_spec('torch') else 'numpy' if u.find_spec('numpy') else 'none')";

    private PythonReference() {}

    /**
     * The interpreter {@code $GANGLION_PYTHON} names, when set (with torch, else numpy, else none);
     * otherwise the first of {@code python3} on the PATH and {@code /usr/bin/python3} that has torch,
     * else the first that has numpy, else empty.
     */
    public static Optional<Interpreter> find() {
        return find(System.getenv("GANGLION_PYTHON"));
    }

    /** {@link #find()} with {@code chosen} in place of {@code $GANGLION_PYTHON} (null or blank: unset). */
    static Optional<Interpreter> find(String chosen) {
        List<String> candidates = chosen != null && !chosen.isBlank() ? List.of(chosen) : List.of("python3", "/usr/bin/python3");
        Interpreter numpy = null;
        for (String c : candidates) {
            String lib = probe(c);
            if (lib.equals("torch")) {
                return Optional.of(new Interpreter(c, lib));
            }
            if (lib.equals("numpy") && numpy == null) {
                numpy = new Interpreter(c, lib);
            }
        }
        return Optional.ofNullable(numpy);
    }

    private static String probe(String python) {
        try {
            Process p = new ProcessBuilder(python, "-c", PROBE).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : "none";
        } catch (IOException e) {
            return "none";   // not installed under that name
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "none";
        }
    }

    /**
     * The script: under system property {@code ganglion.home} (set by the launcher), else in the
     * working directory or one of its parents.
     */
    public static Path script() {
        String home = System.getProperty("ganglion.home");
        List<Path> tried = new ArrayList<>();
        if (home != null) {
            tried.add(Path.of(home).resolve(SCRIPT));
        }
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            tried.add(d.resolve(SCRIPT));
        }
        return tried.stream().filter(Files::isRegularFile).findFirst().orElseThrow(() ->
                new IllegalStateException("--compare: cannot find " + SCRIPT
                        + " (run through ./ganglion, or from the repository)"));
    }

    /** Runs the reference for {@code c} on the CPU; its lines, with the library as {@code impl}. */
    public static List<Measurement> run(Interpreter py, Path script, BenchCase c, int threads,
                                        Timing.Settings s) throws IOException, InterruptedException {
        return run(py, script, c, threads, s, "cpu");
    }

    /**
     * Runs the reference for {@code c} on {@code device} ({@code "cpu"}, or {@code "cuda"}: torch on
     * the GPU, timed with {@code torch.cuda.synchronize()} around each sample).
     */
    public static List<Measurement> run(Interpreter py, Path script, BenchCase c, int threads,
                                        Timing.Settings s, String device) throws IOException, InterruptedException {
        List<String> cmd = List.of(py.command(), script.toString(), c.kernel(),
                "--shape", Json.write(c.shape()), "--pass", c.pass(), "--threads", Integer.toString(threads),
                "--repeat", Integer.toString(s.repeat()), "--warmup-ms", Long.toString(s.warmupMillis()),
                "--lib", py.library(), "--device", device);
        Path errFile = Files.createTempFile("ganglion-reference", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(errFile.toFile());
            // NOTE: BLAS pools read these at import, before the script can call set_num_threads.
            Map<String, String> env = pb.environment();
            for (String v : List.of("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")) {
                env.put(v, Integer.toString(threads));
            }
            Process p = pb.start();
            List<String> lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                    .lines().filter(l -> l.startsWith("{")).toList();
            int rc = p.waitFor();
            if (rc != 0) {
                throw new IOException("--compare: " + String.join(" ", cmd.subList(0, 3)) + " failed (exit "
                        + rc + "): " + lastLine(errFile));
            }
            return lines.stream().map(Measurement::fromJson).toList();
        } finally {
            Files.deleteIfExists(errFile);
        }
    }

    private static String lastLine(Path f) throws IOException {
        List<String> l = Files.readAllLines(f).stream().filter(x -> !x.isBlank()).toList();
        return l.isEmpty() ? "(no message)" : l.getLast().strip();
    }
}
