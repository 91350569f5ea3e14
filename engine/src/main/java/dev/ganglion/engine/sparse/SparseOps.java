package dev.ganglion.engine.sparse;

import dev.ganglion.engine.DType;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.kernel.BatchLayout;
import dev.ganglion.engine.kernel.BlockDiagProducts;
import dev.ganglion.engine.kernel.BsrProducts;
import dev.ganglion.engine.kernel.CsrProducts;

/**
 * Products of dense batches with a {@link SparseMatrix} weight {@code W[out × in]} (PyTorch Linear
 * layout): the forward product and both backward products of {@code Y = X·Wᵀ}, and the same for a
 * weight kept as its transpose ({@link #linearTransposedInto}).
 *
 * <p>{@code X} has shape {@code [..., in]} (all leading axes are batch), {@code Y} and {@code dY}
 * {@code [..., out]}. Inputs may be any view; outputs are contiguous. Float32 runs the SIMD (or
 * scalar) kernels of each format; float64 runs a simple entry-by-entry path for gradient checks.
 * X, dY and W must share a dtype. The {@code …Into} variants write (or with {@code accumulate} add)
 * into a given contiguous tensor, which must not share storage with an input. Those taking a
 * {@link BatchLayout} also accept feature-major operands ({@code Xᵀ [in, batch]},
 * {@code Yᵀ, dYᵀ [out, batch]}, rank 2): the kernels' own layout, reached by copies instead of
 * transposes, for a stack of sparse layers that keeps its activations that way.
 */
public final class SparseOps {
    private SparseOps() {}

    /** {@code Y = X·Wᵀ}: {@code [..., in] → [..., out]}. */
    public static Tensor linear(Tensor x, SparseMatrix w) {
        Shape ys = outShape("SparseOps.linear", BatchLayout.BATCH_MAJOR, "x", x, w.cols(), w.rows(), w);
        Tensor y = Tensor.zeros(ys, w.dtype());
        linearInto(x, w, y, false);
        return y;
    }

    /** {@code dX = dY·W}: {@code [..., out] → [..., in]}. */
    public static Tensor linearInputGrad(Tensor dy, SparseMatrix w) {
        Shape xs = outShape("SparseOps.linearInputGrad", BatchLayout.BATCH_MAJOR, "dy", dy, w.rows(), w.cols(), w);
        Tensor dx = Tensor.zeros(xs, w.dtype());
        linearInputGradInto(dy, w, dx, false);
        return dx;
    }

    /**
     * {@code dW = (dYᵀ·X) ⊙ pattern(W)}, sampled only at the stored entries: a tensor shaped like
     * {@code w.values()} (never a dense out×in matrix). Wrap it with {@code w.withValues(dW)} for a matrix.
     */
    public static Tensor linearWeightGrad(Tensor dy, Tensor x, SparseMatrix w) {
        Tensor dw = Tensor.zeros(w.values().shape(), w.dtype());
        linearWeightGradInto(dy, x, w, dw, false);
        return dw;
    }

    /** {@code Y = X·Wᵀ}, or {@code Y += X·Wᵀ} when {@code accumulate}. */
    public static void linearInto(Tensor x, SparseMatrix w, Tensor y, boolean accumulate) {
        linearInto(BatchLayout.BATCH_MAJOR, x, w, y, accumulate);
    }

    /**
     * {@link #linearInto(Tensor, SparseMatrix, Tensor, boolean)} with the dense operands in
     * {@code layout}: feature-major, {@code Yᵀ[out, batch] = W·Xᵀ[in, batch]} (both rank 2).
     */
    public static void linearInto(BatchLayout layout, Tensor x, SparseMatrix w, Tensor y, boolean accumulate) {
        linearInto(layout, x, w, y, accumulate, null, false);
    }

