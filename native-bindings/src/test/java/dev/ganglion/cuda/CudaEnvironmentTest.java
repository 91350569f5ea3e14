package dev.ganglion.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

/**
 * Discovery against the real machine. Without a GPU CUDA must be reported unavailable with a
 * specific reason; with one, the device must be described. Either way these tests run.
 */
class CudaEnvironmentTest {
    private final CudaDeviceInfo info = CudaDeviceInfo.system();

    @Test
    void availabilityComesWithASpecificReasonOrADeviceDescription() {
        if (info.available()) {
            assertThat(info.reason()).isEmpty();
            assertThat(info.name()).isNotBlank();
            assertThat(info.computeCapability()).matches("\\d+\\.\\d+");
            assertThat(info.totalMemoryBytes()).isPositive();
            assertThat(info.runtimeVersion()).matches("\\d+\\.\\d+");
            assertThat(info.describe()).contains(info.name());
        } else {
            // One of the three families, with the detail that tells a user what to fix.
            assertThat(info.reason()).matches("(?s)(no library: CUDA runtime not found \\(libcudart.so.13.*"
                    + "|no driver: .*cudaGetDeviceCount failed: .*"
                    + "|no device: .*(cudaGetDeviceCount|CUDA device).*)");
            assertThat(info.name()).isNull();
            assertThat(info.describe()).startsWith("not available: " + info.reason());
        }
        assertThat(info.libraries()).contains("CUDA runtime: ").contains("cuBLAS: ").contains("cuSPARSE: ");
    }

    @Test
    void openingAnUnavailableDeviceThrowsTheReason() {
        assumeFalse(info.available(), "a CUDA device is available here");
        assertThatThrownBy(() -> CudaDevice.open(0))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("CUDA is not available: " + info.reason());
    }

    @Test
    void aMissingOrdinalIsReportedWithTheDeviceCount() {
        assumeTrue(info.available(), () -> "no usable CUDA device: " + info.reason());
        CudaDeviceInfo missing = CudaDeviceInfo.probe(CudaLibraries.system(), 1000);
        assertThat(missing.available()).isFalse();
        assertThat(missing.reason()).startsWith("no device: device 1000 requested but");
    }
}
