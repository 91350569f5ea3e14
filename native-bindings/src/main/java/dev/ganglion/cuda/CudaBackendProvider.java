package dev.ganglion.cuda;

import dev.ganglion.engine.backend.ComputeBackend;
import dev.ganglion.engine.backend.ComputeBackendProvider;

/**
 * Contributes {@link CudaBackend} on device 0 to {@link dev.ganglion.engine.backend.Backends}.
 * Registered in {@code META-INF/services/dev.ganglion.engine.backend.ComputeBackendProvider}.
 */
public final class CudaBackendProvider implements ComputeBackendProvider {
    /** For {@link java.util.ServiceLoader}; does no native work. */
    public CudaBackendProvider() {}

    @Override
    public String backend() {
        return "cuda";
    }

    /** Device 0; {@link IllegalStateException} with discovery's reason when it cannot be used. */
    @Override
    public ComputeBackend open() {
        CudaDeviceInfo info;
        try {
            info = CudaDeviceInfo.system();
        } catch (RuntimeException | LinkageError e) {
            throw new IllegalStateException("CUDA probe failed: " + e, e);
        }
        if (!info.available()) {
            throw new IllegalStateException(info.reason());
        }
        return new CudaBackend(CudaDevice.open(info.device()));
    }
}
