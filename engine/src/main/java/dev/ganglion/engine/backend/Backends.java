package dev.ganglion.engine.backend;

import dev.ganglion.engine.kernel.GemmKernel;
import dev.ganglion.engine.kernel.RoutedGemm;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Looks up {@link ComputeBackend}s by name: {@code "cpu"} (the engine's own kernels, always there)
 * or an accelerator contributed by a {@link ComputeBackendProvider} ({@code "cuda"}). An opened
 * accelerator backend is kept for the life of the process (one device context, reused).
 */
public final class Backends {
    /** The accelerator names the CLI accepts even when no provider is on the class path. */
    private static final String KNOWN = "cpu, cuda";
    private static final Map<String, ComputeBackend> OPENED = new HashMap<>();

    /** System property choosing how {@link #offloadProducts} routes: {@code measured} (default) or {@code device}. */
    public static final String OFFLOAD_PROPERTY = "ganglion.offload";
    private static volatile String productsOn = "cpu";

    private Backends() {}

    /**
     * The backend {@code name}. {@link IllegalArgumentException} for an unknown name;
     * {@link IllegalStateException} when it cannot run here, with discovery's reason (e.g.
     * {@code cuda backend unavailable: no driver: ...}).
     */
    public static synchronized ComputeBackend get(String name) {
        if (name.equals("cpu")) {
            return CpuBackend.INSTANCE;
        }
        ComputeBackend b = OPENED.get(name);
        if (b != null) {
            return b;
        }
        ComputeBackendProvider p = provider(name);
        try {
            b = p.open();
        } catch (IllegalStateException e) {
            throw new IllegalStateException(name + " backend unavailable: " + e.getMessage(), e);
        }
        OPENED.put(name, b);
        return b;
    }

    /**
     * Runs the engine's dense float32 products ({@link GemmKernel#active()}: {@code Linalg}, the
     * block-diagonal layers, the recurrent cells) on backend {@code name} where that is faster, for
     * the whole process: each product shape is measured once on both and keeps the faster
     * ({@link RoutedGemm}). {@code "cpu"} turns offloading off again. System property
     * {@value #OFFLOAD_PROPERTY}{@code =device} sends every product to the device instead.
     * Sparse (BSR, CSR) products and everything elementwise stay on the CPU.
     * Errors as {@link #get}; returns the backend.
     */
    public static ComputeBackend offloadProducts(String name) {
        String policy = System.getProperty(OFFLOAD_PROPERTY, "measured").trim().toLowerCase(Locale.ROOT);
        RoutedGemm.Policy p = switch (policy) {
            case "measured", "" -> RoutedGemm.Policy.MEASURED;
            case "device" -> RoutedGemm.Policy.DEVICE;
            default -> throw new IllegalArgumentException(
                    "-D" + OFFLOAD_PROPERTY + "=" + policy + ": expected measured or device");
        };
        ComputeBackend b = get(name);
        RoutedGemm.engine().offloadTo(b.hostGemm(), p);
        productsOn = b.name();
        return b;
    }

    /** Where {@link #offloadProducts} last sent the engine's dense products: {@code "cpu"} or the backend's name. */
    public static String productsOn() {
        return productsOn;
    }

    private static ComputeBackendProvider provider(String name) {
        try {
            for (ComputeBackendProvider p : ServiceLoader.load(ComputeBackendProvider.class)) {
                if (p.backend().equals(name)) {
                    return p;
                }
            }
        } catch (ServiceConfigurationError e) {
            throw new IllegalStateException(name + " backend unavailable: provider failed: " + e.getMessage(), e);
        }
        if (!name.equals("cuda")) {
            throw new IllegalArgumentException("Backends.get: unknown backend '" + name + "'; expected one of: " + KNOWN);
        }
        throw new IllegalStateException(name + " backend unavailable: native-bindings not on the classpath "
                + "(no ComputeBackendProvider for " + name + ")");
    }
}
