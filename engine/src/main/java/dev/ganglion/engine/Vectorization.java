package dev.ganglion.engine;

import java.lang.reflect.InvocationTargetException;
import java.nio.ByteOrder;
import java.util.function.Supplier;

/**
 * Decides once, at start-up, whether the SIMD kernels (JDK Vector API, package
 * {@code dev.ganglion.engine.simd}) or the scalar reference kernels run, and at which width.
 *
 * <p>System property {@code ganglion.simd}: {@code auto} (default: the widest the CPU has),
 * {@code scalar} (or {@code off}), or a forced width {@code 128}, {@code 256}, {@code 512}. Without
 * {@code --add-modules jdk.incubator.vector} the engine logs one warning saying so and runs scalar,
 * and on a big-endian CPU it runs scalar too (the SIMD kernels store vectors as little-endian bytes;
 * {@link #reason} says so). Every kernel family picks its implementation through {@link #load}, the
 * one place of this rule.
 */
public final class Vectorization {
    /** Name of the system property that forces scalar kernels or a vector width. */
    public static final String PROPERTY = "ganglion.simd";

    private static final String VECTOR_MODULE = "jdk.incubator.vector";
    private static final System.Logger LOG = System.getLogger("dev.ganglion.engine");

    private static final boolean ENABLED;
    private static final int FORCED_BITS;
    private static final String REASON;

    static {
        String setting = System.getProperty(PROPERTY, "auto").trim().toLowerCase();
        boolean moduleThere = ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent();
        int forced = 0;
        String reason;
        boolean enabled;
        switch (setting) {
            case "scalar", "off", "false" -> {
                enabled = false;
                reason = "disabled by -D" + PROPERTY + "=" + setting;
            }
            case "auto", "" -> {
                enabled = moduleThere;
                reason = moduleThere ? "enabled" : "jdk.incubator.vector is not loaded (run java with --add-modules jdk.incubator.vector)";
            }
            case "128", "256", "512" -> {
                forced = Integer.parseInt(setting);
                enabled = moduleThere;
                reason = moduleThere ? "enabled, width forced to " + forced + " bits"
                        : "jdk.incubator.vector is not loaded (run java with --add-modules jdk.incubator.vector)";
            }
            default -> throw new IllegalArgumentException(
                    "-D" + PROPERTY + "=" + setting + ": expected auto, scalar, 128, 256 or 512");
        }
        if (enabled && ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            // the SIMD kernels store float vectors as their little-endian bytes (Simd's note on stores)
            enabled = false;
            reason = "big-endian CPU: the SIMD kernels store vectors as little-endian bytes";
        }
        ENABLED = enabled;
        FORCED_BITS = forced;
        REASON = reason;
        if (!moduleThere && setting.matches("auto|128|256|512|")) {   // not when SIMD was turned off on purpose
            LOG.log(System.Logger.Level.WARNING,
                    "Ganglion: Vector API unavailable, running scalar kernels; add --add-modules jdk.incubator.vector for SIMD");
        }
    }

    private Vectorization() {}

    /** True when SIMD kernels are in use. */
    public static boolean enabled() {
        return ENABLED;
    }

    /** Forced vector width in bits, or 0 for the CPU's preferred width. */
    public static int forcedBits() {
        return FORCED_BITS;
    }

    /** Why SIMD is on or off, for {@code ganglion info}. */
    public static String reason() {
        return REASON;
    }

    /**
     * The SIMD implementation {@code simdClass} (a public no-argument class implementing
     * {@code type}) when SIMD is enabled, else the scalar reference.
     */
    public static <T> T load(Class<T> type, String simdClass, Supplier<? extends T> scalar) {
        if (!ENABLED) {
            return scalar.get();
        }
        Class<?> k;
        try {
            k = Class.forName(simdClass);
        } catch (ClassNotFoundException e) {
            // NOTE: a family without a SIMD twin (yet) runs its reference; say so once, not silently.
            LOG.log(System.Logger.Level.WARNING, "Ganglion: no SIMD kernel " + simdClass + ", using the scalar one");
            return scalar.get();
        }
        try {
            return type.cast(k.getDeclaredConstructor().newInstance());
        } catch (NoSuchMethodException | InstantiationException
                | IllegalAccessException | InvocationTargetException | LinkageError e) {
            throw new IllegalStateException("cannot load SIMD kernel " + simdClass + ": " + e, e);
        }
    }
}
