package dev.ganglion.cuda;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The library calls the device operations are built from, each taking row-major operands as
 * {@link DeviceBuffer}s and doing the column-major translation ({@link ColumnMajorGemm},
 * {@link SparseLayout}), plus the {@link PathTuner.Target} that gives tuning its scratch outputs.
 */
final class DeviceKernels {
    /** Candidates whose results differ from the reference by more than this (relative to its largest value) are rejected. */
    static final double TUNING_TOLERANCE = 1e-3;
    /** Largest accepted norm-wise relative difference from the reference path: FP32 parity. */
    static final double TUNING_NORM_TOLERANCE = 1e-5;

    private DeviceKernels() {}

    /** {@code C_i = op(A_i)·op(B_i) + β·C_i} for a strided batch of row-major products. */
    static void stridedBatched(CudaDevice d, ColumnMajorGemm.Batch batch, DeviceBuffer a, DeviceBuffer b,
                               float beta, DeviceBuffer c) {
        if (batch.isEmpty()) {
            return;
        }
        ColumnMajorGemm g = batch.cublas();
        d.blas().sgemmStridedBatched(d.blasHandle(), g.opFirst(), g.opSecond(), g.m(), g.n(), g.k(), 1f,
                b.address(), g.ldFirst(), batch.strideB(), a.address(), g.ldSecond(), batch.strideA(),
                beta, c.address(), g.ldc(), batch.strideC(), batch.count());
    }

    /**
     * {@code dst = srcᵀ}: src row-major {@code rows×cols}, dst row-major {@code cols×rows}. In cuBLAS's
     * column-major terms src is the {@code cols×rows} matrix S (ld cols) and dst the {@code rows×cols}
     * matrix Sᵀ (ld rows): one {@code cublasSgeam} with β = 0 (B is then not read; A is passed for it).
     */
    static void transpose(CudaDevice d, DeviceBuffer src, int rows, int cols, DeviceBuffer dst) {
        if (rows == 0 || cols == 0) {
            return;
        }
        d.blas().sgeam(d.blasHandle(), CuBlas.OP_T, CuBlas.OP_T, rows, cols, 1f, src.address(), cols,
                0f, src.address(), cols, dst.address(), rows);
    }

    /**
     * Runs a {@link BlockBatchPlan} of W's: one {@code cublasSgemmBatched} per wave with {@code beta}
     * (waves accumulate), reading the waves' pointer arrays (base address plus offset) from one device
     * buffer that W keeps for these operand addresses ({@link DeviceSparse#pointerArrays}).
     */
    static void batched(CudaDevice d, DeviceSparse w, BlockBatchPlan plan, DeviceBuffer a, DeviceBuffer b, float beta,
                        DeviceBuffer c) {
        if (plan.m() == 0 || plan.n() == 0 || plan.waves().isEmpty()) {
            return;
        }
        DeviceBuffer p = w.pointerArrays(d, plan, a, b, c, () -> pointers(plan, a, b, c));
        ColumnMajorGemm g = plan.cublas();
        long offset = 0;
        for (BlockBatchPlan.Wave wave : plan.waves()) {
            int n = wave.size();
            d.blas().sgemmBatched(d.blasHandle(), g.opFirst(), g.opSecond(), g.m(), g.n(), g.k(), 1f,
                    p.address(offset), g.ldFirst(), p.address(offset + n), g.ldSecond(), beta,
                    p.address(offset + 2L * n), g.ldc(), n);
            offset += 3L * n;
        }
    }

    /** Every wave's device pointers, in order: cuBLAS's first operand (our B), then A, then C. */
    private static long[] pointers(BlockBatchPlan plan, DeviceBuffer a, DeviceBuffer b, DeviceBuffer c) {
        int total = plan.waves().stream().mapToInt(BlockBatchPlan.Wave::size).sum();
        long[] pointers = new long[3 * total];
        int at = 0;
        for (BlockBatchPlan.Wave w : plan.waves()) {
            at = addresses(pointers, at, b, w.b());
            at = addresses(pointers, at, a, w.a());
            at = addresses(pointers, at, c, w.c());
        }
        return pointers;
    }

    private static int addresses(long[] into, int at, DeviceBuffer base, long[] offsets) {
        long address = base.address().address();
        for (long o : offsets) {
            into[at++] = address + o * Float.BYTES;
        }
        return at;
    }

    /**
     * SpMM {@code C = op(A)·op(B) + β·C} with a sparse descriptor made (and destroyed) around the call.
     * // NOTE: with β = 0, C is zeroed first: cuBLAS promises not to read C then, cuSPARSE does not,
     * and a reused block may hold NaNs (0·NaN = NaN).
     */
    static void spmm(CudaDevice d, Function<CuSparse, MemorySegment> sparseA, SparseLayout.Spmm layout,
                     DeviceBuffer b, float beta, DeviceBuffer c, int algorithm) {
        if (beta == 0f) {
            d.zero(c);
        }
        CuSparse sp = d.sparse();
        MemorySegment handle = d.sparseHandle();
        MemorySegment a = sparseA.apply(sp);
        MemorySegment bd = MemorySegment.NULL;
        MemorySegment cd = MemorySegment.NULL;
        RuntimeException failure = null;
        try {
            bd = dense(sp, layout.b(), b);
            cd = dense(sp, layout.c(), c);
            CuSparse.Product p = new CuSparse.Product(layout.opA(), layout.opB(), 1f, a, bd, beta, cd, algorithm);
            sp.spmm(handle, p, d.workspace(sp.spmmBufferSize(handle, p)));
        } catch (RuntimeException e) {
            failure = e;
            throw e;
        } finally {
            destroy(sp, failure, a, bd, cd);
        }
    }

