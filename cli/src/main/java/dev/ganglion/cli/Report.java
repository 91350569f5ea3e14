package dev.ganglion.cli;

import dev.ganglion.bench.Measurement;
import dev.ganglion.engine.Vectorization;
import dev.ganglion.engine.backend.DeviceInfoProvider;
import dev.ganglion.engine.kernel.VectorInfo;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** The human-readable table of {@code ganglion bench}. */
final class Report {
    private Report() {}

    static void print(PrintWriter out, String kernel, int threads, Double peak, List<Measurement> ms) {
        VectorInfo v = VectorInfo.active();
        out.printf(Locale.ROOT, "%s on %d thread%s, %s; FMA peak %s%n", kernel, threads, threads == 1 ? "" : "s",
                Vectorization.enabled() ? "SIMD " + v.bitSize() + " bits" : "scalar kernels",
                peak == null ? "not measured" : String.format(Locale.ROOT, "%.1f GFLOP/s", peak));
        boolean compared = ms.stream().anyMatch(m -> m.extra().containsKey("ganglion_speedup"));
        Table t = compared
                ? new Table("impl", "pass", "shape", ">median ms", ">GFLOP/s", ">% of peak", ">ganglion speed-up")
                : new Table("impl", "pass", "shape", ">median ms", ">GFLOP/s", ">% of peak");
        for (Measurement m : ms) {
            String impl = m.impl() + (m.extra().get("variant") instanceof String s ? " (" + s + ")" : "")
                    + (m.kernel().equals(kernel) ? "" : " " + m.kernel());
            String[] cells = {impl, m.pass(), shape(m.shape()), fmt("%.4g", m.medianMs()),
                    m.gflops() == null ? "-" : fmt("%.1f", m.gflops()),
                    m.fractionOfPeak() == null ? "-" : fmt("%.1f %%", 100 * m.fractionOfPeak())};
            if (compared) {
                Object r = m.extra().get("ganglion_speedup");
                cells = append(cells, r instanceof Number x ? fmt("%.2f×", x.doubleValue()) : "");
            }
            t.add(cells);
        }
        t.print(out);
        for (Measurement m : ms) {
            if (m.extra().get("speedup") instanceof Number x) {
                out.printf(Locale.ROOT, "%s is %.2f× as fast as %s (median of the ratios of paired samples, "
                        + "interleaved in this run)%n", m.kernel(), x.doubleValue(), m.extra().get("versus"));
            }
        }
    }

    /** The table of {@code --device cuda}: device time per call and the host's cost to queue one. */
    static void printDevice(PrintWriter out, String kernel, DeviceInfoProvider.DeviceInfo d, List<Measurement> ms) {
        out.printf(Locale.ROOT, "%s on %s (compute capability %s), CUDA runtime %s; device time per call%n",
                kernel, d.name(), d.computeCapability(), d.runtimeVersion());
        Table t = new Table("impl", "pass", "shape", ">median ms", ">GFLOP/s", ">host µs/call", ">ganglion speed-up");
        for (Measurement m : ms) {
            String impl = m.impl() + (m.extra().get("variant") instanceof String s ? " (" + s + ")" : "");
            Object host = m.extra().get("host_us_per_call");
            Object r = m.extra().get("ganglion_speedup");
            t.add(impl, m.pass(), shape(m.shape()), fmt("%.4g", m.medianMs()),
                    m.gflops() == null ? "-" : fmt("%.1f", m.gflops()),
                    host instanceof Number h ? fmt("%.2f", h.doubleValue()) : "-",
                    r instanceof Number x ? fmt("%.2f×", x.doubleValue()) : "");
        }
        t.print(out);
    }

    /** "m=512 n=512 k=512 trans_a" (true flags by name, false ones omitted). */
    static String shape(Map<String, Object> shape) {
        return shape.entrySet().stream()
                .filter(e -> !Boolean.FALSE.equals(e.getValue()))
                .map(e -> Boolean.TRUE.equals(e.getValue()) ? e.getKey() : e.getKey() + "=" + plain(e.getValue()))
                .collect(Collectors.joining(" "));
    }

    private static String plain(Object v) {
        if (v instanceof Double d && d == Math.rint(d)) {
            return Long.toString(d.longValue());
        }
        return String.valueOf(v);
    }

    private static String fmt(String f, double x) {
        return String.format(Locale.ROOT, f, x);
    }

    private static String[] append(String[] a, String s) {
        String[] r = java.util.Arrays.copyOf(a, a.length + 1);
        r[a.length] = s;
        return r;
    }
}
