package dev.ganglion.engine.ops;

import dev.ganglion.engine.DType;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import java.util.Arrays;

/**
 * Matrix products on tensors: {@link #matmul} ({@code torch.matmul}) and {@link #linear}
 * ({@code y = x·Wᵀ + b}). Inputs may be any views; results are new contiguous tensors.
 *
 * <p>Float32 runs on {@link dev.ganglion.engine.kernel.GemmKernel#active()}, float64 on a plain
 * double loop (references and gradient checks). A matrix whose last two axes are row-major, or the
 * transpose of row-major ({@code w.mT()}), is read in place through the kernel's transpose flags;
 * other layouts are copied to contiguous first. Both operands must have the same dtype.
 */
public final class Linalg {
    private Linalg() {}

    /**
     * {@code torch.matmul}: {@code C[…, i, j] = Σ_p A[…, i, p]·B[…, p, j]}. A 1-D {@code a} is a row
     * vector ([k] → [1, k]) and a 1-D {@code b} a column vector ([k] → [k, 1]), the added axis being
     * removed from the result (1-D × 1-D is the dot product, a 0-D tensor). Leading (batch) axes
     * broadcast NumPy-style.
     *
     * @throws IllegalArgumentException naming the shapes when an input is 0-D, the inner dimensions
     *     differ, the batch axes do not broadcast, or the dtypes differ
     */
    public static Tensor matmul(Tensor a, Tensor b) {
        if (a.rank() == 0 || b.rank() == 0) {
            throw new IllegalArgumentException("matmul: both arguments need at least 1 dimension, got shapes "
                    + a.shape() + " and " + b.shape());
        }
        checkDtypes("matmul", a, b);
        int k = a.dim(-1);
        int kb = b.rank() == 1 ? b.dim(0) : b.dim(-2);
        if (k != kb) {
            throw new IllegalArgumentException("matmul: shapes " + a.shape() + " and " + b.shape()
                    + ": inner dimensions " + k + " and " + kb + " differ");
        }
        Tensor a2 = a.rank() == 1 ? a.unsqueeze(0) : a;
        Tensor b2 = b.rank() == 1 ? b.unsqueeze(1) : b;
        int[] batch = batchShape(a, b, a2, b2);
        int m = a2.dim(-2);
        int n = b2.dim(-1);
        Tensor c = Tensor.zeros(Shape.of(resultDims(batch, a.rank() == 1 ? -1 : m, b.rank() == 1 ? -1 : n)), a.dtype());
        BatchedProduct.run(MatrixOperand.of(a2), MatrixOperand.of(b2), batch, c, 0f);
        return c.markWritten();
    }

    /**
     * {@code C = A·B} ({@code accumulate} false) or {@code C += A·B} in place, for 2-D {@code A [m, k]},
     * {@code B [k, n]} and a contiguous {@code C [m, n]} of the same dtype (A and B may be strided
     * views, e.g. transposes). What a gradient accumulation needs without a temporary {@code [m, n]}
     * tensor; C is not read when it is overwritten.
     *
     * @throws IllegalArgumentException naming the shapes when they do not fit, C is not contiguous,
     *     C shares storage with A or B, or the dtypes differ
     */
    public static void matmulInto(Tensor a, Tensor b, Tensor c, boolean accumulate) {
        if (a.rank() != 2 || b.rank() != 2 || c.rank() != 2 || a.dim(1) != b.dim(0) || c.dim(0) != a.dim(0)
                || c.dim(1) != b.dim(1)) {
            throw new IllegalArgumentException("matmulInto: shapes " + a.shape() + " · " + b.shape()
                    + " do not fit C " + c.shape());
        }
        if (!c.isContiguous()) {
            throw new IllegalArgumentException("matmulInto: C of shape " + c.shape() + " must be contiguous");
        }
        if (c.sharesStorage(a) || c.sharesStorage(b)) {
            throw new IllegalArgumentException("matmulInto: C of shape " + c.shape()
                    + " must not share storage with A " + a.shape() + " or B " + b.shape());
        }
        checkDtypes("matmulInto", a, b);
        checkDtypes("matmulInto", a, c);
        BatchedProduct.run(MatrixOperand.of(a), MatrixOperand.of(b), new int[0], c, accumulate ? 1f : 0f);
        c.markWritten();
    }

