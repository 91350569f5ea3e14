package dev.ganglion.cuda;

import java.lang.foreign.MemorySegment;
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
     * Runs a {@link BlockBatchPlan}: uploads every wave's pointer arrays at once (base address plus
     * offset), then one {@code cublasSgemmBatched} per wave with {@code beta} (waves accumulate).
     */
    static void batched(CudaDevice d, BlockBatchPlan plan, DeviceBuffer a, DeviceBuffer b, float beta,
                        DeviceBuffer c) {
        if (plan.m() == 0 || plan.n() == 0 || plan.waves().isEmpty()) {
            return;
        }
        int total = plan.waves().stream().mapToInt(BlockBatchPlan.Wave::size).sum();
        long[] pointers = new long[3 * total];
        int at = 0;
        for (BlockBatchPlan.Wave w : plan.waves()) {
            at = addresses(pointers, at, b, w.b());   // cuBLAS's first operand is our B
            at = addresses(pointers, at, a, w.a());
            at = addresses(pointers, at, c, w.c());
        }
        ColumnMajorGemm g = plan.cublas();
        // NOTE: closing the pointer buffer right after queueing is safe: the block can only be reused by
        // later work on the same stream, which runs after these GEMMs.
        try (DeviceBuffer p = d.upload(pointers)) {
            long offset = 0;
            for (BlockBatchPlan.Wave w : plan.waves()) {
                int n = w.size();
                d.blas().sgemmBatched(d.blasHandle(), g.opFirst(), g.opSecond(), g.m(), g.n(), g.k(), 1f,
                        p.address(offset), g.ldFirst(), p.address(offset + n), g.ldSecond(), beta,
                        p.address(offset + 2L * n), g.ldc(), n);
                offset += 3L * n;
            }
        }
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
        try {
            bd = dense(sp, layout.b(), b);
            cd = dense(sp, layout.c(), c);
            CuSparse.Product p = new CuSparse.Product(layout.opA(), layout.opB(), 1f, a, bd, beta, cd, algorithm);
            sp.spmm(handle, p, d.workspace(sp.spmmBufferSize(handle, p)));
        } finally {
            destroy(sp, a, bd, cd);
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
        try {
            ad = dense(sp, layout.a(), a);
            bd = dense(sp, layout.b(), b);
            CuSparse.Product p = new CuSparse.Product(layout.opA(), layout.opB(), 1f, ad, bd, beta, c,
                    CuSparse.SDDMM_ALG_DEFAULT);
            MemorySegment ws = d.workspace(sp.sddmmBufferSize(handle, p));
            sp.sddmmPreprocess(handle, p, ws);
            sp.sddmm(handle, p, ws);
        } finally {
            destroy(sp, c, ad, bd);
        }
    }

    private static MemorySegment dense(CuSparse sp, SparseLayout.Dense l, DeviceBuffer values) {
        return sp.createDnMat(l.rows(), l.cols(), l.ld(), values.address(), l.order());
    }

    private static void destroy(CuSparse sp, MemorySegment sparse, MemorySegment dense1, MemorySegment dense2) {
        sp.destroySpMat(sparse);
        for (MemorySegment dn : List.of(dense1, dense2)) {
            if (dn.address() != 0) {
                sp.destroyDnMat(dn);
            }
        }
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

    /** Why {@code candidate} is not {@code reference} within {@link #TUNING_TOLERANCE}, or null. */
    static String mismatch(float[] reference, float[] candidate) {
        double scale = 0;
        for (float v : reference) {
            scale = Math.max(scale, Math.abs(v));
        }
        double tolerance = TUNING_TOLERANCE * Math.max(scale, 1e-6);
        for (int i = 0; i < reference.length; i++) {
            double diff = Math.abs(reference[i] - candidate[i]);
            if (!(diff <= tolerance)) {
                return "result differs from the reference path at element " + i + ": " + candidate[i]
                        + " vs " + reference[i];
            }
        }
        return null;
    }
}
