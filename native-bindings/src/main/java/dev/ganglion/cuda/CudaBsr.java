package dev.ganglion.cuda;

import dev.ganglion.engine.Shape;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * Block-sparse (BSR) layer products on the device, W {@code out×in} a {@link DeviceSparse}, X
 * {@code [batch, in]}, Y {@code [batch, out]}, row-major FP32:
 * forward {@code Y = X·Wᵀ}, input gradient {@code dX = dY·W}, weight gradient
 * {@code dW = (dYᵀ·X) ∘ spy(W)} (only stored blocks).
 *
 * <p>Each pass has a cuBLAS path (one small GEMM per stored block, {@link BlockBatchPlan}) that is
 * the reference, and cuSPARSE paths (BSR SpMM, SDDMM, cuSPARSE 12.5.1+) that the {@link PathTuner}
 * adopts per shape when they are supported, agree, and are faster.
 */
public final class CudaBsr {
    static final String FORWARD = "bsr.forward";
    static final String INPUT_GRAD = "bsr.input-grad";
    static final String WEIGHT_GRAD = "bsr.weight-grad";

    private CudaBsr() {}

    /** {@code Y = X·Wᵀ}; Y is overwritten. */
    public static void forward(CudaDevice device, DeviceBuffer x, DeviceSparse w, DeviceBuffer y) {
        int batch = check("CudaBsr.forward", w.pattern(), x.shape(), y.shape());
        CudaMatmul.requireFloat(x, y);
        SparsePattern p = w.pattern();
        List<PathTuner.Candidate<DeviceBuffer>> candidates = withCuSparse(p,
                new PathTuner.Candidate<>("batched-gemm", out -> {
                    device.zero(out);
                    DeviceKernels.batched(device, w, w.plan("forward", batch), x, w.values(), 1f, out);
                }),
                new PathTuner.Candidate<>("cusparse-bsr", out -> DeviceKernels.spmm(device, sp -> bsr(sp, w, w.values()),
                        SparseLayout.forward(batch, p.rows(), p.cols()), x, 0f, out, CuSparse.SPMM_BSR_ALG1)));
        device.tuner().run(FORWARD, key(p, batch), candidates, y, DeviceKernels.tuningTarget(device, y));
    }

    /** {@code dX = dY·W}; dX is overwritten. */
    public static void inputGrad(CudaDevice device, DeviceBuffer dy, DeviceSparse w, DeviceBuffer dx) {
        int batch = check("CudaBsr.inputGrad", w.pattern(), dx.shape(), dy.shape());
        CudaMatmul.requireFloat(dy, dx);
        SparsePattern p = w.pattern();
        List<PathTuner.Candidate<DeviceBuffer>> candidates = withCuSparse(p,
                new PathTuner.Candidate<>("batched-gemm", out -> {
                    device.zero(out);
                    DeviceKernels.batched(device, w, w.plan("input-grad", batch), dy, w.values(), 1f, out);
                }),
                new PathTuner.Candidate<>("cusparse-bsr-transposed", out -> DeviceKernels.spmm(device,
                        sp -> bsr(sp, w, w.values()), SparseLayout.inputGrad(batch, p.rows(), p.cols(), false),
                        dy, 0f, out, CuSparse.SPMM_BSR_ALG1)));
        device.tuner().run(INPUT_GRAD, key(p, batch), candidates, dx, DeviceKernels.tuningTarget(device, dx));
    }