    /**
     * {@link #linearInto(BatchLayout, Tensor, SparseMatrix, Tensor, boolean)} as the product that
     * ends a layer: then {@code y[…, o] = f(y[…, o] + bias[o])} for every output feature o, {@code f}
     * the ReLU when {@code relu}, no bias term when it is null (bias {@code [out]}, or {@code [out, 1]}
     * as a feature-major layer keeps it). A float32 CSR weight on feature-major operands does this as
     * it writes each output row, instead of a bias pass and a ReLU pass over the output after it; the
     * same bits either way ({@code RowEpilogue}).
     */
    public static void linearInto(BatchLayout layout, Tensor x, SparseMatrix w, Tensor y, boolean accumulate,
                                  Tensor bias, boolean relu) {
        checkForward("SparseOps.linear", "x", "y", layout, x, w, y);
        forward(layout, x, w, y, accumulate, RowFinish.of("SparseOps.linear", bias, relu, w.rows(), w.dtype()));
    }

    /** {@link #linearInto} after its checks: {@code Y (+)= X·Wᵀ}, then the finish when not null. */
    private static void forward(BatchLayout layout, Tensor x, SparseMatrix w, Tensor y, boolean accumulate,
                                RowFinish finish) {
        boolean fused = inKernel(finish, layout, w);
        int batch = batchOf(layout, x);
        Tensor xc = x.contiguous();
        if (w.dtype() == DType.F64) {
            SparseF64.linear(layout, w, w.values().doubleArray(), w.values().offset(), batch,
                    xc.doubleArray(), xc.offset(), y.doubleArray(), y.offset(), accumulate);
        } else {
            float[] v = w.values().floatArray();
            int vo = w.values().offset();
            float[] xa = xc.floatArray();
            float[] ya = y.floatArray();
            switch (w) {
                case BlockDiagonal d -> BlockDiagProducts.active(layout).forward(d.blocks(), d.blockRows(),
                        d.blockCols(), v, vo, batch, xa, xc.offset(), ya, y.offset(), accumulate);
                case Bsr b -> BsrProducts.active(layout).forward(b.index(), b.blockRows(), b.blockCols(),
                        v, vo, batch, xa, xc.offset(), ya, y.offset(), accumulate);
                case Csr c -> CsrProducts.active(layout).forward(c.index(), v, vo, batch, xa, xc.offset(),
                        ya, y.offset(), accumulate, fused ? finish.epilogue() : null);
            }
        }
        if (finish != null && !fused) {
            finish.applyTo(layout, y, w.rows());
        }
        y.markWritten();
    }

    /** Whether the CSR kernels apply the finish as they write the output (float32, feature-major). */
    private static boolean inKernel(RowFinish finish, BatchLayout layout, SparseMatrix w) {
        return finish != null && layout == BatchLayout.FEATURE_MAJOR && w.dtype() == DType.F32 && w instanceof Csr;
    }

    /** {@code dX = dY·W}, or {@code dX += dY·W} when {@code accumulate}. */
    public static void linearInputGradInto(Tensor dy, SparseMatrix w, Tensor dx, boolean accumulate) {
        linearInputGradInto(BatchLayout.BATCH_MAJOR, dy, w, dx, accumulate);
    }

    /**
     * {@link #linearInputGradInto(Tensor, SparseMatrix, Tensor, boolean)} with the dense operands in
     * {@code layout}: feature-major, {@code dXᵀ[in, batch] (+)= Wᵀ·dYᵀ[out, batch]} (both rank 2).
     */
    public static void linearInputGradInto(BatchLayout layout, Tensor dy, SparseMatrix w, Tensor dx,
                                           boolean accumulate) {
        checkInputGrad("SparseOps.linearInputGrad", "dy", "dx", layout, dy, w, dx);
        inputGrad(layout, dy, w, dx, accumulate, null);
    }

    /** {@link #linearInputGradInto} after its checks: {@code dX (+)= dY·W}, then the finish when not null. */
    private static void inputGrad(BatchLayout layout, Tensor dy, SparseMatrix w, Tensor dx, boolean accumulate,
                                  RowFinish finish) {
        boolean fused = inKernel(finish, layout, w);
        int batch = batchOf(layout, dy);
        Tensor g = dy.contiguous();
        if (w.dtype() == DType.F64) {
            SparseF64.inputGrad(layout, w, w.values().doubleArray(), w.values().offset(), batch,
                    g.doubleArray(), g.offset(), dx.doubleArray(), dx.offset(), accumulate);
        } else {
            float[] v = w.values().floatArray();
            int vo = w.values().offset();
            float[] ga = g.floatArray();
            float[] xa = dx.floatArray();
            switch (w) {
                case BlockDiagonal d -> BlockDiagProducts.active(layout).inputGrad(d.blocks(), d.blockRows(),
                        d.blockCols(), v, vo, batch, ga, g.offset(), xa, dx.offset(), accumulate);
                case Bsr b -> BsrProducts.active(layout).inputGrad(b.index(), b.blockRows(), b.blockCols(),
                        v, vo, batch, ga, g.offset(), xa, dx.offset(), accumulate);
                case Csr c -> CsrProducts.active(layout).inputGrad(c.index(), v, vo, batch, ga, g.offset(),
                        xa, dx.offset(), accumulate, fused ? finish.epilogue() : null);
            }
        }
        if (finish != null && !fused) {
            finish.applyTo(layout, dx, w.cols());
        }
        dx.markWritten();
    }

