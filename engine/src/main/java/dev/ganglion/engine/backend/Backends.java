package dev.ganglion.engine.backend;

import java.util.HashMap;
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
