package dev.ganglion.engine;

/**
 * Visits the elements of a strided view in row-major order ({@link #forEach}), or the innermost rows
 * of two views of one shape ({@link #forEachRow}): the odometer loops that every non-contiguous read
 * or write in the engine goes through.
 *
 * <p>NOTE: two loops, not {@code forEach} walking the rows {@code forEachRow} hands it: the call per
 * row made the walk of a column view ({@code [8192, 1]}, a row per element) 40 % slower (measured).
 */
public final class StridedLoop {
    private StridedLoop() {}

    /** Receives the row-major index {@code i} and the storage position {@code pos} of each element. */
    @FunctionalInterface
    public interface ElementVisitor {
        /** Element {@code i} (row-major index) of the view, stored at position {@code pos} of the storage. */
        void visit(int i, int pos);
    }

    /** Receives the storage positions of one innermost row in each of two tensors of one shape. */
    @FunctionalInterface
    public interface RowVisitor {
        /**
         * One innermost row, whose first element sits at storage position {@code posA} in the first
         * tensor and {@code posB} in the second.
         */
        void visit(int posA, int posB);
    }

    /**
     * Calls {@code v} for every innermost row (the last axis) of two tensors of the same shape (rank
     * at least 1), in row-major order, with each row's first storage position in {@code a} and in
     * {@code b}: for copies whose rows are contiguous in both, one bulk copy per row.
     */
    public static void forEachRow(Tensor a, Tensor b, RowVisitor v) {
        int r = a.rank();
        if (a.size() == 0) {
            return;
        }
        int[] dims = a.shape().dims();
        int[] sa = a.strides();
        int[] sb = b.strides();
        int[] idx = new int[r];
        int rows = a.size() / dims[r - 1];
        int pa = a.offset();
        int pb = b.offset();
        for (int i = 0; i < rows; i++) {
            v.visit(pa, pb);
            for (int d = r - 2; d >= 0; d--) {
                if (++idx[d] < dims[d]) {
                    pa += sa[d];
                    pb += sb[d];
                    break;
                }
                pa -= sa[d] * (dims[d] - 1);
                pb -= sb[d] * (dims[d] - 1);
                idx[d] = 0;
            }
        }
    }

    /** Calls {@code v} for every element of {@code t} in row-major order. */
    public static void forEach(Tensor t, ElementVisitor v) {
        int n = t.size();
        if (n == 0) {
            return;
        }
        int r = t.rank();
        int base = t.offset();
        if (t.isContiguous()) {
            for (int i = 0; i < n; i++) {
                v.visit(i, base + i);
            }
            return;
        }
        int[] dims = t.shape().dims();
        int[] st = t.strides();
        int[] idx = new int[r];
        int inner = dims[r - 1];
        int innerStride = st[r - 1];
        int pos = base;
        for (int i = 0; i < n; i += inner) {
            for (int j = 0; j < inner; j++) {
                v.visit(i + j, pos + j * innerStride);
            }
            for (int a = r - 2; a >= 0; a--) {
                if (++idx[a] < dims[a]) {
                    pos += st[a];
                    break;
                }
                pos -= st[a] * (dims[a] - 1);
                idx[a] = 0;
            }
        }
    }
}