    /** {@code dW = (dYᵀ·X) ⊙ pattern(W)} into {@code dw} (shaped like {@code w.values()}), {@code +=} when {@code accumulate}. */
    public static void linearWeightGradInto(Tensor dy, Tensor x, SparseMatrix w, Tensor dw, boolean accumulate) {
        linearWeightGradInto(BatchLayout.BATCH_MAJOR, dy, x, w, dw, accumulate);
    }

    /**
     * {@link #linearWeightGradInto(Tensor, Tensor, SparseMatrix, Tensor, boolean)} with dY and X in
     * {@code layout}: feature-major, {@code dW (+)= (dYᵀ[out, batch]·X[batch, in]) ⊙ pattern(W)} from
     * {@code dYᵀ} and {@code Xᵀ[in, batch]} (both rank 2): a sampled dense-dense product (SDDMM).
     */
    public static void linearWeightGradInto(BatchLayout layout, Tensor dy, Tensor x, SparseMatrix w, Tensor dw,
                                            boolean accumulate) {
        checkWeightGrad("SparseOps.linearWeightGrad", "dy", "x", layout, dy, x, w, dw);
        weightGrad(layout, dy, x, w, dw, accumulate);
    }

    /** {@link #linearWeightGradInto} after its checks: {@code dW (+)= (dYᵀ·X) ⊙ pattern(W)}. */
    private static void weightGrad(BatchLayout layout, Tensor dy, Tensor x, SparseMatrix w, Tensor dw,
                                   boolean accumulate) {
        int batch = batchOf(layout, x);
        Tensor g = dy.contiguous();
        Tensor xc = x.contiguous();
        if (w.dtype() == DType.F64) {
            SparseF64.weightGrad(layout, w, batch, g.doubleArray(), g.offset(), xc.doubleArray(), xc.offset(),
                    dw.doubleArray(), dw.offset(), accumulate);
        } else {
            weightGradF32(layout, w, batch, g, xc, dw, accumulate);
        }
        dw.markWritten();
    }

    /**
     * Both backward products: {@link #linearInputGradInto} into {@code dx} and
     * {@link #linearWeightGradInto} into {@code dw} (either may be null for "not wanted"). For a
     * float32 CSR or BSR weight the two share one transpose of dY into the kernels' panel layout.
     */
    public static void linearBackwardInto(Tensor dy, Tensor x, SparseMatrix w, Tensor dx, boolean accumulateDx,
                                          Tensor dw, boolean accumulateDw) {
        linearBackwardInto(BatchLayout.BATCH_MAJOR, dy, x, w, dx, accumulateDx, dw, accumulateDw);
    }