    /**
     * SDDMM {@code C = (op(A)·op(B)) ∘ spy(C) + β·C}: {@code sparseC} describes the pattern over
     * {@code cValues} (zeroed first when β = 0, as in {@link #spmm}).
     */
    static void sddmm(CudaDevice d, SparseLayout.Sddmm layout, DeviceBuffer a, DeviceBuffer b, float beta,
                      DeviceBuffer cValues, Function<CuSparse, MemorySegment> sparseC) {
        if (beta == 0f) {
            d.zero(cValues);
        }
        CuSparse sp = d.sparse();
        MemorySegment handle = d.sparseHandle();
        MemorySegment c = sparseC.apply(sp);
        MemorySegment ad = MemorySegment.NULL;
        MemorySegment bd = MemorySegment.NULL;
        RuntimeException failure = null;
        try {
            ad = dense(sp, layout.a(), a);
            bd = dense(sp, layout.b(), b);
            CuSparse.Product p = new CuSparse.Product(layout.opA(), layout.opB(), 1f, ad, bd, beta, c,
                    CuSparse.SDDMM_ALG_DEFAULT);
            MemorySegment ws = d.workspace(sp.sddmmBufferSize(handle, p));
            sp.sddmmPreprocess(handle, p, ws);
            sp.sddmm(handle, p, ws);
        } catch (RuntimeException e) {
            failure = e;
            throw e;
        } finally {
            destroy(sp, failure, c, ad, bd);
        }
    }

    private static MemorySegment dense(CuSparse sp, SparseLayout.Dense l, DeviceBuffer values) {
        return sp.createDnMat(l.rows(), l.cols(), l.ld(), values.address(), l.order());
    }

    /** Destroys the descriptors, each even when another fails, without hiding {@code failure} (the call's own). */
    private static void destroy(CuSparse sp, RuntimeException failure, MemorySegment sparse, MemorySegment dense1,
                                MemorySegment dense2) {
        List<AutoCloseable> all = new ArrayList<>();
        all.add(() -> sp.destroySpMat(sparse));
        for (MemorySegment dn : List.of(dense1, dense2)) {
            if (dn.address() != 0) {
                all.add(() -> sp.destroyDnMat(dn));
            }
        }
        Resources.closeAll(all, failure);
    }

    /** Tuning scratch: device copies of {@code out}; comparison by downloading both. */
    static PathTuner.Target<DeviceBuffer> tuningTarget(CudaDevice d, DeviceBuffer out) {
        return new PathTuner.Target<>() {
            @Override
            public DeviceBuffer scratch() {
                DeviceBuffer s = d.allocate(out.shape());
                d.runtime().memcpyAsync(s.address(), out.address(), out.bytes(),
                        CudaRuntime.MEMCPY_DEVICE_TO_DEVICE, d.stream().handle());
                return s;
            }

            @Override
            public void release(DeviceBuffer scratch) {
                scratch.close();
            }

            @Override
            public String mismatch(DeviceBuffer reference, DeviceBuffer candidate) {
                return DeviceKernels.mismatch(d.download(reference), d.download(candidate));
            }
        };
    }

    /**
     * Why {@code candidate} is not {@code reference}, or null: every element within
     * {@link #TUNING_TOLERANCE} of the reference's largest magnitude (a wrong index shows there), and
     * {@code ‖candidate − reference‖₂ / ‖reference‖₂} under {@link #TUNING_NORM_TOLERANCE}, the FP32
     * parity bound, so a path that silently computes in reduced precision (TF32 tensor cores give
     * about 3e-4) is never chosen for an FP32 product.
     */
    static String mismatch(float[] reference, float[] candidate) {
        double scale = 0;
        double norm = 0;
        double diffNorm = 0;
        for (int i = 0; i < reference.length; i++) {
            scale = Math.max(scale, Math.abs(reference[i]));
            norm += (double) reference[i] * reference[i];
            double d = (double) candidate[i] - reference[i];
            diffNorm += d * d;
        }
        double tolerance = TUNING_TOLERANCE * Math.max(scale, 1e-6);
        for (int i = 0; i < reference.length; i++) {
            double diff = Math.abs(reference[i] - candidate[i]);
            if (!(diff <= tolerance)) {
                return "result differs from the reference path at element " + i + ": " + candidate[i]
                        + " vs " + reference[i];
            }
        }
        double relative = norm == 0 ? Math.sqrt(diffNorm) : Math.sqrt(diffNorm / norm);
        if (!(relative < TUNING_NORM_TOLERANCE)) {
            return String.format("relative error %.2g from the reference path exceeds %.0e (reduced precision?)",
                    relative, TUNING_NORM_TOLERANCE);
        }
        return null;
    }
}
