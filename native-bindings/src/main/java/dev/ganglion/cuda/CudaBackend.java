package dev.ganglion.cuda;

import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.backend.ComputeBackend;
import dev.ganglion.engine.backend.Operands;
import dev.ganglion.engine.backend.PreparedOp;
import dev.ganglion.engine.kernel.GemmKernel;
import dev.ganglion.engine.sparse.BlockDiagonal;
import dev.ganglion.engine.sparse.Bsr;
import dev.ganglion.engine.sparse.Csr;
import dev.ganglion.engine.sparse.SparseMatrix;
import java.util.ArrayList;
import java.util.List;

/**
 * The engine's {@link ComputeBackend} on one {@link CudaDevice}: {@code C = op(A)·op(B)} with
 * {@link CudaMatmul} (FP32, no TF32), and the sparse layer products with {@link CudaBlockDiagonal},
 * {@link CudaBsr} and {@link CudaCsr}. Preparing uploads the operands once and allocates the output;
 * each {@link PreparedOp#run} only queues the product on the device's stream (asynchronous).
 * Confined to one thread at a time, like the device.
 */
public final class CudaBackend implements ComputeBackend {
    private final CudaDevice device;
    private final CudaHostGemm hostGemm;

    /** A backend on {@code device} (which it then owns for the life of the process). */
    public CudaBackend(CudaDevice device) {
        this.device = device;
        this.hostGemm = new CudaHostGemm(device);
    }

    /** The device the products run on. */
    public CudaDevice device() {
        return device;
    }

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public PreparedOp prepareMatmul(Tensor a, boolean transA, Tensor b, boolean transB) {
        int[] mnk = Operands.matmul("CudaBackend.matmul", a, transA, b, transB);
        List<AutoCloseable> owned = new ArrayList<>();
        return guarded(owned, () -> {
            DeviceBuffer da = keep(owned, device.upload(a.toFloatArray(), a.shape()));
            DeviceBuffer db = keep(owned, device.upload(b.toFloatArray(), b.shape()));
            DeviceBuffer dc = keep(owned, device.allocate(Shape.of(mnk[0], mnk[1])));
            return new CudaPreparedOp(device, owned, dc, dc.shape(), 2.0 * mnk[0] * mnk[1] * mnk[2],
                    () -> CudaMatmul.gemm(device, transA, transB, 1f, da, db, 0f, dc, false));
        });
    }

    @Override
    public PreparedOp prepareLinear(SparseMatrix w, Tensor x) {
        Shape ys = Operands.linear("CudaBackend.linear", "x", x, w.cols(), w.rows(), w);
        int batch = Operands.batch(x);
        List<AutoCloseable> owned = new ArrayList<>();
        return guarded(owned, () -> {
            DeviceBuffer dx = keep(owned, device.upload(x.toFloatArray(), Shape.of(batch, w.cols())));
            DeviceBuffer dy = keep(owned, device.allocate(Shape.of(batch, w.rows())));
            Runnable call = switch (w) {
                case BlockDiagonal d -> {
                    DeviceBuffer dw = keep(owned, blocks(d));
                    yield () -> CudaBlockDiagonal.forward(device, dx, dw, dy);
                }
                case Bsr b -> {
                    DeviceSparse dw = keep(owned, sparse(w));
                    yield () -> CudaBsr.forward(device, dx, dw, dy);
                }
                case Csr c -> {
                    DeviceSparse dw = keep(owned, sparse(w));
                    yield () -> CudaCsr.forward(device, dx, dw, dy);
                }
            };
            return new CudaPreparedOp(device, owned, dy, ys, 2.0 * batch * w.nnz(), call);
        });
    }

    @Override
    public PreparedOp prepareLinearInputGrad(SparseMatrix w, Tensor dy) {
        Shape xs = Operands.linear("CudaBackend.linearInputGrad", "dy", dy, w.rows(), w.cols(), w);
        int batch = Operands.batch(dy);
        List<AutoCloseable> owned = new ArrayList<>();
        return guarded(owned, () -> {
            DeviceBuffer g = keep(owned, device.upload(dy.toFloatArray(), Shape.of(batch, w.rows())));
            DeviceBuffer dx = keep(owned, device.allocate(Shape.of(batch, w.cols())));
            Runnable call = switch (w) {
                case BlockDiagonal d -> {
                    DeviceBuffer dw = keep(owned, blocks(d));
                    yield () -> CudaBlockDiagonal.inputGrad(device, g, dw, dx);
                }
                case Bsr b -> {
                    DeviceSparse dw = keep(owned, sparse(w));
                    yield () -> CudaBsr.inputGrad(device, g, dw, dx);
                }
                case Csr c -> {
                    DeviceSparse dw = keep(owned, sparse(w));
                    yield () -> CudaCsr.inputGrad(device, g, dw, dx);
                }
            };
            return new CudaPreparedOp(device, owned, dx, xs, 2.0 * batch * w.nnz(), call);
        });
    }

