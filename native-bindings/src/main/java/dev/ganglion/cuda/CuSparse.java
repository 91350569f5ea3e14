package dev.ganglion.cuda;

import static dev.ganglion.cuda.Downcall.FLOAT;
import static dev.ganglion.cuda.Downcall.INT;
import static dev.ganglion.cuda.Downcall.LONG;
import static dev.ganglion.cuda.Downcall.POINTER;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.util.List;

/**
 * Downcalls into the cuSPARSE generic API: handle, sparse (CSR, CSC, BSR, Blocked-ELL) and dense
 * matrix descriptors, SpMM and SDDMM. Signatures and enum values are those of {@code cusparse.h}
 * as shipped with CUDA 13.0 (cuSPARSE 12.6; {@code cusparseCreateBsr} and
 * {@code CUSPARSE_SPMM_BSR_ALG1} need cuSPARSE 12.5.1 or newer). All values are FP32
 * ({@code CUDA_R_32F}), indices 32-bit, zero-based; scalars by host pointer. Every status is checked.
 */
public final class CuSparse {
    // cusparse.h: cusparseOperation_t
    /** {@code CUSPARSE_OPERATION_NON_TRANSPOSE}: the operand as described. */
    public static final int OP_N = 0;
    /** {@code CUSPARSE_OPERATION_TRANSPOSE}: the operand transposed. */
    public static final int OP_T = 1;
    // cusparse.h: cusparseOrder_t
    /** {@code CUSPARSE_ORDER_COL}: column-major storage (of a dense matrix, or inside BSR blocks). */
    public static final int ORDER_COL = 1;
    /** {@code CUSPARSE_ORDER_ROW}: row-major storage (of a dense matrix, or inside BSR blocks). */
    public static final int ORDER_ROW = 2;
    // cusparse.h: cusparseIndexType_t CUSPARSE_INDEX_32I; cusparseIndexBase_t CUSPARSE_INDEX_BASE_ZERO
    static final int INDEX_32I = 2;
    static final int INDEX_BASE_ZERO = 0;
    // cusparse.h: cusparseSpMMAlg_t
    /** {@code CUSPARSE_SPMM_ALG_DEFAULT}: cuSPARSE picks the algorithm for the sparse format. */
    public static final int SPMM_ALG_DEFAULT = 0;
    /** {@code CUSPARSE_SPMM_CSR_ALG1}: CSR/CSC algorithm 1. */
    public static final int SPMM_CSR_ALG1 = 4;
    /** {@code CUSPARSE_SPMM_CSR_ALG2}: CSR/CSC algorithm 2. */
    public static final int SPMM_CSR_ALG2 = 6;
    /** {@code CUSPARSE_SPMM_CSR_ALG3}: CSR/CSC algorithm 3. */
    public static final int SPMM_CSR_ALG3 = 12;
    /** {@code CUSPARSE_SPMM_BLOCKED_ELL_ALG1}: the Blocked-ELL algorithm. */
    public static final int SPMM_BLOCKED_ELL_ALG1 = 13;
    /** {@code CUSPARSE_SPMM_BSR_ALG1}: the BSR algorithm (cuSPARSE 12.5.1 or newer). */
    public static final int SPMM_BSR_ALG1 = 14;
    // cusparse.h: cusparseSDDMMAlg_t
    /** {@code CUSPARSE_SDDMM_ALG_DEFAULT}: the default SDDMM algorithm. */
    public static final int SDDMM_ALG_DEFAULT = 0;
    // library_types.h: CUDA_R_32F; libraryPropertyType
    static final int CUDA_R_32F = 0;
    static final int MAJOR_VERSION = 0;
    static final int MINOR_VERSION = 1;
    static final int PATCH_LEVEL = 2;

