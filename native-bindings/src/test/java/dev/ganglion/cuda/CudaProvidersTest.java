package dev.ganglion.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ganglion.engine.backend.Backends;
import dev.ganglion.engine.backend.ComputeBackend;
import dev.ganglion.engine.backend.DeviceInfoProvider;
import dev.ganglion.engine.backend.DeviceInfoProvider.DeviceInfo;
import org.junit.jupiter.api.Test;

/**
 * The service registrations of native-bindings: the engine finds the CUDA info provider and backend
 * and reports what discovery found here (on a machine without a GPU: its specific reason).
 */
class CudaProvidersTest {
    @Test
    void probeThroughTheEngineMatchesDiscovery() {
        CudaDeviceInfo direct = CudaDeviceInfo.system();
        DeviceInfo viaEngine = DeviceInfoProvider.probe("cuda");
        assertThat(viaEngine.backend()).isEqualTo("cuda");
        assertThat(viaEngine.available()).isEqualTo(direct.available());
        if (direct.available()) {
            assertThat(viaEngine.name()).isEqualTo(direct.name());
            assertThat(viaEngine.computeCapability()).isEqualTo(direct.computeCapability());
            assertThat(viaEngine.memoryBytes()).isEqualTo(direct.totalMemoryBytes());
        } else {
            assertThat(viaEngine.reason()).isEqualTo(direct.reason()).doesNotContain("not on the classpath");
        }
    }

    @Test
    void unavailableInfoKeepsTheReasonAndAvailableInfoTheVersions() {
        CudaDeviceInfo none = new CudaDeviceInfo(false, "no driver: x", 0, null, null, null, null, "13.0", null,
                null, null, "libs");
        assertThat(CudaDeviceInfoProvider.toDeviceInfo(none)).isEqualTo(DeviceInfo.unavailable("cuda", "no driver: x"));
        CudaDeviceInfo h100 = new CudaDeviceInfo(true, "", 0, "NVIDIA H100", "9.0", 80L << 30, 132, "13.0", "13.0",
                "13.0.0", "12.6.2", "libs");
        DeviceInfo d = CudaDeviceInfoProvider.toDeviceInfo(h100);
        assertThat(d.available()).isTrue();
        assertThat(d).extracting(DeviceInfo::name, DeviceInfo::computeCapability, DeviceInfo::memoryBytes,
                        DeviceInfo::runtimeVersion, DeviceInfo::driverVersion, DeviceInfo::cublasVersion,
                        DeviceInfo::cusparseVersion)
                .containsExactly("NVIDIA H100", "9.0", 80L << 30, "13.0", "13.0", "13.0.0", "12.6.2");
    }

    @Test
    void theCudaBackendOpensExactlyWhenDiscoveryFindsADevice() {
        CudaDeviceInfo info = CudaDeviceInfo.system();
        if (info.available()) {
            ComputeBackend cuda = Backends.get("cuda");
            assertThat(cuda).isInstanceOf(CudaBackend.class);
            assertThat(Backends.get("cuda")).isSameAs(cuda);
        } else {
            assertThatThrownBy(() -> Backends.get("cuda")).isInstanceOf(IllegalStateException.class)
                    .hasMessage("cuda backend unavailable: " + info.reason());
        }
    }
}
