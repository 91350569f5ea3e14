package dev.ganglion.cuda;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ganglion.engine.Shape;
import dev.ganglion.engine.kernel.GemmKernel;
import dev.ganglion.engine.kernel.ScalarGemm;
import dev.ganglion.engine.testing.Fixtures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** cuBLAS products vs the CPU kernels (GemmKernel.active() and ScalarGemm). */
@Tag("gpu")
class CudaMatmulGpuTest {
    private static CudaDevice device;

    @BeforeAll
    static void open() {
        device = GpuSupport.openOrSkip();
        GpuSupport.assumeLibrary(CudaLibrary.BLAS);
    }

    @AfterAll
    static void close() {
        if (device != null) {
            device.close();
        }
    }

    @Test
    void matchesCpuGemmForEveryTransposeAtAwkwardSizes() {
        int[] sizes = {1, 7, 17, 64, 129, 207};
        long seed = 1;
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                for (int m : sizes) {
                    for (int n : new int[] {1, 33, 207}) {
                        for (int k : new int[] {1, 13, 129}) {
                            check(ta, tb, m, n, k, 0.75f, 0.5f, false, seed++);
                        }
                    }
                }
            }
        }
    }

    @Test
    void tf32StaysWithinItsBound() {
        for (int size : new int[] {64, 257, 1024}) {
            check(false, false, size, size, size, 1f, 0f, true, size);
            check(true, false, size, size + 3, size - 1, 1f, 0f, true, size + 1);
        }
    }

    @Test
    void matmulAllocatesTheResult() {
        float[] a = Fixtures.randomFloats(31 * 17, 1);
        float[] b = Fixtures.randomFloats(17 * 9, 2);
        try (DeviceBuffer da = device.upload(a, Shape.of(31, 17)); DeviceBuffer db = device.upload(b, Shape.of(17, 9));
             DeviceBuffer dc = CudaMatmul.matmul(device, da, db, false)) {
            float[] expected = new float[31 * 9];
            new ScalarGemm().gemm(false, false, 31, 9, 17, 1f, a, 0, 17, b, 0, 9, 0f, expected, 0, 9);
            GpuSupport.assertRelativeError(device.download(dc), expected, GpuSupport.FP32);
        }
    }

    @Test
    void badShapesAndAliasingAreRejected() {
        try (DeviceBuffer a = device.zeros(Shape.of(2, 3)); DeviceBuffer b = device.zeros(Shape.of(4, 5));
             DeviceBuffer sq = device.zeros(Shape.of(3, 3))) {
            assertThatThrownBy(() -> CudaMatmul.matmul(device, a, b, false))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CudaMatmul.gemm");
            assertThatThrownBy(() -> CudaMatmul.gemm(device, false, false, 1f, sq, sq, 0f, sq, false))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("alias");
        }
    }

    private static void check(boolean ta, boolean tb, int m, int n, int k, float alpha, float beta, boolean tf32,
                              long seed) {
        float[] a = Fixtures.randomFloats(m * k, seed);
        float[] b = Fixtures.randomFloats(k * n, seed + 1);
        float[] c = Fixtures.randomFloats(m * n, seed + 2);
        float[] expected = c.clone();
        GemmKernel.active().gemm(ta, tb, m, n, k, alpha, a, 0, ta ? m : k, b, 0, tb ? k : n, beta, expected, 0, n);
        float[] scalar = c.clone();
        new ScalarGemm().gemm(ta, tb, m, n, k, alpha, a, 0, ta ? m : k, b, 0, tb ? k : n, beta, scalar, 0, n);
        try (DeviceBuffer da = device.upload(a, ta ? Shape.of(k, m) : Shape.of(m, k));
             DeviceBuffer db = device.upload(b, tb ? Shape.of(n, k) : Shape.of(k, n));
             DeviceBuffer dc = device.upload(c, Shape.of(m, n))) {
            CudaMatmul.gemm(device, ta, tb, alpha, da, db, beta, dc, tf32);
            float[] actual = device.download(dc);
            double bound = tf32 ? GpuSupport.TF32 : GpuSupport.FP32;
            GpuSupport.assertRelativeError(actual, expected, bound);
            GpuSupport.assertRelativeError(actual, scalar, bound);
        }
    }
}
