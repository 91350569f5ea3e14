package dev.ganglion.cuda;

import dev.ganglion.engine.Shape;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * CSR layer products on the device with cuSPARSE, W {@code out×in} a {@link DeviceSparse} with 1×1
 * blocks, X {@code [batch, in]}, Y {@code [batch, out]}, row-major FP32: forward {@code Y = X·Wᵀ}
 * (SpMM), input gradient {@code dX = dY·W} (SpMM on Wᵀ), weight gradient
 * {@code dW = (dYᵀ·X) ∘ spy(W)} (SDDMM). The {@link PathTuner} chooses among cuSPARSE algorithms
 * and equivalent descriptions; the first candidate of each pass is the reference.
 */
public final class CudaCsr {
    static final String FORWARD = "csr.forward";
    static final String INPUT_GRAD = "csr.input-grad";
    static final String WEIGHT_GRAD = "csr.weight-grad";

    private CudaCsr() {}

    /** {@code Y = X·Wᵀ}; Y is overwritten. */
    public static void forward(CudaDevice device, DeviceBuffer x, DeviceSparse w, DeviceBuffer y) {
        SparsePattern p = requireCsr("CudaCsr.forward", w);
        int batch = CudaBsr.check("CudaCsr.forward", p, x.shape(), y.shape());
        CudaMatmul.requireFloat(x, y);
        SparseLayout.Spmm layout = SparseLayout.forward(batch, p.rows(), p.cols());
        List<PathTuner.Candidate<DeviceBuffer>> candidates = List.of(
                spmm(device, "cusparse-csr", w, layout, x, CuSparse.SPMM_ALG_DEFAULT),
                spmm(device, "cusparse-csr-alg2", w, layout, x, CuSparse.SPMM_CSR_ALG2),
                spmm(device, "cusparse-csr-alg3", w, layout, x, CuSparse.SPMM_CSR_ALG3),
                onTransposed(device, "cusparse-csr-transposed-operands", x, batch, p.cols(), p.rows(),
                        (xt, yt) -> DeviceKernels.spmm(device, sp -> csr(sp, w, w.values()),
                                SparseLayout.forwardOnTransposed(batch, p.rows(), p.cols()), xt, 0f, yt,
                                CuSparse.SPMM_CSR_ALG2)));
        device.tuner().run(FORWARD, CudaBsr.key(p, batch), candidates, y, DeviceKernels.tuningTarget(device, y));
    }

    /** {@code dX = dY·W}; dX is overwritten. */
    public static void inputGrad(CudaDevice device, DeviceBuffer dy, DeviceSparse w, DeviceBuffer dx) {
        SparsePattern p = requireCsr("CudaCsr.inputGrad", w);
        int batch = CudaBsr.check("CudaCsr.inputGrad", p, dx.shape(), dy.shape());
        CudaMatmul.requireFloat(dy, dx);
        List<PathTuner.Candidate<DeviceBuffer>> candidates = List.of(
                new PathTuner.Candidate<>("cusparse-csc-view", out -> DeviceKernels.spmm(device,
                        sp -> cscViewOfTranspose(sp, w),
                        SparseLayout.inputGrad(batch, p.rows(), p.cols(), true), dy, 0f, out,
                        CuSparse.SPMM_ALG_DEFAULT)),
                new PathTuner.Candidate<>("cusparse-csr-transposed", out -> DeviceKernels.spmm(device,
                        sp -> csr(sp, w, w.values()), SparseLayout.inputGrad(batch, p.rows(), p.cols(), false),
                        dy, 0f, out, CuSparse.SPMM_ALG_DEFAULT)),
                onTransposed(device, "cusparse-csc-view-transposed-operands", dy, batch, p.rows(), p.cols(),
                        (dyt, dxt) -> DeviceKernels.spmm(device, sp -> cscViewOfTranspose(sp, w),
                                SparseLayout.inputGradOnTransposed(batch, p.rows(), p.cols()), dyt, 0f, dxt,
                                CuSparse.SPMM_ALG_DEFAULT)));
        device.tuner().run(INPUT_GRAD, CudaBsr.key(p, batch), candidates, dx, DeviceKernels.tuningTarget(device, dx));
    }

