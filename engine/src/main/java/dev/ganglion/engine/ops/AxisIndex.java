package dev.ganglion.engine.ops;

import dev.ganglion.engine.DType;
import dev.ganglion.engine.Parallel;
import dev.ganglion.engine.Tensor;

/**
 * The loops of {@link Indexing#indexSelect} and {@link Indexing#indexAddInto} on contiguous tensors
 * seen as {@code [outer, d, inner]} around the indexed axis (the source has d slices along it, the
 * other side n = {@code indices.length}):
 * <ul>
 *   <li>select {@code Y[o, i, j] = X[o, idx[i], j]},</li>
 *   <li>add {@code T[o, idx[i], j] += S[o, i, j]}, duplicates in order of i.</li>
 * </ul>
 * Work is split over {@code o}, so no two tasks write the same slice. With {@code inner = 1} (the
 * last axis: a permutation of features, as in G2GNet's groupings) each element is one load and one
 * store; before this loop it was one {@code System.arraycopy} call per element for select, and a
 * per-element index and position walk for add.
 */
final class AxisIndex {
    /** Elements below which the loop runs on the calling thread. */
    private static final int GRAIN = 1 << 15;

    private AxisIndex() {}

    /** {@code y[o, i, j] = x[o, idx[i], j]}; both contiguous, x of d slices, y of idx.length. */
    static void select(Tensor x, int outer, int d, int inner, int[] idx, Tensor y) {
        int n = idx.length;
        int xo = x.offset();
        int yo = y.offset();
        overOuter(outer, n * inner, (from, to) -> {
            for (int o = from; o < to; o++) {
                int src = xo + o * d * inner;
                int dst = yo + o * n * inner;
                if (x.dtype() == DType.F32) {
                    selectRow(x.floatArray(), src, inner, idx, y.floatArray(), dst);
                } else {
                    selectRow(x.doubleArray(), src, inner, idx, y.doubleArray(), dst);
                }
            }
        });
    }

    /** {@code t[o, idx[i], j] += s[o, i, j]}; both contiguous, t of d slices, s of idx.length. */
    static void add(Tensor t, int outer, int d, int inner, int[] idx, Tensor s) {
        int n = idx.length;
        int to0 = t.offset();
        int so = s.offset();
        overOuter(outer, n * inner, (from, to) -> {
            for (int o = from; o < to; o++) {
                int dst = to0 + o * d * inner;
                int src = so + o * n * inner;
                if (t.dtype() == DType.F32) {
                    addRow(t.floatArray(), dst, inner, idx, s.floatArray(), src);
                } else {
                    addRow(t.doubleArray(), dst, inner, idx, s.doubleArray(), src);
                }
            }
        });
    }

    private static void overOuter(int outer, int perOuter, Parallel.RangeBody body) {
        Parallel.forRange(outer, Math.max(1, GRAIN / Math.max(1, perOuter)), body);
    }

    private static void selectRow(float[] x, int src, int inner, int[] idx, float[] y, int dst) {
        if (inner == 1) {
            for (int i = 0; i < idx.length; i++) {
                y[dst + i] = x[src + idx[i]];
            }
        } else {
            for (int i = 0; i < idx.length; i++) {
                System.arraycopy(x, src + idx[i] * inner, y, dst + i * inner, inner);
            }
        }
    }

    private static void selectRow(double[] x, int src, int inner, int[] idx, double[] y, int dst) {
        if (inner == 1) {
            for (int i = 0; i < idx.length; i++) {
                y[dst + i] = x[src + idx[i]];
            }
        } else {
            for (int i = 0; i < idx.length; i++) {
                System.arraycopy(x, src + idx[i] * inner, y, dst + i * inner, inner);
            }
        }
    }

    private static void addRow(float[] t, int dst, int inner, int[] idx, float[] s, int src) {
        if (inner == 1) {
            for (int i = 0; i < idx.length; i++) {
                t[dst + idx[i]] += s[src + i];
            }
            return;
        }
        for (int i = 0; i < idx.length; i++) {
            int at = dst + idx[i] * inner;
            int from = src + i * inner;
            for (int j = 0; j < inner; j++) {
                t[at + j] += s[from + j];
            }
        }
    }

    private static void addRow(double[] t, int dst, int inner, int[] idx, double[] s, int src) {
        if (inner == 1) {
            for (int i = 0; i < idx.length; i++) {
                t[dst + idx[i]] += s[src + i];
            }
            return;
        }
        for (int i = 0; i < idx.length; i++) {
            int at = dst + idx[i] * inner;
            int from = src + i * inner;
            for (int j = 0; j < inner; j++) {
                t[at + j] += s[from + j];
            }
        }
    }
}