    @Override
    public PreparedOp prepareLinearWeightGrad(SparseMatrix w, Tensor dy, Tensor x) {
        Operands.weightGrad("CudaBackend.linearWeightGrad", w, dy, x);
        int batch = Operands.batch(x);
        List<AutoCloseable> owned = new ArrayList<>();
        return guarded(owned, () -> {
            DeviceBuffer g = keep(owned, device.upload(dy.toFloatArray(), Shape.of(batch, w.rows())));
            DeviceBuffer dx = keep(owned, device.upload(x.toFloatArray(), Shape.of(batch, w.cols())));
            Runnable call;
            DeviceBuffer grad;
            switch (w) {
                case BlockDiagonal d -> {
                    DeviceBuffer dw = keep(owned, device.allocate(blockShape(d)));
                    grad = dw;
                    call = () -> CudaBlockDiagonal.weightGrad(device, g, dx, dw, false);
                }
                case Bsr b -> {
                    DeviceSparse ws = keep(owned, sparse(w));
                    DeviceBuffer dw = keep(owned, device.allocate(DeviceSparse.valuesShape(ws.pattern())));
                    grad = dw;
                    call = () -> CudaBsr.weightGrad(device, g, dx, ws, dw, false);
                }
                case Csr c -> {
                    DeviceSparse ws = keep(owned, sparse(w));
                    DeviceBuffer dw = keep(owned, device.allocate(DeviceSparse.valuesShape(ws.pattern())));
                    grad = dw;
                    call = () -> CudaCsr.weightGrad(device, g, dx, ws, dw, false);
                }
            }
            return new CudaPreparedOp(device, owned, grad, w.values().shape(), 2.0 * batch * w.nnz(), call);
        });
    }

    /** cuBLAS SGEMM on host arrays, copies in and out at each call ({@link CudaHostGemm}). */
    @Override
    public GemmKernel hostGemm() {
        return hostGemm;
    }

    @Override
    public void synchronize() {
        device.synchronize();
    }

    @Override
    public double elapsedMillis(Runnable work) {
        return device.timeMillis(work);
    }

    /** The blocks of {@code d} as a device {@code [G, ob, ib]} buffer. */
    private DeviceBuffer blocks(BlockDiagonal d) {
        return device.upload(d.values().toFloatArray(), blockShape(d));
    }

    private static Shape blockShape(BlockDiagonal d) {
        return Shape.of(d.blocks(), d.rows() / d.blocks(), d.cols() / d.blocks());
    }

    /** A BSR or CSR weight on the device: its pattern (CSR as 1×1 blocks) and values. */
    private DeviceSparse sparse(SparseMatrix w) {
        SparsePattern p = switch (w) {
            case Bsr b -> new SparsePattern(b.rows(), b.cols(), b.blockRows(), b.blockCols(), b.rowPtr(), b.colIdx());
            case Csr c -> SparsePattern.csr(c.rows(), c.cols(), c.rowPtr(), c.colIdx());
            case BlockDiagonal d -> throw new IllegalArgumentException("CudaBackend: " + d + " is not BSR or CSR");
        };
        return DeviceSparse.upload(device, p, w.values().toFloatArray());
    }

    private static <T extends AutoCloseable> T keep(List<AutoCloseable> owned, T resource) {
        owned.add(resource);
        return resource;
    }

    /** Builds a prepared op; on failure releases what was allocated so far and rethrows. */
    private static PreparedOp guarded(List<AutoCloseable> owned, java.util.function.Supplier<PreparedOp> build) {
        try {
            return build.get();
        } catch (RuntimeException e) {
            Resources.closeAll(owned, e);
            throw e;
        }
    }
}
