package dev.ganglion.bench;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One timed kernel: the {@code ganglion bench --json} line of shared/specs/cli.md.
 * {@code gflops = usefulFlops / (medianMs·10⁶)}; null when the kernel has no flop count.
 *
 * @param kernel     "gemm", "blockdiag", ...
 * @param shape      the kernel's size parameters in display order (values: Integer, Double, String, Boolean)
 * @param pass       "forward", "input-grad" or "weight-grad"
 * @param device     "cpu" or "cuda"
 * @param threads    threads the kernel was allowed
 * @param impl       "ganglion", "torch" or "numpy"
 * @param medianMs   median wall time of one call, milliseconds
 * @param gflops     useful GFLOP/s, or null
 * @param peakGflops the FMA peak measured here for {@code threads}, or null (GPU, or not measured)
 * @param extra      further fields appended to the JSON line (e.g. "variant" of a reference), never null
 */
public record Measurement(String kernel, Map<String, Object> shape, String pass, String device,
                          int threads, String impl, double medianMs, Double gflops, Double peakGflops,
                          Map<String, Object> extra) {
    public Measurement {
        shape = Collections.unmodifiableMap(new LinkedHashMap<>(shape));
        extra = Collections.unmodifiableMap(new LinkedHashMap<>(extra));
    }

    /** GFLOP/s for {@code flops} useful flops done in {@code ms} milliseconds; null if flops is NaN. */
    public static Double gflopsOf(double flops, double ms) {
        return Double.isNaN(flops) || !(ms > 0) ? null : flops / (ms * 1e6);
    }

    /** A copy with the peak set (the peak is measured once, after the kernels). */
    public Measurement withPeak(Double peak) {
        return new Measurement(kernel, shape, pass, device, threads, impl, medianMs, gflops, peak, extra);
    }

    /** A copy with one more extra field. */
    public Measurement with(String key, Object value) {
        Map<String, Object> e = new LinkedHashMap<>(extra);
        e.put(key, value);
        return new Measurement(kernel, shape, pass, device, threads, impl, medianMs, gflops, peakGflops, e);
    }

    /** Fraction of the peak reached, or null. */
    public Double fractionOfPeak() {
        return gflops == null || peakGflops == null || peakGflops <= 0 ? null : gflops / peakGflops;
    }

    /** The JSON line: the cli.md fields in cli.md order, then the extras. */
    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kernel", kernel);
        m.put("shape", shape);
        m.put("pass", pass);
        m.put("device", device);
        m.put("threads", threads);
        m.put("impl", impl);
        m.put("median_ms", round(medianMs));
        m.put("gflops", gflops == null ? null : round(gflops));
        m.put("peak_gflops", peakGflops == null ? null : round(peakGflops));
        m.putAll(extra);
        return Json.write(m);
    }

    /**
     * Reads a line in the {@link #toJson} format (as the Python reference scripts print it);
     * fields other than the cli.md ones go to {@code extra}.
     */
    @SuppressWarnings("unchecked")
    public static Measurement fromJson(String line) {
        if (!(Json.parse(line) instanceof Map<?, ?> raw)) {
            throw new IllegalArgumentException("not a JSON object: " + line);
        }
        Map<String, Object> m = new LinkedHashMap<>((Map<String, Object>) raw);
        try {
            Measurement r = new Measurement(
                    (String) m.remove("kernel"), (Map<String, Object>) m.remove("shape"),
                    (String) m.remove("pass"), (String) m.remove("device"),
                    ((Number) m.remove("threads")).intValue(), (String) m.remove("impl"),
                    ((Number) m.remove("median_ms")).doubleValue(),
                    toDouble(m.remove("gflops")), toDouble(m.remove("peak_gflops")), m);
            if (r.kernel == null || r.impl == null || r.pass == null || r.device == null) {
                throw new IllegalArgumentException("missing kernel, pass, device or impl");
            }
            return r;
        } catch (ClassCastException | NullPointerException e) {
            throw new IllegalArgumentException("not a measurement line (" + e.getMessage() + "): " + line);
        }
    }

    private static Double toDouble(Object o) {
        return o == null ? null : ((Number) o).doubleValue();
    }

    /** Four significant digits: timings are not more precise than that. */
    public static double round(double x) {
        if (!Double.isFinite(x) || x == 0) {
            return x;
        }
        return new BigDecimal(x).round(new MathContext(4)).doubleValue();
    }
}