    /** {@code dW = (dYᵀ·X) ∘ spy(W)} into {@code dw} ({@code [pattern.values()]}), added when {@code accumulate}. */
    public static void weightGrad(CudaDevice device, DeviceBuffer dy, DeviceBuffer x, DeviceSparse w,
                                  DeviceBuffer dw, boolean accumulate) {
        int batch = check("CudaBsr.weightGrad", w.pattern(), x.shape(), dy.shape());
        checkGradient("CudaBsr.weightGrad", w.pattern(), dw);
        CudaMatmul.requireFloat(dy, x, dw);
        SparsePattern p = w.pattern();
        float beta = accumulate ? 1f : 0f;
        List<PathTuner.Candidate<DeviceBuffer>> candidates = withCuSparse(p,
                new PathTuner.Candidate<>("batched-gemm",
                        out -> DeviceKernels.batched(device, w, w.plan("weight-grad", batch), dy, x, beta, out)),
                new PathTuner.Candidate<>("cusparse-sddmm", out -> DeviceKernels.sddmm(device,
                        SparseLayout.weightGrad(batch, p.rows(), p.cols(), true), dy, x, beta, out, sp -> bsr(sp, w, out))),
                new PathTuner.Candidate<>("cusparse-sddmm-col", out -> DeviceKernels.sddmm(device,
                        SparseLayout.weightGrad(batch, p.rows(), p.cols(), false), dy, x, beta, out, sp -> bsr(sp, w, out))));
        device.tuner().run(WEIGHT_GRAD, key(p, batch) + (accumulate ? "+" : ""), candidates, dw,
                DeviceKernels.tuningTarget(device, dw));
    }

    /** The cuBLAS reference path, followed by the cuSPARSE ones when {@link #cuSparseTakes} the pattern. */
    @SafeVarargs
    static List<PathTuner.Candidate<DeviceBuffer>> withCuSparse(SparsePattern p,
            PathTuner.Candidate<DeviceBuffer> reference, PathTuner.Candidate<DeviceBuffer>... cuSparse) {
        List<PathTuner.Candidate<DeviceBuffer>> all = new ArrayList<>(List.of(reference));
        if (cuSparseTakes(p)) {
            all.addAll(List.of(cuSparse));
        }
        return all;
    }

    /**
     * Whether cuSPARSE's BSR paths are offered for this pattern: its BSR descriptor rejects non-square
     * blocks ({@code cusparseCreateBsr}: "non-square block isn't supported",
     * CUSPARSE_STATUS_INVALID_VALUE, seen with cuSPARSE 12.6 on an H100).
     */
    static boolean cuSparseTakes(SparsePattern p) {
        return p.rowBlock() == p.colBlock();
    }

    /** W's BSR descriptor with its values (or a gradient buffer of the same pattern); blocks are row-major. */
    private static MemorySegment bsr(CuSparse sp, DeviceSparse w, DeviceBuffer values) {
        SparsePattern p = w.pattern();
        return sp.createBsr(p.blockRows(), p.blockCols(), p.blocks(), p.rowBlock(), p.colBlock(),
                w.rowOffsets().address(), w.colIndices().address(), values.address(), CuSparse.ORDER_ROW);
    }

    static String key(SparsePattern p, int batch) {
        return batch + "x" + p.cols() + "->" + p.rows() + "/" + p.rowBlock() + "x" + p.colBlock() + "/" + p.blocks();
    }

    /**
     * Validates X-side {@code [batch, cols]} and Y-side {@code [batch, rows]} shapes against W's
     * pattern (rows = out, cols = in); returns the batch.
     */
    static int check(String op, SparsePattern w, Shape xSide, Shape ySide) {
        if (xSide.rank() != 2 || ySide.rank() != 2 || xSide.dim(1) != w.cols() || ySide.dim(1) != w.rows()
                || xSide.dim(0) != ySide.dim(0)) {
            throw new IllegalArgumentException(op + ": W is " + w.rows() + "×" + w.cols() + " (out×in), so X must be"
                    + " [batch, " + w.cols() + "] and Y [batch, " + w.rows() + "]; got " + xSide + " and " + ySide);
        }
        return xSide.dim(0);
    }

    static void checkGradient(String op, SparsePattern w, DeviceBuffer dw) {
        if (!dw.shape().equals(DeviceSparse.valuesShape(w))) {
            throw new IllegalArgumentException(op + ": the weight gradient must be " + DeviceSparse.valuesShape(w)
                    + " like W's values, got " + dw.shape());
        }
    }
}
