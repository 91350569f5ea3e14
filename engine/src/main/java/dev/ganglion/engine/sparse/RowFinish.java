package dev.ganglion.engine.sparse;

import dev.ganglion.engine.DType;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.kernel.BatchLayout;
import dev.ganglion.engine.kernel.RowEpilogue;

/**
 * The finish of a layer's last product, {@code y[…, o] = f(y[…, o] + bias[o])} per output feature o
 * ({@code f} the ReLU when {@code relu}, no bias term when it is null): a float32 CSR product with
 * feature-major operands applies it as it writes y ({@link #epilogue}), any other product after it
 * ({@link #applyTo}), with the same arithmetic ({@link RowEpilogue#apply}), so the same bits.
 */
final class RowFinish {
    private final Tensor bias;
    private final boolean relu;

    private RowFinish(Tensor bias, boolean relu) {
        this.bias = bias;
        this.relu = relu;
    }

    /**
     * The finish for a product with {@code out} output features and weight dtype {@code dtype}, or
     * null when there is nothing to do. The bias must hold {@code out} values ({@code [out]}, or
     * {@code [out, 1]} as a feature-major layer keeps it) of that dtype.
     */
    static RowFinish of(String op, Tensor bias, boolean relu, int out, DType dtype) {
        if (bias != null && (bias.size() != out || bias.rank() > 2 || bias.rank() == 2 && bias.dim(1) != 1
                || bias.dtype() != dtype)) {
            throw new IllegalArgumentException(op + ": bias must be a " + dtype + " tensor of " + out
                    + " values ([" + out + "] or [" + out + ", 1]), got " + bias.dtype() + " " + bias.shape());
        }
        return bias == null && !relu ? null : new RowFinish(bias == null ? null : bias.contiguous(), relu);
    }

    /** The kernels' form (float32 only). */
    RowEpilogue epilogue() {
        return new RowEpilogue(bias == null ? null : bias.floatArray(), bias == null ? 0 : bias.offset(), relu);
    }

    /** Applies the finish to a product's output y (contiguous, {@code out} features in {@code layout}). */
    void applyTo(BatchLayout layout, Tensor y, int out) {
        if (y.size() == 0) {
            return;
        }
        int rows = (int) (y.size() / out);
        // feature o of element i: feature-major rows of a batch, batch-major the last axis
        boolean featureMajor = layout == BatchLayout.FEATURE_MAJOR;
        if (y.dtype() == DType.F64) {
            double[] a = y.doubleArray();
            double[] b = bias == null ? null : bias.doubleArray();
            int bo = bias == null ? 0 : bias.offset();
            for (int i = 0; i < y.size(); i++) {
                int o = featureMajor ? i / rows : i % out;
                double s = b == null ? a[y.offset() + i] : a[y.offset() + i] + b[bo + o];
                a[y.offset() + i] = relu ? Math.max(s, 0.0) : s;
            }
            return;
        }
        RowEpilogue e = epilogue();
        float[] a = y.floatArray();
        for (int i = 0; i < y.size(); i++) {
            a[y.offset() + i] = e.apply(a[y.offset() + i], featureMajor ? i / rows : i % out);
        }
    }
}
