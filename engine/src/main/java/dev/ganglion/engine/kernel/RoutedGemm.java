package dev.ganglion.engine.kernel;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The engine's GEMM entry point, {@link GemmKernel#active()}: every float32 product of the engine
 * ({@code Linalg}, the block-diagonal products, the recurrent cells) calls it. Without a device it
 * hands each call to the CPU kernel. Once {@link #offloadTo} names a device kernel (a
 * {@link GemmKernel} over host arrays that copies the operands to an accelerator and C back, such
 * as the CUDA backend's {@code hostGemm()}), each product runs where it is faster:
 *
 * <p>{@link Policy#MEASURED}: the first call of each shape — (op(A), op(B), m, n, k, whether β = 0)
 * — runs on both kernels, one warm-up and {@value #TIMED_RUNS} timed runs each, into a scratch copy
 * of C (so the caller's C is written once, as always), and the kernel with the smaller best wall
 * time takes that call and the later ones of the shape. The shape is measured again at its
 * {@link #MEASURE_AGAIN_AT} calls, since the first measurement catches the CPU kernel before the
 * JIT has compiled it (on an H200 host a 128×128×128 block product timed 15.8 ms at its first
 * call), and each kernel keeps its best time over all measurements (a 16-thread CPU product timed
 * 8.6 ms against its 1–2 ms in the step while the JIT's compiler threads held cores). The device's
 * time includes its copies, so small products stay on the CPU and large ones move. Measurements
 * run one at a time. Callers that issue independent products from several
 * threads should issue them one after another when {@link #mayOffload}: the device runs them one
 * at a time, which a per-call timing cannot see (the block-diagonal products do).
 * {@link Policy#DEVICE}: every non-empty product on the device (parity tests, or a user who knows).
 *
 * <p>Thread-safe: the device kernel must accept calls from any thread (the CUDA one serialises
 * them). Routing never changes the arithmetic contract of {@link GemmKernel}; results may differ in
 * rounding between the two kernels.
 */
public final class RoutedGemm implements GemmKernel {
    /** Timed runs per kernel when a shape is first measured (after one warm-up run). */
    public static final int TIMED_RUNS = 3;

    /** The calls of a shape (counted from 1) at which it is measured again. */
    public static final List<Long> MEASURE_AGAIN_AT = List.of(10L, 100L, 1000L);

    /** How products are routed once a device kernel is attached. */
    public enum Policy {
        /** Each shape on the kernel measured faster for it (the default). */
        MEASURED,
        /** Every non-empty product on the device. */
        DEVICE
    }

    /**
     * Where one product shape runs and why.
     *
     * @param transA       whether op(A) = Aᵀ
     * @param transB       whether op(B) = Bᵀ
     * @param m            rows of C
     * @param n            columns of C
     * @param k            inner dimension
     * @param accumulates  whether β ≠ 0 (C is read and updated)
     * @param onDevice     whether the device kernel runs this shape
     * @param cpuMillis    best CPU time of one call over the measurements so far, NaN when not measured
     *                     ({@link Policy#DEVICE})
     * @param deviceMillis best device time of one call (copies included) over the measurements so far,
     *                     NaN when not measured
     */
    public record Decision(boolean transA, boolean transB, int m, int n, int k, boolean accumulates,
                           boolean onDevice, double cpuMillis, double deviceMillis) {
        /**
         * e.g. {@code 64×1024×784 NT β=0: device 0.210 ms, cpu 0.452 ms → device}, or {@code … β=0:
         * not measured (policy DEVICE) → device} where {@link Policy#DEVICE} routed it untimed.
         */
        @Override
        public String toString() {
            String shape = String.format(Locale.ROOT, "%d×%d×%d %s%s β%s", m, n, k, transA ? "T" : "N",
                    transB ? "T" : "N", accumulates ? "≠0" : "=0");
            String where = onDevice ? "device" : "cpu";
            if (Double.isNaN(deviceMillis) || Double.isNaN(cpuMillis)) {
                return shape + ": not measured (policy " + Policy.DEVICE + ") → " + where;
            }
            return String.format(Locale.ROOT, "%s: device %.3f ms, cpu %.3f ms → %s", shape, deviceMillis, cpuMillis, where);
        }

        /** Useful flops of one call, {@code 2·m·n·k}. */
        public double flops() {
            return 2.0 * m * n * k;
        }
    }

    private record Key(boolean transA, boolean transB, int m, int n, int k, boolean accumulates) {}

    /** One shape's calls so far and its latest decision (null until first measured). */
    private static final class Route {
        final AtomicLong calls = new AtomicLong();
        volatile Decision decision;
        long measuredAt;   // the call the decision was measured at; guarded by the Offload's lock
    }

    private record Offload(GemmKernel device, Policy policy, Map<Key, Route> routes) {}

    private final GemmKernel cpu;
    private volatile Offload offload;

    /** A router over {@code cpu}, with no device attached. */
    public RoutedGemm(GemmKernel cpu) {
        this.cpu = cpu;
    }

    /** The engine's router, the one {@link GemmKernel#active()} returns. */
    public static RoutedGemm engine() {
        return Active.GEMM;
    }

    /** The CPU kernel every product runs on when no device is attached. */
    public GemmKernel cpu() {
        return cpu;
    }

    /**
     * Routes later products between the CPU and {@code device} under {@code policy}, forgetting
     * earlier measurements; {@code device} null, or this router's own CPU kernel (the CPU backend's
     * {@code hostGemm}), runs everything on the CPU again.
     */
    public void offloadTo(GemmKernel device, Policy policy) {
        offload = device == null || device == cpu ? null : new Offload(device, policy, new ConcurrentHashMap<>());
    }

    /** {@link #offloadTo(GemmKernel, Policy)} with {@link Policy#MEASURED}. */
    public void offloadTo(GemmKernel device) {
        offloadTo(device, Policy.MEASURED);
    }

    /** Whether a device kernel is attached. */
    public boolean offloading() {
        return offload != null;
    }

    /**
     * Whether one of the next {@code calls} calls of this shape may run on the device or be
     * measured: a device is attached and the shape is not measured yet, measured faster there, or
     * due for measuring again. Callers that spread independent products over threads issue them one
     * after another when it may: the device serialises them, and a CPU timed beside busy threads
     * looks slower than it is.
     */
    public boolean mayOffload(boolean transA, boolean transB, int m, int n, int k, boolean accumulates, int calls) {
        Offload o = offload;
        if (o == null) {
            return false;
        }
        Route r = o.routes().get(new Key(transA, transB, m, n, k, accumulates));
        Decision d = r == null ? null : r.decision;
        if (d == null || d.onDevice()) {
            return true;
        }
        return measuresAgain(o, r.calls.get() + 1, calls);
    }

    /** Whether one of the {@code calls} calls of a shape from call {@code first} on is measured again. */
    private static boolean measuresAgain(Offload o, long first, int calls) {
        if (o.policy() != Policy.MEASURED) {
            return false;
        }
        for (long at : MEASURE_AGAIN_AT) { // per product call with a device attached: no stream
            if (at >= first && at < first + calls) {
                return true;
            }
        }
        return false;
    }

    /** The routing of every shape seen since the device was attached, largest product first. */
    public List<Decision> decisions() {
        Offload o = offload;
        List<Decision> all = new ArrayList<>();
        if (o != null) {
            o.routes().values().stream().map(r -> r.decision).filter(Objects::nonNull).forEach(all::add);
        }
        all.sort(Comparator.comparingDouble(Decision::flops).reversed());
        return all;
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k,
                     float alpha, float[] a, int aOff, int lda,
                     float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc) {
        Offload o = offload;
        GemmKernel kernel = cpu;
        if (o != null && m > 0 && n > 0) {
            Key key = new Key(transA, transB, m, n, k, beta != 0f);
            Route r = o.routes().computeIfAbsent(key, x -> new Route());
            long call = r.calls.incrementAndGet();
            Decision d = r.decision;
            if (d == null || measuresAgain(o, call, 1)) {
                d = decide(o, key, r, call, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            }
            if (d.onDevice()) {
                kernel = o.device();
            }
        }
        kernel.gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    private Decision decide(Offload o, Key s, Route r, long call, float alpha, float[] a, int aOff, int lda,
                            float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        synchronized (o) {
            Decision d = r.decision;
            if (d != null && !(measuresAgain(o, call, 1) && r.measuredAt < call)) {
                return d;   // another thread measured it meanwhile
            }
            if (o.policy() == Policy.DEVICE) {
                d = new Decision(s.transA, s.transB, s.m, s.n, s.k, s.accumulates, true, Double.NaN, Double.NaN);
            } else if ((long) s.m * s.n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("RoutedGemm: C of " + s.m + "×" + s.n
                        + " has more elements than a Java array holds");
            } else {
                float[] scratch = new float[s.m * s.n];
                double onCpu = bestMillis(cpu, s, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, scratch);
                double onDevice = bestMillis(o.device(), s, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, scratch);
                if (d != null) {   // the best of every measurement: a slow one was disturbed, not the kernel's cost
                    onCpu = Math.min(onCpu, d.cpuMillis());
                    onDevice = Math.min(onDevice, d.deviceMillis());
                }
                d = new Decision(s.transA, s.transB, s.m, s.n, s.k, s.accumulates, onDevice < onCpu, onCpu, onDevice);
            }
            r.decision = d;
            r.measuredAt = call;
            return d;
        }
    }

    /** Best wall time of {@link #TIMED_RUNS} calls after a warm-up, each into {@code scratch} (ld n) from C's values. */
    private static double bestMillis(GemmKernel kernel, Key s, float alpha, float[] a, int aOff, int lda,
                                     float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc,
                                     float[] scratch) {
        long best = Long.MAX_VALUE;
        for (int run = 0; run <= TIMED_RUNS; run++) {
            if (s.accumulates) {
                for (int i = 0; i < s.m; i++) {
                    System.arraycopy(c, cOff + i * ldc, scratch, i * s.n, s.n);
                }
            }
            long start = System.nanoTime();
            kernel.gemm(s.transA, s.transB, s.m, s.n, s.k, alpha, a, aOff, lda, b, bOff, ldb, beta, scratch, 0, s.n);
            long took = System.nanoTime() - start;
            if (run > 0) {
                best = Math.min(best, took);
            }
        }
        return best / 1e6;
    }
}
