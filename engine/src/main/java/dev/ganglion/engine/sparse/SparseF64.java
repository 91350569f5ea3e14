package dev.ganglion.engine.sparse;

import java.util.Arrays;

/**
 * Float64 products for any format, entry by entry: slow, simple, and exact enough for gradient
 * checks by central differences. Arrays are row-major and contiguous from the given offsets.
 */
final class SparseF64 {
    private SparseF64() {}

    /** {@code Y[batch × rows] (+)= X[batch × cols]·Wᵀ}. */
    static void linear(SparseMatrix w, double[] v, int vOff, int batch, double[] x, int xOff,
                       double[] y, int yOff, boolean accumulate) {
        int rows = w.rows();
        int cols = w.cols();
        if (!accumulate) {
            Arrays.fill(y, yOff, yOff + batch * rows, 0);
        }
        w.forEachEntry((i, j, k) -> {
            double wk = v[vOff + k];
            for (int b = 0; b < batch; b++) {
                y[yOff + b * rows + i] += wk * x[xOff + b * cols + j];
            }
        });
    }

    /** {@code dX[batch × cols] (+)= dY[batch × rows]·W}. */
    static void inputGrad(SparseMatrix w, double[] v, int vOff, int batch, double[] dy, int dyOff,
                          double[] dx, int dxOff, boolean accumulate) {
        int rows = w.rows();
        int cols = w.cols();
        if (!accumulate) {
            Arrays.fill(dx, dxOff, dxOff + batch * cols, 0);
        }
        w.forEachEntry((i, j, k) -> {
            double wk = v[vOff + k];
            for (int b = 0; b < batch; b++) {
                dx[dxOff + b * cols + j] += wk * dy[dyOff + b * rows + i];
            }
        });
    }

    /** {@code dv[k] (+)= Σ_b dY[b, row(k)]·X[b, col(k)]} for every stored entry k. */
    static void weightGrad(SparseMatrix w, int batch, double[] dy, int dyOff, double[] x, int xOff,
                           double[] dv, int dvOff, boolean accumulate) {
        int rows = w.rows();
        int cols = w.cols();
        w.forEachEntry((i, j, k) -> {
            double acc = 0;
            for (int b = 0; b < batch; b++) {
                acc += dy[dyOff + b * rows + i] * x[xOff + b * cols + j];
            }
            dv[dvOff + k] = accumulate ? dv[dvOff + k] + acc : acc;
        });
    }
}
