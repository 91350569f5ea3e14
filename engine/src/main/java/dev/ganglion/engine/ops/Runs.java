package dev.ganglion.engine.ops;

import dev.ganglion.engine.DType;
import dev.ganglion.engine.Parallel;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;

/**
 * The strided loop under every elementwise op: walks a shape as a set of 1-D runs, each operand
 * (a view of that shape, stride 0 on broadcast axes) with its own offset and stride along the run.
 *
 * <p>Axes of size 1 are dropped and adjacent axes merged wherever every operand allows it, so
 * contiguous same-shape operands become one long run, a bias row against a matrix becomes runs of
 * row length with the bias at stride 1, and a scalar becomes stride 0. Runs longer than
 * {@value #CHUNK} are cut so that even one long run spreads over the pool; work below
 * {@value #GRAIN} elements stays on the calling thread.
 */
final class Runs {
    /** Elements below which an op runs on the calling thread. */
    static final int GRAIN = 1 << 15;
    /** Longest run handed to a kernel at once (a unit of parallel work). */
    static final int CHUNK = 1 << 14;

    /** Receives one run: operand k starts at storage position {@code off[k]} with stride {@code stride[k]}. */
    @FunctionalInterface
    interface Body {
        void run(int[] off, int[] stride, int n);
    }

    private Runs() {}

    /** The grain of a parallel loop over rows of {@code rowLength} elements: the rows of {@link #GRAIN} elements. */
    static int rowGrain(int rowLength) {
        return Math.max(1, GRAIN / Math.max(rowLength, 1));
    }

    /** Calls {@code body} for runs covering all elements of {@code shape}; every operand has that shape. */
    static void forEach(Shape shape, Tensor[] operands, Body body) {
        if (shape.size() == 0) {
            return;
        }
        if (allContiguous(operands)) {
            flat(shape.size(), operands, body);
            return;
        }
        Layout lay = Layout.of(shape, operands);
        int inner = lay.inner;
        int perRow = (inner + CHUNK - 1) / CHUNK;
        int items = lay.rows * perRow;
        int grain = Math.max(1, GRAIN / Math.min(inner, CHUNK));
        Parallel.forRange(items, grain, (from, to) -> lay.walk(from, to, perRow, body));
    }

    private static boolean allContiguous(Tensor[] operands) {
        for (Tensor t : operands) {
            if (!t.isContiguous()) {
                return false;
            }
        }
        return true;
    }

    /** The common case without a layout: one run of {@code n} unit-stride elements, cut into chunks. */
    private static void flat(int n, Tensor[] operands, Body body) {
        int k = operands.length;
        int[] base = new int[k];
        int[] unit = new int[k];
        for (int j = 0; j < k; j++) {
            base[j] = operands[j].offset();
            unit[j] = 1;
        }
        int chunks = (n + CHUNK - 1) / CHUNK;
        Parallel.forRange(chunks, Math.max(1, GRAIN / CHUNK), (from, to) -> {
            int[] off = new int[k];
            for (int c = from; c < to; c++) {
                for (int j = 0; j < k; j++) {
                    off[j] = base[j] + c * CHUNK;
                }
                body.run(off, unit, Math.min(CHUNK, n - c * CHUNK));
            }
        });
    }

    /** Copies {@code src} into {@code dst} (same shape and dtype, any strides; dst need not be contiguous). */
    static void copy(Tensor src, Tensor dst) {
        Tensor[] ops = {dst, src};
        if (dst.dtype() == DType.F32) {
            float[] s = src.floatArray();
            float[] d = dst.floatArray();
            forEach(dst.shape(), ops, (off, st, n) -> {
                if (st[0] == 1 && st[1] == 1) {
                    System.arraycopy(s, off[1], d, off[0], n);
                } else {
                    for (int i = 0; i < n; i++) {
                        d[off[0] + i * st[0]] = s[off[1] + i * st[1]];
                    }
                }
            });
        } else {
            double[] s = src.doubleArray();
            double[] d = dst.doubleArray();
            forEach(dst.shape(), ops, (off, st, n) -> {
                if (st[0] == 1 && st[1] == 1) {
                    System.arraycopy(s, off[1], d, off[0], n);
                } else {
                    for (int i = 0; i < n; i++) {
                        d[off[0] + i * st[0]] = s[off[1] + i * st[1]];
                    }
                }
            });
        }
        dst.markWritten();
    }

    /** {@code t} itself when contiguous, else a contiguous copy (through the fast strided copy). */
    static Tensor contiguous(Tensor t) {
        if (t.isContiguous()) {
            return t;
        }
        Tensor out = Tensor.zeros(t.shape(), t.dtype());
        copy(t, out);
        return out;
    }

