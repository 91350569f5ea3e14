package dev.ganglion.engine.backend;

import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Reports whether an accelerator backend can run here, and what device it would use. The engine
 * has no accelerator code of its own: a backend module (native-bindings for CUDA) contributes an
 * implementation through {@link ServiceLoader}, listed in
 * {@code META-INF/services/dev.ganglion.engine.backend.DeviceInfoProvider}.
 *
 * <p>Implementations need a public no-argument constructor, must be cheap to construct (no
 * native calls there), and {@link #probe} must never throw: every failure (no library, no
 * driver, no device) comes back as {@link DeviceInfo#unavailable} with a reason a user can act on.
 */
public interface DeviceInfoProvider {
    /** The backend this provider describes, lower case: {@code "cuda"}. */
    String backend();

    /** Probes the library, driver and first device; never throws. */
    DeviceInfo probe();

    /**
     * What {@link #probe} found. When {@code available} is false, only {@code backend} and
     * {@code reason} are meaningful and the other fields are null or 0.
     *
     * @param backend           {@code "cuda"}
     * @param available         true when kernels can run on the device
     * @param reason            why not (e.g. "libcudart.so not found"), or a short "ok" note
     * @param name              device name, e.g. "NVIDIA H100 80GB HBM3"
     * @param computeCapability "major.minor", e.g. "9.0"
     * @param memoryBytes       total device memory in bytes (0 when unknown)
     * @param runtimeVersion    CUDA runtime version, e.g. "12.4"
     * @param driverVersion     highest CUDA version the driver supports, e.g. "12.6"
     * @param cublasVersion     cuBLAS version, e.g. "12.4.5"
     * @param cusparseVersion   cuSPARSE version, e.g. "12.3.1"
     */
    record DeviceInfo(String backend, boolean available, String reason, String name,
                      String computeCapability, long memoryBytes, String runtimeVersion,
                      String driverVersion, String cublasVersion, String cusparseVersion) {
        /** Checks that {@code backend} and {@code reason} are not null; the other fields may be. */
        public DeviceInfo {
            Objects.requireNonNull(backend, "backend");
            Objects.requireNonNull(reason, "reason");
        }

        /** A backend that cannot run here, and why. */
        public static DeviceInfo unavailable(String backend, String reason) {
            return new DeviceInfo(backend, false, reason, null, null, 0L, null, null, null, null);
        }
    }

    /**
     * Probes {@code backend} through the first provider on the class path that describes it; with
     * none, reports it unavailable because native-bindings is not on the class path.
     */
    static DeviceInfo probe(String backend) {
        try {
            for (DeviceInfoProvider p : ServiceLoader.load(DeviceInfoProvider.class)) {
                if (p.backend().equals(backend)) {
                    return p.probe();
                }
            }
        } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
            // NOTE: a broken provider must not take `ganglion info` down; it becomes the reason.
            return DeviceInfo.unavailable(backend, "device provider failed: " + e);
        }
        return DeviceInfo.unavailable(backend,
                "native-bindings not on the classpath (no DeviceInfoProvider for " + backend + ")");
    }
}
