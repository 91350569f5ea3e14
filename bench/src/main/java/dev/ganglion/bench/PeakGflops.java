package dev.ganglion.bench;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.Map;

/**
 * The FMA peak of this machine for a thread count, measured by
 * {@code dev.ganglion.engine.kernel.PeakFlops.measureGflops(int threads)}, once per thread count
 * per process. Null when the engine build has no {@code PeakFlops}.
 */
public final class PeakGflops {
    private static final String PEAK_CLASS = "dev.ganglion.engine.kernel.PeakFlops";
    private static final Map<Integer, Double> CACHE = new HashMap<>();

    private PeakGflops() {}

    /** GFLOP/s of fused multiply-adds on {@code threads} threads, or null when not measurable. */
    public static synchronized Double measure(int threads) {
        return CACHE.computeIfAbsent(threads, PeakGflops::measureOnce);
    }

    // NOTE: called by name until PeakFlops lands on main; then this becomes a direct call.
    private static Double measureOnce(int threads) {
        Method m;
        try {
            m = Class.forName(PEAK_CLASS).getMethod("measureGflops", int.class);
        } catch (ClassNotFoundException | NoSuchMethodException e) {
            return null;
        }
        try {
            return ((Number) m.invoke(null, threads)).doubleValue();
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot call " + PEAK_CLASS + ".measureGflops: " + e, e);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("peak measurement failed: " + e.getCause(), e.getCause());
        }
    }
}
