package dev.ganglion.engine.backend;

/**
 * Contributes an accelerator {@link ComputeBackend} through {@link java.util.ServiceLoader}, listed in
 * {@code META-INF/services/dev.ganglion.engine.backend.ComputeBackendProvider} (native-bindings for
 * CUDA). Constructing a provider must be cheap (no native calls); {@link #open} does the work.
 */
public interface ComputeBackendProvider {
    /** The backend's name, lower case: {@code "cuda"}. */
    String backend();

    /**
     * Opens the backend on its default device; {@link IllegalStateException} with a reason a user
     * can act on (no library, no driver, no device) when it cannot run here.
     */
    ComputeBackend open();
}