    /**
     * {@link #linearBackwardInto(Tensor, Tensor, SparseMatrix, Tensor, boolean, Tensor, boolean)}
     * with dY, X and dX in {@code layout} (feature-major: {@code dYᵀ[out, batch]}, {@code Xᵀ} and
     * {@code dXᵀ[in, batch]}).
     */
    public static void linearBackwardInto(BatchLayout layout, Tensor dy, Tensor x, SparseMatrix w, Tensor dx,
                                          boolean accumulateDx, Tensor dw, boolean accumulateDw) {
        String op = "SparseOps.linearBackward";
        checkDistinctOutputs(op, x, dx, dw);
        // the operands against each other first: a dY and X of different batches is the caller's
        // mistake, whatever shape dX then has
        checkBatches(op, layout, dy, x, w, w.cols(), w.rows(), "dw", dw);
        if (dx != null) {
            checkInputGrad(op, "dy", "dx", layout, dy, w, dx);
        }
        if (dw != null) {
            checkWeightGrad(op, "dy", "x", layout, dy, x, w, dw);
        }
        boolean sharedPanel = dx != null && dw != null && w.dtype() == DType.F32 && (w instanceof Csr || w instanceof Bsr);
        if (!sharedPanel) { // one product wanted, float64, or block-diagonal (its GEMMs read dY in place)
            if (dx != null) {
                inputGrad(layout, dy, w, dx, accumulateDx, null);
            }
            if (dw != null) {
                weightGrad(layout, dy, x, w, dw, accumulateDw);
            }
            return;
        }
        int batch = batchOf(layout, dy);
        Tensor g = dy.contiguous();
        Tensor xc = x.contiguous();
        float[] v = w.values().floatArray();
        int vo = w.values().offset();
        if (w instanceof Csr c) {
            CsrProducts.active(layout).backward(c.index(), v, vo, batch, g.floatArray(), g.offset(),
                    xc.floatArray(), xc.offset(), dx.floatArray(), dx.offset(), accumulateDx,
                    dw.floatArray(), dw.offset(), accumulateDw);
        } else {
            Bsr b = (Bsr) w;
            BsrProducts.active(layout).backward(b.index(), b.blockRows(), b.blockCols(), v, vo, batch,
                    g.floatArray(), g.offset(), xc.floatArray(), xc.offset(), dx.floatArray(), dx.offset(), accumulateDx,
                    dw.floatArray(), dw.offset(), accumulateDw);
        }
        dx.markWritten();
        dw.markWritten();
    }

    /**
     * {@code Y = X·T}, or {@code Y += X·T} when {@code accumulate}, for a weight kept as its
     * transpose {@code T [in × out]}: a linear layer {@code Y = X·Wᵀ} with {@code W = Tᵀ}, its
     * values in W's column order. {@code [..., in] → [..., out]}; feature-major
     * {@code Yᵀ[out, batch] = Tᵀ·Xᵀ[in, batch]}. Why keep a CSR weight so: its backward pass
     * ({@link #linearTransposedBackwardInto}) then runs as one sweep over T's rows that neither
     * gathers the values into column order nor the value gradient back, and only this forward
     * product gathers the values (the layer of a stack whose input needs a gradient, where the
     * backward pass is the dearer one).
     */
    public static void linearTransposedInto(BatchLayout layout, Tensor x, SparseMatrix t, Tensor y,
                                            boolean accumulate) {
        linearTransposedInto(layout, x, t, y, accumulate, null, false);
    }

    /**
     * {@link #linearTransposedInto(BatchLayout, Tensor, SparseMatrix, Tensor, boolean)} as the product
     * that ends a layer, finished as {@link #linearInto(BatchLayout, Tensor, SparseMatrix, Tensor,
     * boolean, Tensor, boolean)} says (the output features are T's columns).
     */
    public static void linearTransposedInto(BatchLayout layout, Tensor x, SparseMatrix t, Tensor y,
                                            boolean accumulate, Tensor bias, boolean relu) {
        checkInputGrad("SparseOps.linearTransposed", "x", "y", layout, x, t, y);
        inputGrad(layout, x, t, y, accumulate,
                RowFinish.of("SparseOps.linearTransposed", bias, relu, t.cols(), t.dtype()));
    }

