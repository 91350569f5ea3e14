package dev.ganglion.autodiff;

import dev.ganglion.engine.DType;
import dev.ganglion.engine.Tensor;

/**
 * In-place {@code dst += src} for leaf gradient buffers ({@code dst} and {@code src} of one shape).
 *
 * <p>Not an engine kernel: a single pass of independent adds over contiguous arrays, which C2
 * auto-vectorises; any other layout goes through a contiguous copy of {@code src}.
 */
final class Accumulate {
    private Accumulate() {}

    static void into(Tensor dst, Tensor src) {
        if (!src.shape().equals(dst.shape())) {
            throw new IllegalStateException("autodiff: gradient of shape " + src.shape()
                    + " accumulated into a buffer of shape " + dst.shape());
        }
        if (!dst.isContiguous()) {
            Tensor sum = dst.copy();
            into(sum, src);
            dst.copyFrom(sum);
            return;
        }
        Tensor s = src.dtype() == dst.dtype() ? src.contiguous() : src.to(dst.dtype());
        int n = dst.size();
        int d0 = dst.offset();
        int s0 = s.offset();
        if (dst.dtype() == DType.F32) {
            float[] d = dst.floatArray();
            float[] v = s.floatArray();
            for (int i = 0; i < n; i++) {
                d[d0 + i] += v[s0 + i];
            }
        } else {
            double[] d = dst.doubleArray();
            double[] v = s.doubleArray();
            for (int i = 0; i < n; i++) {
                d[d0 + i] += v[s0 + i];
            }
        }
        dst.markWritten();
    }
}
