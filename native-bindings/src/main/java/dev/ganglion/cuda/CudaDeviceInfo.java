package dev.ganglion.cuda;

import java.util.Optional;

/**
 * What {@code ganglion info} reports about CUDA: whether a device is usable and, if not, why (no
 * library, no driver, no device), and otherwise the device and library versions. Fields that could
 * not be determined are {@code null}; {@link #cublasVersion()} and {@link #cusparseVersion()} are
 * {@code null} when that library is missing, with the reason in {@link #libraries()}.
 *
 * @param available       whether {@link CudaDevice#open(int)} will succeed for {@link #device()}
 * @param reason          why not (empty when available), e.g.
 *                        {@code no NVIDIA driver: cudaGetDeviceCount failed: ...}
 * @param device          the device ordinal probed
 * @param name            device name, e.g. {@code NVIDIA H100 80GB HBM3}
 * @param computeCapability e.g. {@code 9.0}
 * @param totalMemoryBytes device memory
 * @param multiprocessors streaming multiprocessor count
 * @param runtimeVersion  e.g. {@code 13.0}
 * @param driverVersion   the newest CUDA version the driver supports, e.g. {@code 13.0}
 * @param cublasVersion   e.g. {@code 13.0.0}
 * @param cusparseVersion e.g. {@code 12.6.2}
 * @param libraries       one line per library: where it was loaded from, or why not
 */
public record CudaDeviceInfo(boolean available, String reason, int device, String name, String computeCapability,
                             Long totalMemoryBytes, Integer multiprocessors, String runtimeVersion,
                             String driverVersion, String cublasVersion, String cusparseVersion, String libraries) {

    /** Device 0 of the real environment, probed once. */
    public static CudaDeviceInfo system() {
        return SystemHolder.INFO;
    }

    private static final class SystemHolder {
        static final CudaDeviceInfo INFO = probe(CudaLibraries.system(), 0);
    }

    /** Probes {@code device}: never throws; every failure becomes {@link #reason()}. */
    public static CudaDeviceInfo probe(CudaLibraries libraries, int device) {
        Optional<CudaLibraries.Found> found = libraries.find(CudaLibrary.RUNTIME);
        String blas = version(libraries, CudaLibrary.BLAS);
        String sparse = version(libraries, CudaLibrary.SPARSE);
        String libs = libraries.describe();
        if (found.isEmpty()) {
            return unavailable("no library: " + libraries.reason(CudaLibrary.RUNTIME), device, null, null,
                    blas, sparse, libs);
        }
        CudaRuntime rt = new CudaRuntime(found.get().symbols());
        String runtimeVersion = null;
        String driverVersion = null;
        try {
            runtimeVersion = CudaRuntime.versionString(rt.runtimeVersion());
            int driver = rt.driverVersion();
            driverVersion = driver == 0 ? null : CudaRuntime.versionString(driver);
            int count = deviceCount(rt, driver);
            if (device < 0 || device >= count) {
                return unavailable("no device: device " + device + " requested but " + count
                        + " CUDA device(s) present", device, runtimeVersion, driverVersion, blas, sparse, libs);
            }
            rt.setDevice(device);
            String cc = rt.attribute(CudaRuntime.ATTR_COMPUTE_CAPABILITY_MAJOR, device) + "."
                    + rt.attribute(CudaRuntime.ATTR_COMPUTE_CAPABILITY_MINOR, device);
            return new CudaDeviceInfo(true, "", device, rt.deviceName(device), cc, rt.memoryInfo().total(),
                    rt.attribute(CudaRuntime.ATTR_MULTIPROCESSOR_COUNT, device), runtimeVersion, driverVersion,
                    blas, sparse, libs);
        } catch (Unavailable e) {
            return unavailable(e.getMessage(), device, runtimeVersion, driverVersion, blas, sparse, libs);
        } catch (CudaException | IllegalStateException e) {
            return unavailable("CUDA runtime error: " + e.getMessage(), device, runtimeVersion, driverVersion,
                    blas, sparse, libs);
        }
    }

    /** Device count, turning the runtime's failure into a reason a user can act on. */
    private static int deviceCount(CudaRuntime rt, int driverVersion) {
        try {
            return rt.deviceCount();
        } catch (CudaException e) {
            if (driverVersion == 0) {
                throw new Unavailable("no driver: the NVIDIA driver (libcuda.so.1) could not be loaded; "
                        + e.getMessage());
            }
            if (driverVersion < rt.runtimeVersion()) {
                throw new Unavailable("no driver: the driver supports CUDA " + CudaRuntime.versionString(driverVersion)
                        + " but the runtime is CUDA " + CudaRuntime.versionString(rt.runtimeVersion())
                        + "; " + e.getMessage());
            }
            throw new Unavailable("no device: " + e.getMessage());
        }
    }

    private static final class Unavailable extends RuntimeException {
        Unavailable(String message) {
            super(message, null, false, false);
        }
    }

    private static String version(CudaLibraries libraries, CudaLibrary library) {
        Optional<CudaLibraries.Found> f = libraries.find(library);
        if (f.isEmpty()) {
            return null;
        }
        try {
            return library == CudaLibrary.BLAS
                    ? new CuBlas(f.get().symbols()).versionString()
                    : new CuSparse(f.get().symbols()).versionString();
        } catch (CudaException | IllegalStateException e) {
            return null;
        }
    }

    private static CudaDeviceInfo unavailable(String reason, int device, String runtimeVersion, String driverVersion,
                                              String blas, String sparse, String libs) {
        return new CudaDeviceInfo(false, reason, device, null, null, null, null, runtimeVersion, driverVersion,
                blas, sparse, libs);
    }

    /** Multi-line human-readable summary (what {@code ganglion info} prints under "CUDA"). */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        if (available) {
            sb.append("device ").append(device).append(": ").append(name).append(", compute capability ")
                    .append(computeCapability).append(", ").append(totalMemoryBytes / (1 << 20)).append(" MiB, ")
                    .append(multiprocessors).append(" SMs\n");
        } else {
            sb.append("not available: ").append(reason).append('\n');
        }
        sb.append("runtime ").append(runtimeVersion).append(", driver ").append(driverVersion)
                .append(", cuBLAS ").append(cublasVersion).append(", cuSPARSE ").append(cusparseVersion).append('\n');
        sb.append(libraries);
        return sb.toString();
    }
}
