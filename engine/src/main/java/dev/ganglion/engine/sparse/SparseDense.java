package dev.ganglion.engine.sparse;

import dev.ganglion.engine.DType;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;

/** Conversions between sparse formats and dense tensors, and argument checks shared by the formats. */
final class SparseDense {
    private SparseDense() {}

    static Tensor toDense(SparseMatrix w) {
        int cols = w.cols();
        Tensor v = w.values();
        int off = v.offset();
        Tensor dense = dense("toDense", w, v.dtype());
        if (v.dtype() == DType.F32) {
            float[] src = v.floatArray();
            float[] out = dense.floatArray();
            w.forEachEntry((i, j, k) -> out[i * cols + j] = src[off + k]);
        } else {
            double[] src = v.doubleArray();
            double[] out = dense.doubleArray();
            w.forEachEntry((i, j, k) -> out[i * cols + j] = src[off + k]);
        }
        return dense.markWritten();
    }

    static Tensor patternMask(SparseMatrix w) {
        int cols = w.cols();
        Tensor mask = dense("patternMask", w, DType.F32);
        float[] out = mask.floatArray();
        w.forEachEntry((i, j, k) -> out[i * cols + j] = 1f);
        return mask.markWritten();
    }

    /** Zeros of W's dense shape, or an error naming {@code op} and W when no tensor can hold it. */
    private static Tensor dense(String op, SparseMatrix w, DType dtype) {
        Shape shape = Shape.of(op + " of " + w, w.rows(), w.cols());
        try {
            return Tensor.zeros(shape, dtype);
        } catch (IllegalArgumentException e) {   // larger than the heap
            throw new IllegalArgumentException(op + " of " + w + ": " + e.getMessage(), e);
        }
    }

    /** A rank-2 tensor's values in row-major order as doubles, after checking its shape. */
    static double[] matrix(String op, String name, Tensor t, int rows, int cols) {
        if (t.rank() != 2 || t.dim(0) != rows || t.dim(1) != cols) {
            throw new IllegalArgumentException(op + ": " + name + " has shape " + t.shape()
                    + ", expected [" + rows + ", " + cols + "]");
        }
        return t.toDoubleArray();
    }

    /** A rank-2 tensor's shape, checked. */
    static Shape rank2(String op, String name, Tensor t) {
        if (t.rank() != 2) {
            throw new IllegalArgumentException(op + ": " + name + " must be rank 2, got shape " + t.shape());
        }
        return t.shape();
    }

    /**
     * Checks that {@code values} is a contiguous float tensor of {@code count} elements and returns
     * it viewed with {@code shape} (sharing storage).
     */
    static Tensor values(String op, Tensor values, Shape shape) {
        if (values == null) {
            throw new IllegalArgumentException(op + ": values must not be null");
        }
        if (values.size() != shape.size()) {
            throw new IllegalArgumentException(op + ": values of shape " + values.shape() + " has " + values.size()
                    + " elements, the pattern needs " + shape.size() + " (shape " + shape + ")");
        }
        if (!values.isContiguous() && values.size() != 0) {
            throw new IllegalArgumentException(op + ": values of shape " + values.shape()
                    + " must be contiguous (optimizers update them in place)");
        }
        return values.shape().equals(shape) ? values : values.reshape(shape.dims());
    }

    /** A new values tensor of {@code shape} read from {@code dense} at each entry, zero where {@code mask} is 0. */
    static Tensor gather(Tensor dense, Tensor mask, Shape shape, SparseMatrix pattern) {
        double[] d = dense.toDoubleArray();
        double[] m = mask == null ? null : mask.toDoubleArray();
        int cols = pattern.cols();
        Tensor out = Tensor.zeros(shape, dense.dtype());
        if (dense.dtype() == DType.F32) {
            float[] o = out.floatArray();
            pattern.forEachEntry((i, j, k) -> o[k] = m == null || m[i * cols + j] != 0 ? (float) d[i * cols + j] : 0f);
        } else {
            double[] o = out.doubleArray();
            pattern.forEachEntry((i, j, k) -> o[k] = m == null || m[i * cols + j] != 0 ? d[i * cols + j] : 0);
        }
        return out;
    }
}
