package dev.ganglion.engine.sparse;

import dev.ganglion.engine.kernel.BatchLayout;
import java.util.Arrays;

/**
 * Float64 products for any format, entry by entry: slow, simple, and exact enough for gradient
 * checks by central differences. Arrays are row-major and contiguous from the given offsets; the
 * dense operands in {@code layout} (the shapes below are batch-major), each element reached by
 * {@link #at}, so both layouts sum the same terms in the same order.
 */
final class SparseF64 {
    private SparseF64() {}

    /** Position of element (sample b, feature f) of a {@code batch × features} operand in {@code layout}. */
    private static int at(BatchLayout layout, int off, int b, int f, int batch, int features) {
        return layout == BatchLayout.FEATURE_MAJOR ? off + f * batch + b : off + b * features + f;
    }

    /** {@code Y[batch × rows] (+)= X[batch × cols]·Wᵀ}. */
    static void linear(BatchLayout layout, SparseMatrix w, double[] v, int vOff, int batch, double[] x, int xOff,
                       double[] y, int yOff, boolean accumulate) {
        int rows = w.rows();
        int cols = w.cols();
        if (!accumulate) {
            Arrays.fill(y, yOff, yOff + batch * rows, 0);
        }
        w.forEachEntry((i, j, k) -> {
            double wk = v[vOff + k];
            for (int b = 0; b < batch; b++) {
                y[at(layout, yOff, b, i, batch, rows)] += wk * x[at(layout, xOff, b, j, batch, cols)];
            }
        });
    }

    /** {@code dX[batch × cols] (+)= dY[batch × rows]·W}. */
    static void inputGrad(BatchLayout layout, SparseMatrix w, double[] v, int vOff, int batch, double[] dy,
                          int dyOff, double[] dx, int dxOff, boolean accumulate) {
        int rows = w.rows();
        int cols = w.cols();
        if (!accumulate) {
            Arrays.fill(dx, dxOff, dxOff + batch * cols, 0);
        }
        w.forEachEntry((i, j, k) -> {
            double wk = v[vOff + k];
            for (int b = 0; b < batch; b++) {
                dx[at(layout, dxOff, b, j, batch, cols)] += wk * dy[at(layout, dyOff, b, i, batch, rows)];
            }
        });
    }

    /** {@code dv[k] (+)= Σ_b dY[b, row(k)]·X[b, col(k)]} for every stored entry k. */
    static void weightGrad(BatchLayout layout, SparseMatrix w, int batch, double[] dy, int dyOff, double[] x,
                           int xOff, double[] dv, int dvOff, boolean accumulate) {
        int rows = w.rows();
        int cols = w.cols();
        w.forEachEntry((i, j, k) -> {
            double acc = 0;
            for (int b = 0; b < batch; b++) {
                acc += dy[at(layout, dyOff, b, i, batch, rows)] * x[at(layout, xOff, b, j, batch, cols)];
            }
            dv[dvOff + k] = accumulate ? dv[dvOff + k] + acc : acc;
        });
    }
}