    /**
     * Both backward products of {@link #linearTransposedInto}: {@code dX = dY·Tᵀ} into {@code dx}
     * and {@code dT = (Xᵀ·dY) ⊙ pattern(T)} into {@code dt} (shaped like {@code t.values()}),
     * either null for "not wanted", each {@code +=} when its flag says so. For a float32 CSR weight
     * with both wanted, one sweep ({@link CsrProducts#transposedBackward}).
     */
    public static void linearTransposedBackwardInto(BatchLayout layout, Tensor dy, Tensor x, SparseMatrix t,
                                                    Tensor dx, boolean accumulateDx, Tensor dt,
                                                    boolean accumulateDt) {
        String op = "SparseOps.linearTransposedBackward";
        checkDistinctOutputs(op, x, dx, dt);
        // as linearBackwardInto: the operands against each other before the outputs
        checkBatches(op, layout, dy, x, t, t.rows(), t.cols(), "dt", dt);
        if (dx != null) {
            checkForward(op, "dy", "dx", layout, dy, t, dx);
        }
        if (dt != null) {
            checkWeightGrad(op, "x", "dy", layout, x, dy, t, dt);
        }
        if (dx == null || dt == null || t.dtype() != DType.F32 || !(t instanceof Csr c)) {
            if (dx != null) {
                forward(layout, dy, t, dx, accumulateDx, null);
            }
            if (dt != null) {
                weightGrad(layout, x, dy, t, dt, accumulateDt);
            }
            return;
        }
        Tensor g = dy.contiguous();
        Tensor xc = x.contiguous();
        CsrProducts.active(layout).transposedBackward(c.index(), t.values().floatArray(), t.values().offset(),
                batchOf(layout, dy), g.floatArray(), g.offset(), xc.floatArray(), xc.offset(), dx.floatArray(),
                dx.offset(), accumulateDx, dt.floatArray(), dt.offset(), accumulateDt);
        dx.markWritten();
        dt.markWritten();
    }

    /**
     * With both backward products wanted, dX must not overwrite the X that the weight gradient
     * reads, nor share storage with dW: each is checked against its own inputs, not the other's.
     */
    private static void checkDistinctOutputs(String op, Tensor x, Tensor dx, Tensor dw) {
        if (dx != null && dw != null && (dx.sharesStorage(x) || dx.sharesStorage(dw))) {
            throw new IllegalArgumentException(op + ": dx of shape " + dx.shape()
                    + " must not share storage with x or dw");
        }
    }

    /**
     * dY and X each against the weight, then against each other: the same batch in {@code layout}.
     * X has {@code xFeatures} features and dY {@code dyFeatures} (W's columns and rows; a transposed
     * weight T = Wᵀ's rows and columns). X may be null only when the weight gradient {@code grad}
     * (named {@code gradName}) is not wanted.
     */
    private static void checkBatches(String op, BatchLayout layout, Tensor dy, Tensor x, SparseMatrix w,
                                     int xFeatures, int dyFeatures, String gradName, Tensor grad) {
        if (x == null) {
            if (grad != null) {
                throw new IllegalArgumentException(op + ": x must not be null when " + gradName + " is wanted");
            }
            return;
        }
        Shape expected = outShape(op, layout, "x", x, xFeatures, dyFeatures, w);
        outShape(op, layout, "dy", dy, dyFeatures, xFeatures, w);
        if (!dy.shape().equals(expected)) {
            throw new IllegalArgumentException(op + ": dy of shape " + dy.shape() + " and x of shape " + x.shape()
                    + " disagree on the batch (" + (layout == BatchLayout.FEATURE_MAJOR ? "feature-major" : "batch-major")
                    + ", dy of shape " + expected + " expected for that x and " + w + ")");
        }
    }

    /** {@code out = in·Wᵀ} ({@code in} shaped like W's input, {@code out} like its output). */
    private static void checkForward(String op, String inName, String outName, BatchLayout layout, Tensor in,
                                     SparseMatrix w, Tensor out) {
        Shape ys = outShape(op, layout, inName, in, w.cols(), w.rows(), w);
        checkOutput(op, outName, out, ys, w, in);
    }

    /** {@code out = in·W} ({@code in} shaped like W's output, {@code out} like its input). */
    private static void checkInputGrad(String op, String inName, String outName, BatchLayout layout, Tensor in,
                                       SparseMatrix w, Tensor out) {
        Shape xs = outShape(op, layout, inName, in, w.rows(), w.cols(), w);
        checkOutput(op, outName, out, xs, w, in);
    }

