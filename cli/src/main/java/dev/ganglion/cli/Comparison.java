package dev.ganglion.cli;

import dev.ganglion.bench.BenchCase;
import dev.ganglion.bench.Measurement;
import dev.ganglion.bench.PythonReference;
import dev.ganglion.bench.Timing;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * {@code --compare}: the same case timed by bench/python/reference.py with PyTorch (else NumPy);
 * each reference line gets {@code ganglion_speedup} = reference ms / ganglion ms (and, from the caller, the
 * peak measured after all the timings).
 */
final class Comparison {
    private static Optional<PythonReference.Interpreter> python;
    private static boolean noticeShown;

    private Comparison() {}

    /** Times the references with {@code interpreter} (null: look one up again); for tests. */
    static synchronized void usePython(PythonReference.Interpreter interpreter) {
        python = interpreter == null ? null : Optional.of(interpreter);
        noticeShown = false;
    }

    static List<Measurement> reference(BenchCase c, Measurement ganglion, int threads,
                                       Timing.Settings s, PrintWriter err) throws IOException {
        return reference(c, ganglion, threads, s, "cpu", err);
    }

    /** As above on {@code device} ("cpu" or "cuda": torch on the GPU, synchronised around each sample). */
    static List<Measurement> reference(BenchCase c, Measurement ganglion, int threads,
                                       Timing.Settings s, String device, PrintWriter err) throws IOException {
        if (python == null) {
            python = PythonReference.find();
        }
        if (python.isEmpty()) {
            if (!noticeShown) {
                String chosen = System.getenv("GANGLION_PYTHON");
                err.println("ganglion bench: --compare: " + (chosen != null && !chosen.isBlank()
                        ? "GANGLION_PYTHON=" + chosen + " is not a python3 with torch or numpy"
                        : "no python3 with torch or numpy found (set GANGLION_PYTHON)") + "; no reference timings");
                err.flush();
                noticeShown = true;
            }
            return List.of();
        }
        boolean needsTorch = c.kernel().startsWith("step-") || device.equals("cuda");   // reference.py's rule
        if (needsTorch && !python.get().library().equals("torch")) {
            // the measurement is taken: say why there is no reference line instead of failing the run
            err.println("ganglion bench: --compare: " + (device.equals("cuda") ? "--device cuda" : c.kernel())
                    + " needs torch, and " + python.get().command() + " has only " + python.get().library()
                    + "; no reference timings");
            err.flush();
            return List.of();
        }
        Path script = PythonReference.script();
        try {
            return PythonReference.run(python.get(), script, c, threads, s, device).stream()
                    .map(r -> r.with("ganglion_speedup", Measurement.round(r.medianMs() / ganglion.medianMs())))
                    .toList();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("--compare interrupted", e);
        }
    }
}
