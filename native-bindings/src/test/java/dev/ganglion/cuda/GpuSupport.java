package dev.ganglion.cuda;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Assumptions;

/**
 * Shared set-up of the GPU tests: they are skipped, with discovery's reason, where no usable CUDA
 * device (or library) exists, and compare against CPU references with a norm-wise relative error.
 */
final class GpuSupport {
    /** Parity bound for FP32 paths. */
    static final double FP32 = 1e-5;
    /** Parity bound when inputs are rounded to TF32 (10-bit mantissa). */
    static final double TF32 = 1e-3;

    private GpuSupport() {}

    /** Device 0, or the test is skipped with the reason CUDA is unavailable. */
    static CudaDevice openOrSkip() {
        CudaDeviceInfo info = CudaDeviceInfo.system();
        assumeTrue(info.available(), () -> "no usable CUDA device: " + info.reason());
        return CudaDevice.open(0);
    }

    static void assumeLibrary(CudaLibrary library) {
        CudaLibraries libs = CudaLibraries.system();
        assumeTrue(libs.find(library).isPresent(), () -> libs.reason(library));
    }

    /** Runs a forced candidate; an unsupported one (by this cuSPARSE/GPU) skips instead of failing. */
    static void runOrSkipUnsupported(Runnable r) {
        try {
            r.run();
        } catch (CudaException e) {
            if (e.isNotSupported()) {
                Assumptions.abort("not supported here: " + e.getMessage());
            }
            throw e;
        } catch (IllegalStateException e) {
            if (String.valueOf(e.getMessage()).contains(" has no function ")) {   // an older library (NativeBindings)
                Assumptions.abort("not in this library version: " + e.getMessage());
            }
            throw e;
        }
    }

    /** {@code ‖actual − expected‖₂ / ‖expected‖₂ < bound} (exact match required for an all-zero expectation). */
    static void assertRelativeError(float[] actual, float[] expected, double bound) {
        if (actual.length != expected.length) {
            throw new AssertionError("length " + actual.length + " vs " + expected.length);
        }
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < expected.length; i++) {
            double d = (double) actual[i] - expected[i];
            diff += d * d;
            norm += (double) expected[i] * expected[i];
        }
        double rel = norm == 0 ? Math.sqrt(diff) : Math.sqrt(diff / norm);
        if (!(rel < bound)) {
            throw new AssertionError("relative error " + rel + " ≥ " + bound);
        }
    }
}