    /**
     * {@code dw = (aᵀ·b) ⊙ pattern(W)}: {@code a} shaped like W's output, {@code b} like its input,
     * named {@code aName} and {@code bName} in the messages.
     */
    private static void checkWeightGrad(String op, String aName, String bName, BatchLayout layout, Tensor a,
                                        Tensor b, SparseMatrix w, Tensor dw) {
        Shape as = outShape(op, layout, bName, b, w.cols(), w.rows(), w);
        if (!a.shape().equals(as)) {
            throw new IllegalArgumentException(op + ": " + aName + " has shape " + a.shape() + ", expected " + as
                    + " for " + bName + " of shape " + b.shape() + " and " + w);
        }
        checkDtype(op, aName, a, w);
        checkOutput(op, "dw", dw, w.values().shape(), w, a);
        if (dw.sharesStorage(b) || dw.sharesStorage(w.values())) {
            throw new IllegalArgumentException(op + ": dw must not share storage with " + bName
                    + " or the weight values");
        }
    }

    private static void weightGradF32(BatchLayout layout, SparseMatrix w, int batch, Tensor g, Tensor xc, Tensor dw,
                                      boolean accumulate) {
        float[] ga = g.floatArray();
        float[] xa = xc.floatArray();
        float[] da = dw.floatArray();
        switch (w) {
            case BlockDiagonal d -> BlockDiagProducts.active(layout).weightGrad(d.blocks(), d.blockRows(), d.blockCols(),
                    batch, ga, g.offset(), xa, xc.offset(), da, dw.offset(), accumulate);
            case Bsr b -> BsrProducts.active(layout).weightGrad(b.index(), b.blockRows(), b.blockCols(),
                    batch, ga, g.offset(), xa, xc.offset(), da, dw.offset(), accumulate);
            case Csr c -> CsrProducts.active(layout).weightGrad(c.index(), batch, ga, g.offset(), xa, xc.offset(),
                    da, dw.offset(), accumulate);
        }
    }

    /**
     * Shape of the product's output: batch-major, {@code in}'s shape with its last axis {@code from}
     * replaced by {@code to}; feature-major ({@code in} of rank 2), {@code [to, in.dim(1)]}.
     */
    private static Shape outShape(String op, BatchLayout layout, String name, Tensor in, int from, int to,
                                  SparseMatrix w) {
        if (layout == BatchLayout.FEATURE_MAJOR) {
            if (in.rank() != 2 || in.dim(0) != from) {
                throw new IllegalArgumentException(op + ": feature-major " + name + " of shape " + in.shape()
                        + " does not match " + w + " (expected [" + from + ", batch])");
            }
            checkDtype(op, name, in, w);
            return Shape.of(to, in.dim(1));
        }
        if (in.rank() < 1 || in.dim(in.rank() - 1) != from) {
            throw new IllegalArgumentException(op + ": " + name + " of shape " + in.shape()
                    + " does not match " + w + " (last axis must be " + from + ")");
        }
        checkDtype(op, name, in, w);
        return in.shape().with(in.rank() - 1, to);
    }

    private static void checkDtype(String op, String name, Tensor t, SparseMatrix w) {
        if (t.dtype() != w.dtype()) {
            throw new IllegalArgumentException(op + ": " + name + " is " + t.dtype() + " of shape " + t.shape()
                    + " but the weight is " + w);
        }
    }

    private static void checkOutput(String op, String name, Tensor out, Shape expected, SparseMatrix w, Tensor in) {
        // NOTE: an empty tensor counts as contiguous whatever its strides say (nothing is written).
        boolean contiguous = out.isContiguous() || out.size() == 0;
        if (!out.shape().equals(expected) || out.dtype() != w.dtype() || !contiguous) {
            throw new IllegalArgumentException(op + ": " + name + " must be a contiguous " + w.dtype() + " tensor of shape "
                    + expected + ", got " + out.dtype() + " " + out.shape() + (contiguous ? "" : " (not contiguous)"));
        }
        if (out.sharesStorage(in) || out.sharesStorage(w.values())) {
            throw new IllegalArgumentException(op + ": " + name + " of shape " + out.shape()
                    + " must not share storage with its inputs");
        }
    }

    /**
     * The batch of an operand in {@code layout}: feature-major, its second axis; batch-major, the
     * product of all axes but the last (so a zero-width feature axis still has a batch).
     */
    private static int batchOf(BatchLayout layout, Tensor t) {
        if (layout == BatchLayout.FEATURE_MAJOR) {
            return t.dim(1);
        }
        int batch = 1;
        for (int i = 0; i < t.rank() - 1; i++) {
            batch = Math.multiplyExact(batch, t.dim(i));
        }
        return batch;
    }
}
