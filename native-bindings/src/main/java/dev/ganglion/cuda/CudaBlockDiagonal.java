package dev.ganglion.cuda;

import dev.ganglion.engine.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * The block-diagonal product on the device: {@code Y = X·BD(W)ᵀ} with {@code BD(W) = diag(W_0, …, W_{G−1})},
 * W {@code [G, ob, ib]}, X {@code [batch, G·ib]}, Y {@code [batch, G·ob]}, all row-major FP32; and its
 * two backward passes. Each pass is one {@code cublasSgemmStridedBatched} over the G blocks: block g
 * of X is the column slice {@code g·ib..} (stride ib, leading dimension G·ib), so no data moves.
 * For square blocks the forward pass may instead run as a cuSPARSE Blocked-ELL SpMM (W's storage is
 * exactly Blocked-ELL's value array with one block per block-row); the {@link PathTuner} picks. On
 * Hopper cuSPARSE computes Blocked-ELL on TF32 tensor cores at large blocks (relative error 3.8e-4 at
 * 256×256, H100, cuSPARSE 12.6), so the tuner's FP32 check rejects it there; it stays a candidate
 * for the shapes where it is FP32-accurate.
 */
public final class CudaBlockDiagonal {
    static final String FORWARD = "blockdiag.forward";

    private CudaBlockDiagonal() {}

    /** Block count and sizes, validated. */
    record Dims(int batch, int groups, int outBlock, int inBlock) {}

    /** {@code Y = X·BD(W)ᵀ}; Y is overwritten. */
    public static void forward(CudaDevice device, DeviceBuffer x, DeviceBuffer w, DeviceBuffer y) {
        Dims d = dims("CudaBlockDiagonal.forward", x.shape(), w.shape(), y.shape());
        CudaMatmul.requireFloat(x, w, y);
        List<PathTuner.Candidate<DeviceBuffer>> candidates = new ArrayList<>();
        candidates.add(new PathTuner.Candidate<>("strided-batched",
                out -> DeviceKernels.stridedBatched(device, forwardBatch(d), x, w, 0f, out)));
        if (d.outBlock() == d.inBlock() && d.batch() > 0) {
            candidates.add(new PathTuner.Candidate<>("blocked-ell", out -> blockedEll(device, d, x, w, out)));
        }
        device.tuner().run(FORWARD, d.toString(), candidates, y, DeviceKernels.tuningTarget(device, y));
    }

    /** {@code dX = dY·BD(W)}, i.e. {@code dX_g = dY_g·W_g}; dX is overwritten. */
    public static void inputGrad(CudaDevice device, DeviceBuffer dy, DeviceBuffer w, DeviceBuffer dx) {
        Dims d = dims("CudaBlockDiagonal.inputGrad", dx.shape(), w.shape(), dy.shape());
        CudaMatmul.requireFloat(dy, w, dx);
        DeviceKernels.stridedBatched(device, inputGradBatch(d), dy, w, 0f, dx);
    }

    /** {@code dW_g = dY_gᵀ·X_g}, added to dW when {@code accumulate}, else overwriting it. */
    public static void weightGrad(CudaDevice device, DeviceBuffer dy, DeviceBuffer x, DeviceBuffer dw,
                                  boolean accumulate) {
        Dims d = dims("CudaBlockDiagonal.weightGrad", x.shape(), dw.shape(), dy.shape());
        CudaMatmul.requireFloat(dy, x, dw);
        DeviceKernels.stridedBatched(device, weightGradBatch(d), dy, x, accumulate ? 1f : 0f, dw);
    }

    /** Row-major per block: {@code Y_g [batch×ob] = X_g [batch×ib] · W_gᵀ}. */
    static ColumnMajorGemm.Batch forwardBatch(Dims d) {
        int g = d.groups();
        return new ColumnMajorGemm.Batch(false, true, d.batch(), d.outBlock(), d.inBlock(),
                ld(g * d.inBlock()), ld(d.inBlock()), ld(g * d.outBlock()),
                d.inBlock(), (long) d.outBlock() * d.inBlock(), d.outBlock(), g);
    }

    /** {@code dX_g [batch×ib] = dY_g [batch×ob] · W_g [ob×ib]}. */
    static ColumnMajorGemm.Batch inputGradBatch(Dims d) {
        int g = d.groups();
        return new ColumnMajorGemm.Batch(false, false, d.batch(), d.inBlock(), d.outBlock(),
                ld(g * d.outBlock()), ld(d.inBlock()), ld(g * d.inBlock()),
                d.outBlock(), (long) d.outBlock() * d.inBlock(), d.inBlock(), g);
    }

    /** {@code dW_g [ob×ib] = dY_gᵀ [ob×batch] · X_g [batch×ib]}. */
    static ColumnMajorGemm.Batch weightGradBatch(Dims d) {
        int g = d.groups();
        return new ColumnMajorGemm.Batch(true, false, d.outBlock(), d.inBlock(), d.batch(),
                ld(g * d.outBlock()), ld(g * d.inBlock()), ld(d.inBlock()),
                d.outBlock(), d.inBlock(), (long) d.outBlock() * d.inBlock(), g);
    }

    /** cuBLAS requires leading dimensions ≥ 1 even for empty matrices. */
    private static int ld(int n) {
        return Math.max(1, n);
    }

    /**
     * Blocked-ELL SpMM: {@code Yᵀ = BD(W)·Xᵀ} with BD(W) described as G·b rows of one b×b block each
     * (column index g for block-row g) whose value array, rows × b row-major, is W as stored.
     */
    private static void blockedEll(CudaDevice device, Dims d, DeviceBuffer x, DeviceBuffer w, DeviceBuffer y) {
        int size = d.groups() * d.outBlock();
        int b = d.outBlock();
        DeviceBuffer columns = device.sequence(d.groups());
        DeviceKernels.spmm(device, sp -> sp.createBlockedEll(size, size, b, b, columns.address(), w.address()),
                SparseLayout.forward(d.batch(), size, size), x, 0f, y, CuSparse.SPMM_BLOCKED_ELL_ALG1);
    }

    /** Validates X {@code [batch, G·ib]}, W {@code [G, ob, ib]}, Y {@code [batch, G·ob]}. */
    static Dims dims(String op, Shape x, Shape w, Shape y) {
        if (x.rank() != 2 || w.rank() != 3 || y.rank() != 2) {
            throw new IllegalArgumentException(op + ": expected X [batch, G·ib], W [G, ob, ib], Y [batch, G·ob];"
                    + " got X " + x + ", W " + w + ", Y " + y);
        }
        int groups = w.dim(0);
        int ob = w.dim(1);
        int ib = w.dim(2);
        if (x.dim(1) != groups * ib || y.dim(1) != groups * ob || x.dim(0) != y.dim(0)) {
            throw new IllegalArgumentException(op + ": shapes disagree: X " + x + " needs [batch, " + groups * ib
                    + "] and Y " + y + " needs [batch, " + groups * ob + "] for W " + w);
        }
        return new Dims(x.dim(0), groups, ob, ib);
    }
}