    static final Downcall CREATE = Downcall.status("cusparseCreate", POINTER);
    static final Downcall DESTROY = Downcall.status("cusparseDestroy", POINTER);
    static final Downcall SET_STREAM = Downcall.status("cusparseSetStream", POINTER, POINTER);
    static final Downcall GET_VERSION = Downcall.status("cusparseGetVersion", POINTER, POINTER);
    static final Downcall GET_PROPERTY = Downcall.status("cusparseGetProperty", INT, POINTER);
    static final Downcall GET_ERROR_STRING = Downcall.string("cusparseGetErrorString", INT);
    static final Downcall GET_ERROR_NAME = Downcall.string("cusparseGetErrorName", INT);
    static final Downcall CREATE_CSR = Downcall.status("cusparseCreateCsr", POINTER, LONG, LONG, LONG,
            POINTER, POINTER, POINTER, INT, INT, INT, INT);
    static final Downcall CREATE_CSC = Downcall.status("cusparseCreateCsc", POINTER, LONG, LONG, LONG,
            POINTER, POINTER, POINTER, INT, INT, INT, INT);
    static final Downcall CREATE_BSR = Downcall.status("cusparseCreateBsr", POINTER, LONG, LONG, LONG, LONG, LONG,
            POINTER, POINTER, POINTER, INT, INT, INT, INT, INT);
    static final Downcall CREATE_BLOCKED_ELL = Downcall.status("cusparseCreateBlockedEll", POINTER, LONG, LONG,
            LONG, LONG, POINTER, POINTER, INT, INT, INT);
    static final Downcall DESTROY_SP_MAT = Downcall.status("cusparseDestroySpMat", POINTER);
    static final Downcall CREATE_DN_MAT = Downcall.status("cusparseCreateDnMat", POINTER, LONG, LONG, LONG,
            POINTER, INT, INT);
    static final Downcall DESTROY_DN_MAT = Downcall.status("cusparseDestroyDnMat", POINTER);
    static final Downcall SPMM_BUFFER_SIZE = Downcall.status("cusparseSpMM_bufferSize", POINTER, INT, INT,
            POINTER, POINTER, POINTER, POINTER, POINTER, INT, INT, POINTER);
    static final Downcall SPMM = Downcall.status("cusparseSpMM", POINTER, INT, INT,
            POINTER, POINTER, POINTER, POINTER, POINTER, INT, INT, POINTER);
    static final Downcall SDDMM_BUFFER_SIZE = Downcall.status("cusparseSDDMM_bufferSize", POINTER, INT, INT,
            POINTER, POINTER, POINTER, POINTER, POINTER, INT, INT, POINTER);
    static final Downcall SDDMM_PREPROCESS = Downcall.status("cusparseSDDMM_preprocess", POINTER, INT, INT,
            POINTER, POINTER, POINTER, POINTER, POINTER, INT, INT, POINTER);
    static final Downcall SDDMM = Downcall.status("cusparseSDDMM", POINTER, INT, INT,
            POINTER, POINTER, POINTER, POINTER, POINTER, INT, INT, POINTER);

    /** The functions every supported cuSPARSE (12.0 on) has. */
    static final List<Downcall> DOWNCALLS = List.of(CREATE, DESTROY, SET_STREAM, GET_VERSION, GET_PROPERTY,
            GET_ERROR_STRING, GET_ERROR_NAME, CREATE_CSR, CREATE_CSC, CREATE_BLOCKED_ELL,
            DESTROY_SP_MAT, CREATE_DN_MAT, DESTROY_DN_MAT, SPMM_BUFFER_SIZE, SPMM, SDDMM_BUFFER_SIZE,
            SDDMM_PREPROCESS, SDDMM);

    /**
     * Functions of newer versions only ({@code cusparseCreateBsr} came with CUDA 12.2): a path that
     * needs one fails with "has no function" on an older library, and the tuner rejects that path.
     */
    static final List<Downcall> NEWER_DOWNCALLS = List.of(CREATE_BSR);

    /** One {@code cusparseSpMM} or {@code cusparseSDDMM} call: operations, descriptors, scalars, algorithm. */
    public record Product(int opA, int opB, float alpha, MemorySegment a, MemorySegment b, float beta,
                          MemorySegment c, int algorithm) {}

    private final NativeBindings lib;

    /** Bindings to the cuSPARSE library whose symbols are {@code symbols}; each function is linked on first use. */
    public CuSparse(SymbolLookup symbols) {
        this.lib = new NativeBindings("cuSPARSE", symbols);
    }

    /** {@code cusparseCreate}: a new handle (needs a device). */
    public MemorySegment create() {
        return created("cusparseCreate", out -> call(CREATE, h -> (int) h.invokeExact(out)));
    }

    /** {@code cusparseDestroy}: releases a handle from {@link #create()}. */
    public void destroy(MemorySegment handle) {
        check("cusparseDestroy", call(DESTROY, h -> (int) h.invokeExact(handle)));
    }