    /**
     * {@code t} itself when its last axis has stride 0 or 1 (or size ≤ 1), else a contiguous copy:
     * the SIMD kernels only vectorise unit and broadcast strides, and one strided copy costs less
     * than running a transposed operand through the scalar path.
     */
    static Tensor unitInner(Tensor t) {
        if (t.rank() == 0 || t.dim(-1) <= 1 || t.stride(-1) == 0 || t.stride(-1) == 1) {
            return t;
        }
        return contiguous(t);
    }

    /** The merged iteration space: outer axes (odometer) and one inner run per row. */
    private static final class Layout {
        final int[] dims;      // outer axes only
        final int[][] strides; // [operand][outer axis]
        final int[] base;      // [operand] storage offset of element 0
        final int[] innerStride;
        final int inner;
        final int rows;

        private Layout(int[] dims, int[][] strides, int[] base, int[] innerStride, int inner, int rows) {
            this.dims = dims;
            this.strides = strides;
            this.base = base;
            this.innerStride = innerStride;
            this.inner = inner;
            this.rows = rows;
        }

        static Layout of(Shape shape, Tensor[] ops) {
            int r = shape.rank();
            int k = ops.length;
            int[][] src = new int[k][];
            int[] base = new int[k];
            for (int j = 0; j < k; j++) {
                src[j] = ops[j].strides();
                base[j] = ops[j].offset();
            }
            int[] dims = new int[r];
            int[][] st = new int[k][r];
            int m = 0;
            for (int i = 0; i < r; i++) {
                int d = shape.dim(i);
                if (d == 1) {
                    continue;
                }
                boolean merge = m > 0;
                for (int j = 0; j < k && merge; j++) {
                    merge = st[j][m - 1] == src[j][i] * d;
                }
                int at = merge ? m - 1 : m++;
                dims[at] = merge ? dims[at] * d : d;
                for (int j = 0; j < k; j++) {
                    st[j][at] = src[j][i];
                }
            }
            return split(dims, st, base, m);
        }

        /** Separates the innermost merged axis (the run) from the outer ones. */
        private static Layout split(int[] dims, int[][] st, int[] base, int m) {
            int k = st.length;
            int inner = m == 0 ? 1 : dims[m - 1];
            int outer = Math.max(m - 1, 0);
            int[] innerStride = new int[k];
            int[][] outerStrides = new int[k][outer];
            for (int j = 0; j < k; j++) {
                innerStride[j] = m == 0 ? 0 : st[j][m - 1];
                System.arraycopy(st[j], 0, outerStrides[j], 0, outer);
            }
            int rows = 1;
            int[] outerDims = new int[outer];
            for (int i = 0; i < outer; i++) {
                outerDims[i] = dims[i];
                rows *= dims[i];
            }
            return new Layout(outerDims, outerStrides, base, innerStride, inner, rows);
        }

        /** Runs work items {@code [from, to)}; item w is chunk {@code w % perRow} of row {@code w / perRow}. */
        void walk(int from, int to, int perRow, Body body) {
            int k = base.length;
            int[] idx = new int[dims.length];
            int[] rowOff = new int[k];
            int[] off = new int[k];
            int row = from / perRow;
            for (int a = dims.length - 1, rest = row; a >= 0; a--) {
                idx[a] = rest % dims[a];
                rest /= dims[a];
            }
            for (int j = 0; j < k; j++) {
                rowOff[j] = base[j];
                for (int a = 0; a < dims.length; a++) {
                    rowOff[j] += idx[a] * strides[j][a];
                }
            }
            for (int w = from; w < to; w++) {
                int c = w - row * perRow;
                if (c == perRow) {
                    next(idx, rowOff);
                    row++;
                    c = 0;
                }
                int start = c * CHUNK;
                for (int j = 0; j < k; j++) {
                    off[j] = rowOff[j] + start * innerStride[j];
                }
                body.run(off, innerStride, Math.min(CHUNK, inner - start));
            }
        }

        /** Advances the outer odometer by one row. */
        private void next(int[] idx, int[] rowOff) {
            for (int a = dims.length - 1; a >= 0; a--) {
                if (++idx[a] < dims[a]) {
                    for (int j = 0; j < rowOff.length; j++) {
                        rowOff[j] += strides[j][a];
                    }
                    return;
                }
                idx[a] = 0;
                for (int j = 0; j < rowOff.length; j++) {
                    rowOff[j] -= strides[j][a] * (dims[a] - 1);
                }
            }
        }
    }
}
