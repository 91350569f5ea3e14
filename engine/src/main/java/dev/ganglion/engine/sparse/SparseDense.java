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
        if (v.dtype() == DType.F32) {
            float[] src = v.floatArray();
            float[] out = new float[Math.multiplyExact(w.rows(), cols)];
            w.forEachEntry((i, j, k) -> out[i * cols + j] = src[off + k]);
            return Tensor.wrap(out, Shape.of(w.rows(), cols));
        }
        double[] src = v.doubleArray();
        double[] out = new double[Math.multiplyExact(w.rows(), cols)];
        w.forEachEntry((i, j, k) -> out[i * cols + j] = src[off + k]);
        return Tensor.wrap(out, Shape.of(w.rows(), cols));
    }

    static Tensor patternMask(SparseMatrix w) {
        int cols = w.cols();
        float[] out = new float[Math.multiplyExact(w.rows(), cols)];
        w.forEachEntry((i, j, k) -> out[i * cols + j] = 1f);
        return Tensor.wrap(out, Shape.of(w.rows(), cols));
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
