package dev.ganglion.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ganglion.engine.Shape;
import dev.ganglion.engine.testing.Fixtures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Host/device copies, device facts and error paths on a real GPU (skipped without one). */
@Tag("gpu")
class CudaDeviceGpuTest {
    private static CudaDevice device;

    @BeforeAll
    static void open() {
        device = GpuSupport.openOrSkip();
    }

    @AfterAll
    static void close() {
        if (device != null) {
            device.close();
        }
    }

    @Test
    void roundTripsAtAwkwardSizesAndAcrossStagingChunks() {
        int beyondStaging = CudaDevice.STAGING_BYTES / Float.BYTES * 2 + 3;
        for (int n : new int[] {1, 7, 129, 100_003, beyondStaging}) {
            float[] data = Fixtures.randomFloats(n, n);
            try (DeviceBuffer b = device.upload(data, Shape.of(n))) {
                assertThat(device.download(b)).isEqualTo(data); // not containsExactly: its diff is O(n²)
                float[] other = Fixtures.randomFloats(n, n + 1);
                device.copyFromHost(other, b);
                float[] back = new float[n];
                device.copyToHost(b, back);
                assertThat(back).isEqualTo(other);
            }
        }
        int[] ints = {3, -1, 7, 1 << 30};
        try (DeviceBuffer b = device.upload(ints)) {
            assertThat(device.downloadInts(b)).containsExactly(ints);
        }
        try (DeviceBuffer z = device.zeros(Shape.of(3, 5))) {
            assertThat(device.download(z)).containsOnly(0f);
        }
    }

    @Test
    void describesTheDevice() {
        CudaDeviceInfo info = CudaDeviceInfo.system();
        assertThat(info.name()).isEqualTo(device.runtime().deviceName(0));
        assertThat(info.multiprocessors()).isPositive();
        assertThat(device.runtime().memoryInfo().free()).isPositive();
        try (DeviceBuffer b = device.allocate(Shape.of(1 << 20))) {
            assertThat(device.timeMillis(() -> device.zero(b))).isGreaterThanOrEqualTo(0);
        }
    }

    @Test
    void impossibleAllocationRaisesOutOfMemoryNamingTheCall() {
        assertThatThrownBy(() -> device.runtime().malloc(1L << 50))
                .isInstanceOfSatisfying(CudaException.class, e -> {
                    assertThat(e.isOutOfMemory()).isTrue();
                    assertThat(e.getMessage()).isEqualTo(
                            "cudaMalloc failed: out of memory (cudaErrorMemoryAllocation = 2)");
                });
        // The context survives a failed allocation.
        try (DeviceBuffer b = device.upload(new float[] {1f}, Shape.of(1))) {
            assertThat(device.download(b)).containsExactly(1f);
        }
    }

    @Test
    void invalidLibraryArgumentsRaiseTheLibrarysStatus() {
        GpuSupport.assumeLibrary(CudaLibrary.BLAS);
        try (DeviceBuffer a = device.zeros(Shape.of(2, 2))) {
            assertThatThrownBy(() -> device.blas().sgemm(device.blasHandle(), CuBlas.OP_N, CuBlas.OP_N, -1, 2, 2,
                    1f, a.address(), 2, a.address(), 2, 0f, a.address(), 2))
                    .isInstanceOfSatisfying(CudaException.class, e -> {
                        assertThat(e.call()).isEqualTo("cublasSgemm_v2");
                        assertThat(e.errorName()).isEqualTo("CUBLAS_STATUS_INVALID_VALUE");
                        assertThat(e.code()).isEqualTo(7);
                    });
        }
    }

    @Test
    void misuseIsReportedClearly() {
        DeviceBuffer b = device.allocate(Shape.of(4));
        b.close();
        assertThatThrownBy(b::address).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> device.upload(new float[3], Shape.of(4)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CudaDevice.upload");
        assertThatThrownBy(() -> CudaDevice.open(1000)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("device 1000 requested");
    }
}