    /** {@code dW = (dYᵀ·X) ∘ spy(W)} into {@code dw} ({@code [nnz]}), added when {@code accumulate}. */
    public static void weightGrad(CudaDevice device, DeviceBuffer dy, DeviceBuffer x, DeviceSparse w,
                                  DeviceBuffer dw, boolean accumulate) {
        SparsePattern p = requireCsr("CudaCsr.weightGrad", w);
        int batch = CudaBsr.check("CudaCsr.weightGrad", p, x.shape(), dy.shape());
        CudaBsr.checkGradient("CudaCsr.weightGrad", p, dw);
        CudaMatmul.requireFloat(dy, x, dw);
        float beta = accumulate ? 1f : 0f;
        List<PathTuner.Candidate<DeviceBuffer>> candidates = List.of(
                new PathTuner.Candidate<>("cusparse-sddmm", out -> DeviceKernels.sddmm(device,
                        SparseLayout.weightGrad(batch, p.rows(), p.cols(), true), dy, x, beta, out, sp -> csr(sp, w, out))),
                new PathTuner.Candidate<>("cusparse-sddmm-col", out -> DeviceKernels.sddmm(device,
                        SparseLayout.weightGrad(batch, p.rows(), p.cols(), false), dy, x, beta, out, sp -> csr(sp, w, out))));
        device.tuner().run(WEIGHT_GRAD, CudaBsr.key(p, batch) + (accumulate ? "+" : ""), candidates, dw,
                DeviceKernels.tuningTarget(device, dw));
    }

    private static PathTuner.Candidate<DeviceBuffer> spmm(CudaDevice device, String name, DeviceSparse w,
                                                          SparseLayout.Spmm layout, DeviceBuffer x, int algorithm) {
        return new PathTuner.Candidate<>(name,
                out -> DeviceKernels.spmm(device, sp -> csr(sp, w, w.values()), layout, x, 0f, out, algorithm));
    }

    /**
     * A product computed on transposed operands: {@code in} (row-major {@code batch×inWidth}) is
     * transposed into a scratch buffer, {@code product} writes the transposed result
     * ({@code outWidth×batch}), which is transposed into the output. Two extra passes over the dense
     * operands, for the row-major layout in which cuSPARSE's CSR SpMM is fastest; the tuner decides
     * whether that pays. Scratch buffers go back to the allocator at once: all work is on one stream.
     */
    private static PathTuner.Candidate<DeviceBuffer> onTransposed(CudaDevice device, String name, DeviceBuffer in,
            int batch, int inWidth, int outWidth, BiConsumer<DeviceBuffer, DeviceBuffer> product) {
        return new PathTuner.Candidate<>(name, out -> {
            try (DeviceBuffer inT = device.allocate(Shape.of(inWidth, batch));
                 DeviceBuffer outT = device.allocate(Shape.of(outWidth, batch))) {
                DeviceKernels.transpose(device, in, batch, inWidth, inT);
                product.accept(inT, outT);
                DeviceKernels.transpose(device, outT, outWidth, batch, out);
            }
        });
    }

    /** W's CSR arrays read as CSC describe Wᵀ ({@code in×out}) with no data moved. */
    private static MemorySegment cscViewOfTranspose(CuSparse sp, DeviceSparse w) {
        SparsePattern p = w.pattern();
        return sp.createCsc(p.cols(), p.rows(), p.blocks(), w.rowOffsets().address(), w.colIndices().address(),
                w.values().address());
    }

    private static MemorySegment csr(CuSparse sp, DeviceSparse w, DeviceBuffer values) {
        SparsePattern p = w.pattern();
        return sp.createCsr(p.rows(), p.cols(), p.blocks(), w.rowOffsets().address(), w.colIndices().address(),
                values.address());
    }

    static SparsePattern requireCsr(String op, DeviceSparse w) {
        SparsePattern p = w.pattern();
        if (p.rowBlock() != 1 || p.colBlock() != 1) {
            throw new IllegalArgumentException(op + ": W has " + p.rowBlock() + "×" + p.colBlock()
                    + " blocks; CSR needs 1×1 (use CudaBsr)");
        }
        return p;
    }
}
