package dev.ganglion.engine.backend;

import dev.ganglion.engine.DType;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.sparse.SparseMatrix;

/**
 * Operand checks shared by every {@link ComputeBackend}, so that the CPU and device backends reject
 * the same inputs with the same {@link IllegalArgumentException} (op name and shapes in the message).
 */
public final class Operands {
    private Operands() {}

    /** {@code {m, n, k}} of {@code op(A)·op(B)}: both float32 matrices with matching inner dimensions. */
    public static int[] matmul(String op, Tensor a, boolean transA, Tensor b, boolean transB) {
        String what = " (A " + a.shape() + (transA ? "ᵀ" : "") + ", B " + b.shape() + (transB ? "ᵀ" : "") + ")";
        if (a.rank() != 2 || b.rank() != 2) {
            throw new IllegalArgumentException(op + ": operands must be matrices" + what);
        }
        float32(op, "A", a);
        float32(op, "B", b);
        int m = transA ? a.dim(1) : a.dim(0);
        int k = transA ? a.dim(0) : a.dim(1);
        int kb = transB ? b.dim(1) : b.dim(0);
        int n = transB ? b.dim(0) : b.dim(1);
        if (k != kb) {
            throw new IllegalArgumentException(op + ": inner dimensions " + k + " and " + kb + " differ" + what);
        }
        return new int[] {m, n, k};
    }

    /**
     * The output shape of a sparse product reading {@code in} ({@code [..., from]}): the same with
     * the last axis {@code to}. Checks float32 and the last axis.
     */
    public static Shape linear(String op, String name, Tensor in, int from, int to, SparseMatrix w) {
        if (in.rank() < 1 || in.dim(in.rank() - 1) != from) {
            throw new IllegalArgumentException(op + ": " + name + " of shape " + in.shape()
                    + " does not match " + w + " (last axis must be " + from + ")");
        }
        float32(op, name, in);
        if (w.dtype() != DType.F32) {
            throw new IllegalArgumentException(op + ": the weight " + w + " must be float32, got " + w.dtype());
        }
        return in.shape().with(in.rank() - 1, to);
    }

    /** Checks {@code dy} and {@code x} of a weight gradient against W and each other (same batch). */
    public static void weightGrad(String op, SparseMatrix w, Tensor dy, Tensor x) {
        Shape ys = linear(op, "x", x, w.cols(), w.rows(), w);
        if (!dy.shape().equals(ys)) {
            throw new IllegalArgumentException(op + ": dy has shape " + dy.shape() + ", expected " + ys
                    + " for x of shape " + x.shape() + " and " + w);
        }
        float32(op, "dy", dy);
    }

    /** Rows of a {@code [..., last]} operand seen as a matrix: the product of the leading axes. */
    public static int batch(Tensor t) {
        int batch = 1;
        for (int i = 0; i < t.rank() - 1; i++) {
            batch = Math.multiplyExact(batch, t.dim(i));   // not size/last: a zero-width axis keeps its batch
        }
        return batch;
    }

    private static void float32(String op, String name, Tensor t) {
        if (t.dtype() != DType.F32) {
            throw new IllegalArgumentException(op + ": " + name + " must be float32, got " + t.dtype()
                    + " of shape " + t.shape());
        }
    }
}
