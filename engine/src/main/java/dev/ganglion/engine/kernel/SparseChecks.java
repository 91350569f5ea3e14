package dev.ganglion.engine.kernel;

/** Argument checks shared by the sparse product drivers: clear messages instead of index errors deep in a kernel. */
final class SparseChecks {
    private SparseChecks() {}

    /** A row-major {@code rows × cols} matrix fits in {@code a} from {@code off}. */
    static void matrix(String op, String name, float[] a, int off, int rows, int cols) {
        if (a == null) {
            throw new IllegalArgumentException(op + ": " + name + " is null");
        }
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException(op + ": " + name + " has negative shape [" + rows + ", " + cols + "]");
        }
        long need = (long) rows * cols;
        if (off < 0 || off + need > a.length) {
            throw new IllegalArgumentException(op + ": " + name + " of shape [" + rows + ", " + cols + "] from offset "
                    + off + " does not fit in an array of length " + a.length);
        }
    }

    /** {@code count} values fit in {@code v} from {@code off}. */
    static void values(String op, float[] v, int off, long count) {
        if (v == null) {
            throw new IllegalArgumentException(op + ": values array is null");
        }
        if (off < 0 || off + count > v.length) {
            throw new IllegalArgumentException(op + ": " + count + " values from offset " + off
                    + " do not fit in an array of length " + v.length);
        }
    }

    /** {@code dim % block == 0}, both positive. */
    static void divides(String op, String what, int dim, int block) {
        if (block < 1 || dim < 0 || dim % block != 0) {
            throw new IllegalArgumentException(op + ": " + what + " " + block + " does not divide dimension " + dim);
        }
    }

    /** Block sizes are positive. */
    static void blockShape(String op, int r, int c) {
        if (r < 1 || c < 1) {
            throw new IllegalArgumentException(op + ": block shape " + r + "×" + c + " must be positive");
        }
    }
}
