package dev.ganglion.cuda;

import dev.ganglion.engine.backend.DeviceInfoProvider;

/**
 * The CUDA entry of {@code ganglion info}: {@link CudaDeviceInfo#system()} in the engine's
 * {@link DeviceInfoProvider.DeviceInfo} form. Registered in
 * {@code META-INF/services/dev.ganglion.engine.backend.DeviceInfoProvider}.
 */
public final class CudaDeviceInfoProvider implements DeviceInfoProvider {
    /** For {@link java.util.ServiceLoader}; does no native work. */
    public CudaDeviceInfoProvider() {}

    @Override
    public String backend() {
        return "cuda";
    }

    @Override
    public DeviceInfo probe() {
        try {
            return toDeviceInfo(CudaDeviceInfo.system());
        } catch (RuntimeException | LinkageError e) {
            // NOTE: a missing FFM permission or an unexpected native failure is a reason, not a crash.
            return DeviceInfo.unavailable("cuda", "CUDA probe failed: " + e);
        }
    }

    /** The engine's view of {@code info}: unavailable with its reason, or the device and versions. */
    static DeviceInfo toDeviceInfo(CudaDeviceInfo info) {
        if (!info.available()) {
            return DeviceInfo.unavailable("cuda", info.reason());
        }
        long memory = info.totalMemoryBytes() == null ? 0L : info.totalMemoryBytes();
        return new DeviceInfo("cuda", true, "ok: device " + info.device(), info.name(), info.computeCapability(),
                memory, info.runtimeVersion(), info.driverVersion(), info.cublasVersion(), info.cusparseVersion());
    }
}
