package dev.ganglion.engine.ops;

import dev.ganglion.engine.DType;
import dev.ganglion.engine.Parallel;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.kernel.ReduceKernel;
import dev.ganglion.engine.kernel.ScalarReduce;

/**
 * A tensor seen as {@code outer} contiguous rows of length {@code r} along one axis, for the
 * row kernels (log-sum-exp, softmax, log-softmax). The last axis of a contiguous tensor is used in
 * place; any other axis is first moved to the end by one strided copy.
 */
final class Rows {
    private final Tensor data; // contiguous, the reduced axis last
    private final int outer;
    private final int r;

    private Rows(Tensor data, int outer, int r) {
        this.data = data;
        this.outer = outer;
        this.r = r;
    }

    static Rows alongLast(Tensor x, int axis) {
        Tensor moved = axis == x.rank() - 1 ? x : Reductions.moveToLast(x, axis);
        int r = x.dim(axis);
        return new Rows(Runs.contiguous(moved), r == 0 ? 0 : x.size() / r, r);
    }

    /** Shape of the rows tensor (the input with the axis moved last). */
    Shape shape() {
        return data.shape();
    }

    /** {@code out[o] = ln Σ e^row_o}. */
    void logSumExp(Tensor out) {
        int off = data.offset();
        int n = out.size();
        if (data.dtype() == DType.F32) {
            ReduceKernel k = ReduceKernel.active();
            float[] x = data.floatArray();
            float[] y = out.floatArray();
            eachRow((o) -> y[o] = k.logSumExp(x, off + o * r, r), n);
        } else {
            double[] x = data.doubleArray();
            double[] y = out.doubleArray();
            eachRow((o) -> y[o] = ScalarReduce.logSumExp(x, off + o * r, r), n);
        }
    }

    /** Softmax (or log-softmax) of every row into {@code y}, a contiguous tensor of {@link #shape()}. */
    void normalise(Tensor y, boolean log) {
        int off = data.offset();
        if (data.dtype() == DType.F32) {
            ReduceKernel k = ReduceKernel.active();
            float[] x = data.floatArray();
            float[] ys = y.floatArray();
            eachRow(o -> {
                if (log) {
                    k.logSoftmax(x, off + o * r, ys, o * r, r);
                } else {
                    k.softmax(x, off + o * r, ys, o * r, r);
                }
            }, outer);
        } else {
            double[] x = data.doubleArray();
            double[] ys = y.doubleArray();
            eachRow(o -> {
                if (log) {
                    ScalarReduce.logSoftmax(x, off + o * r, ys, o * r, r);
                } else {
                    ScalarReduce.softmax(x, off + o * r, ys, o * r, r);
                }
            }, outer);
        }
    }

    private interface RowBody {
        void row(int o);
    }

    /** Rows in parallel above the grain; {@code rows} may exceed {@code outer} only when r = 0. */
    private void eachRow(RowBody body, int rows) {
        Parallel.forRange(rows, Runs.rowGrain(r), (a, b) -> {
            for (int o = a; o < b; o++) {
                body.row(o);
            }
        });
    }
}