    /** {@code cusparseSetStream}: orders the handle's later calls on {@code stream} (a {@code cudaStream_t}). */
    public void setStream(MemorySegment handle, MemorySegment stream) {
        check("cusparseSetStream", call(SET_STREAM, h -> (int) h.invokeExact(handle, stream)));
    }

    /** {@code cusparseGetVersion}: e.g. 12602 for cuSPARSE 12.6.2. */
    public int version(MemorySegment handle) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(INT);
            check("cusparseGetVersion", call(GET_VERSION, h -> (int) h.invokeExact(handle, out)));
            return out.get(INT, 0);
        }
    }

    /** The library's version as {@code major.minor.patch}; needs no handle. */
    public String versionString() {
        return property(MAJOR_VERSION) + "." + property(MINOR_VERSION) + "." + property(PATCH_LEVEL);
    }

    private int property(int type) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(INT);
            check("cusparseGetProperty", call(GET_PROPERTY, h -> (int) h.invokeExact(type, out)));
            return out.get(INT, 0);
        }
    }

    /** CSR descriptor of a {@code rows×cols} matrix with {@code nnz} entries (int32 indices, FP32 values). */
    public MemorySegment createCsr(long rows, long cols, long nnz, MemorySegment rowOffsets,
                                   MemorySegment colIndices, MemorySegment values) {
        return created("cusparseCreateCsr", out -> call(CREATE_CSR, h -> (int) h.invokeExact(out,
                rows, cols, nnz, rowOffsets, colIndices, values, INDEX_32I, INDEX_32I, INDEX_BASE_ZERO, CUDA_R_32F)));
    }

    /** CSC descriptor; the CSR arrays of W read as CSC describe Wᵀ with no data movement. */
    public MemorySegment createCsc(long rows, long cols, long nnz, MemorySegment colOffsets,
                                   MemorySegment rowIndices, MemorySegment values) {
        return created("cusparseCreateCsc", out -> call(CREATE_CSC, h -> (int) h.invokeExact(out,
                rows, cols, nnz, colOffsets, rowIndices, values, INDEX_32I, INDEX_32I, INDEX_BASE_ZERO, CUDA_R_32F)));
    }

    /** BSR descriptor: {@code blockRows×blockCols} grid of {@code rowBlock×colBlock} blocks, {@code order} inside blocks. */
    public MemorySegment createBsr(long blockRows, long blockCols, long blockNnz, long rowBlock, long colBlock,
                                   MemorySegment rowOffsets, MemorySegment colIndices, MemorySegment values,
                                   int order) {
        return created("cusparseCreateBsr", out -> call(CREATE_BSR, h -> (int) h.invokeExact(out,
                blockRows, blockCols, blockNnz, rowBlock, colBlock, rowOffsets, colIndices, values,
                INDEX_32I, INDEX_32I, INDEX_BASE_ZERO, CUDA_R_32F, order)));
    }

    /**
     * Blocked-ELL descriptor: {@code rows×cols}, square blocks of {@code blockSize}, {@code ellCols}
     * value columns per row (a multiple of the block size); values are {@code rows×ellCols} row-major.
     */
    public MemorySegment createBlockedEll(long rows, long cols, long blockSize, long ellCols,
                                          MemorySegment colIndices, MemorySegment values) {
        return created("cusparseCreateBlockedEll", out -> call(CREATE_BLOCKED_ELL,
                h -> (int) h.invokeExact(out, rows, cols, blockSize, ellCols, colIndices, values,
                        INDEX_32I, INDEX_BASE_ZERO, CUDA_R_32F)));
    }

    /** {@code cusparseDestroySpMat}: releases a sparse descriptor (the arrays it points to stay allocated). */
    public void destroySpMat(MemorySegment descriptor) {
        check("cusparseDestroySpMat", call(DESTROY_SP_MAT, h -> (int) h.invokeExact(descriptor)));
    }

    /** Dense FP32 descriptor; {@code order} is {@link #ORDER_COL} or {@link #ORDER_ROW}. */
    public MemorySegment createDnMat(long rows, long cols, long ld, MemorySegment values, int order) {
        return created("cusparseCreateDnMat", out -> call(CREATE_DN_MAT,
                h -> (int) h.invokeExact(out, rows, cols, ld, values, CUDA_R_32F, order)));
    }

    /** {@code cusparseDestroyDnMat}: releases a dense descriptor (its values stay allocated). */
    public void destroyDnMat(MemorySegment descriptor) {
        check("cusparseDestroyDnMat", call(DESTROY_DN_MAT, h -> (int) h.invokeExact(descriptor)));
    }

    /** Workspace bytes for {@code C = α·op(A)·op(B) + β·C}, A sparse, B and C dense. */
    public long spmmBufferSize(MemorySegment handle, Product p) {
        return bufferSize("cusparseSpMM_bufferSize", SPMM_BUFFER_SIZE, handle, p);
    }

    /**
     * {@code cusparseSpMM}: {@code C = α·op(A)·op(B) + β·C}, A sparse, B and C dense, with a workspace
     * of at least {@link #spmmBufferSize} bytes.
     */
    public void spmm(MemorySegment handle, Product p, MemorySegment workspace) {
        run("cusparseSpMM", SPMM, handle, p, workspace);
    }

    /** Workspace bytes for {@code C = α·(op(A)·op(B)) ∘ spy(C) + β·C}, A and B dense, C sparse. */
    public long sddmmBufferSize(MemorySegment handle, Product p) {
        return bufferSize("cusparseSDDMM_bufferSize", SDDMM_BUFFER_SIZE, handle, p);
    }

    /**
     * {@code cusparseSDDMM_preprocess}: optional preparation that may speed up the following
     * {@link #sddmm} calls with the same sparsity pattern of C; same workspace.
     */
    public void sddmmPreprocess(MemorySegment handle, Product p, MemorySegment workspace) {
        run("cusparseSDDMM_preprocess", SDDMM_PREPROCESS, handle, p, workspace);
    }

    /**
     * {@code cusparseSDDMM}: {@code C = α·(op(A)·op(B)) ∘ spy(C) + β·C}, only at C's stored entries, with
     * a workspace of at least {@link #sddmmBufferSize} bytes.
     */
    public void sddmm(MemorySegment handle, Product p, MemorySegment workspace) {
        run("cusparseSDDMM", SDDMM, handle, p, workspace);
    }

    /** cuSPARSE's description of a {@code cusparseStatus_t}. */
    public String errorString(int status) {
        return string(GET_ERROR_STRING, status);
    }

    private long bufferSize(String function, Downcall d, MemorySegment handle, Product p) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment al = arena.allocateFrom(FLOAT, p.alpha());
            MemorySegment be = arena.allocateFrom(FLOAT, p.beta());
            MemorySegment out = arena.allocate(LONG);
            check(function, call(d, h -> (int) h.invokeExact(handle, p.opA(), p.opB(), al, p.a(), p.b(), be, p.c(),
                    CUDA_R_32F, p.algorithm(), out)));
            return out.get(LONG, 0);
        }
    }

    private void run(String function, Downcall d, MemorySegment handle, Product p, MemorySegment workspace) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment al = arena.allocateFrom(FLOAT, p.alpha());
            MemorySegment be = arena.allocateFrom(FLOAT, p.beta());
            check(function, call(d, h -> (int) h.invokeExact(handle, p.opA(), p.opB(), al, p.a(), p.b(), be, p.c(),
                    CUDA_R_32F, p.algorithm(), workspace)));
        }
    }

    @FunctionalInterface
    private interface Creation {
        int create(MemorySegment out);
    }

    private MemorySegment created(String function, Creation creation) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(POINTER);
            check(function, creation.create(out));
            return out.get(POINTER, 0);
        }
    }

    private String string(Downcall d, int status) {
        MemorySegment[] out = new MemorySegment[1];
        call(d, h -> {
            out[0] = (MemorySegment) h.invokeExact(status);
            return 0;
        });
        return out[0].address() == 0 ? "unknown status " + status : out[0].getString(0);
    }

    void check(String function, int status) {
        if (status != 0) {
            throw new CudaException(CudaException.Api.SPARSE, function, status, string(GET_ERROR_NAME, status),
                    errorString(status));
        }
    }

    private int call(Downcall d, CudaRuntime.Invocation invocation) {
        return CudaRuntime.invoke(lib.handle(d), invocation);
    }
}