    /**
     * {@code y = x·Wᵀ + b}: {@code y[…, o] = Σ_i x[…, i]·W[o, i] + b[o]}, for x {@code [..., in]},
     * W {@code [out, in]} and b {@code [out]} (or null). Wᵀ is never materialised: the kernel reads W
     * through its transpose flag.
     *
     * @throws IllegalArgumentException naming the shapes on a rank, size or dtype mismatch
     */
    public static Tensor linear(Tensor x, Tensor w, Tensor biasOrNull) {
        checkLinear(x, w, biasOrNull);
        int in = w.dim(1);
        int out = w.dim(0);
        int rows = sizeOfLeading(x);
        Tensor x2 = x.rank() == 2 ? x : x.reshape(rows, in);
        int[] dims = x.shape().dims();
        dims[dims.length - 1] = out;
        Tensor y = Tensor.zeros(Shape.of(dims), x.dtype());
        float beta = 0f;
        if (biasOrNull != null && rows > 0) {
            fillRows(y, biasOrNull, rows, out);
            beta = 1f;
        }
        MatrixOperand weightT = MatrixOperand.of(w).transposed();
        BatchedProduct.run(MatrixOperand.of(x2), weightT, new int[0], y, beta);
        return y.markWritten();
    }

    private static void checkLinear(Tensor x, Tensor w, Tensor bias) {
        if (w.rank() != 2) {
            throw new IllegalArgumentException("linear: weight must be 2-D [out, in], got shape " + w.shape());
        }
        if (x.rank() == 0) {
            throw new IllegalArgumentException("linear: input must have at least 1 dimension, got shape " + x.shape());
        }
        if (x.dim(-1) != w.dim(1)) {
            throw new IllegalArgumentException("linear: input shape " + x.shape() + " and weight shape " + w.shape()
                    + ": in_features " + x.dim(-1) + " and " + w.dim(1) + " differ");
        }
        checkDtypes("linear", x, w);
        if (bias != null) {
            if (bias.rank() != 1 || bias.dim(0) != w.dim(0)) {
                throw new IllegalArgumentException("linear: bias shape " + bias.shape()
                        + " does not match out_features " + w.dim(0) + " of weight shape " + w.shape());
            }
            checkDtypes("linear", x, bias);
        }
    }

    private static void checkDtypes(String op, Tensor a, Tensor b) {
        if (a.dtype() != b.dtype()) {
            throw new IllegalArgumentException(op + ": dtypes " + a.dtype() + " and " + b.dtype()
                    + " differ (shapes " + a.shape() + " and " + b.shape() + ")");
        }
    }

    /** The broadcast batch shape of the promoted operands, or an error naming the original shapes. */
    private static int[] batchShape(Tensor a, Tensor b, Tensor a2, Tensor b2) {
        int[] ba = Arrays.copyOf(a2.shape().dims(), a2.rank() - 2);
        int[] bb = Arrays.copyOf(b2.shape().dims(), b2.rank() - 2);
        int r = Math.max(ba.length, bb.length);
        int[] out = new int[r];
        for (int i = 0; i < r; i++) {
            int da = i < r - ba.length ? 1 : ba[i - (r - ba.length)];
            int db = i < r - bb.length ? 1 : bb[i - (r - bb.length)];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException("matmul: shapes " + a.shape() + " and " + b.shape()
                        + ": batch dimensions " + Arrays.toString(ba) + " and " + Arrays.toString(bb)
                        + " do not broadcast");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** {@code batch + [m] + [n]}, leaving out m or n where it is −1 (a promoted 1-D operand). */
    private static int[] resultDims(int[] batch, int m, int n) {
        int[] dims = Arrays.copyOf(batch, batch.length + (m >= 0 ? 1 : 0) + (n >= 0 ? 1 : 0));
        int i = batch.length;
        if (m >= 0) {
            dims[i++] = m;
        }
        if (n >= 0) {
            dims[i] = n;
        }
        return dims;
    }

    private static int sizeOfLeading(Tensor x) {
        int rows = 1;
        for (int i = 0; i < x.rank() - 1; i++) {
            rows *= x.dim(i);
        }
        return rows;
    }

    /** Writes the bias into every row of the contiguous {@code [rows, out]} result. */
    private static void fillRows(Tensor y, Tensor bias, int rows, int out) {
        if (y.dtype() == DType.F32) {
            float[] b = bias.toFloatArray();
            float[] dst = y.floatArray();
            for (int r = 0; r < rows; r++) {
                System.arraycopy(b, 0, dst, r * out, out);
            }
        } else {
            double[] b = bias.toDoubleArray();
            double[] dst = y.doubleArray();
            for (int r = 0; r < rows; r++) {
                System.arraycopy(b, 0, dst, r * out, out);
            }
        }
    }
}
