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
 * Downcalls into cuBLAS for the dense products Ganglion uses. Signatures and constants are those of
 * CUDA 13.0's {@code cublas_api.h} (identical in CUDA 12 for these functions); data types from
 * {@code library_types.h}. cuBLAS is column-major: see {@link ColumnMajorGemm} for how row-major
 * products map onto these calls. Scalars are passed by host pointer ({@code CUBLAS_POINTER_MODE_HOST},
 * which {@link #create()} sets explicitly). Every status is checked.
 */
public final class CuBlas {
    // cublas_api.h: cublasOperation_t
    /** {@code CUBLAS_OP_N}: the operand as stored (column-major). */
    public static final int OP_N = 0;
    /** {@code CUBLAS_OP_T}: the operand transposed. */
    public static final int OP_T = 1;
    // cublas_api.h: cublasMath_t
    /** {@code CUBLAS_DEFAULT_MATH}: FP32 routines compute in full FP32 (no TF32 rounding). */
    public static final int DEFAULT_MATH = 0;
    /** {@code CUBLAS_TF32_TENSOR_OP_MATH}: FP32 routines may round inputs to TF32 and use tensor cores. */
    public static final int TF32_TENSOR_OP_MATH = 3;
    // cublas_api.h: cublasPointerMode_t
    static final int POINTER_MODE_HOST = 0;
    // cublas_api.h: cublasComputeType_t
    /** {@code CUBLAS_COMPUTE_32F}: full FP32 compute and accumulation, no reduced-precision shortcut. */
    public static final int COMPUTE_32F = 68;
    /** {@code CUBLAS_COMPUTE_32F_FAST_TF32}: FP32 accumulation, inputs rounded to TF32 for tensor cores. */
    public static final int COMPUTE_32F_FAST_TF32 = 77;
    // cublas_api.h: cublasGemmAlgo_t CUBLAS_GEMM_DEFAULT
    static final int GEMM_DEFAULT = -1;
    // library_types.h: cudaDataType CUDA_R_32F; libraryPropertyType MAJOR_VERSION, MINOR_VERSION, PATCH_LEVEL
    /** {@code CUDA_R_32F}: the {@code cudaDataType} of real FP32 matrices. */
    public static final int CUDA_R_32F = 0;
    static final int MAJOR_VERSION = 0;
    static final int MINOR_VERSION = 1;
    static final int PATCH_LEVEL = 2;

    // The _v2 names are the exported symbols; the unsuffixed cublasSgemm is the legacy handle-less API.
    static final Downcall CREATE = Downcall.status("cublasCreate_v2", POINTER);
    static final Downcall DESTROY = Downcall.status("cublasDestroy_v2", POINTER);
    static final Downcall SET_STREAM = Downcall.status("cublasSetStream_v2", POINTER, POINTER);
    static final Downcall SET_MATH_MODE = Downcall.status("cublasSetMathMode", POINTER, INT);
    static final Downcall SET_POINTER_MODE = Downcall.status("cublasSetPointerMode_v2", POINTER, INT);
    static final Downcall GET_VERSION = Downcall.status("cublasGetVersion_v2", POINTER, POINTER);
    static final Downcall GET_PROPERTY = Downcall.status("cublasGetProperty", INT, POINTER);
    static final Downcall GET_STATUS_STRING = Downcall.string("cublasGetStatusString", INT);
    static final Downcall GET_STATUS_NAME = Downcall.string("cublasGetStatusName", INT);
    static final Downcall SGEMM = Downcall.status("cublasSgemm_v2", POINTER, INT, INT, INT, INT, INT,
            POINTER, POINTER, INT, POINTER, INT, POINTER, POINTER, INT);
    static final Downcall SGEMM_STRIDED_BATCHED = Downcall.status("cublasSgemmStridedBatched",
            POINTER, INT, INT, INT, INT, INT, POINTER, POINTER, INT, LONG, POINTER, INT, LONG,
            POINTER, POINTER, INT, LONG, INT);
    static final Downcall SGEMM_BATCHED = Downcall.status("cublasSgemmBatched", POINTER, INT, INT, INT, INT, INT,
            POINTER, POINTER, INT, POINTER, INT, POINTER, POINTER, INT, INT);
    static final Downcall SGEAM = Downcall.status("cublasSgeam", POINTER, INT, INT, INT, INT,
            POINTER, POINTER, INT, POINTER, POINTER, INT, POINTER, INT);
    static final Downcall GEMM_EX = Downcall.status("cublasGemmEx", POINTER, INT, INT, INT, INT, INT,
            POINTER, POINTER, INT, INT, POINTER, INT, INT, POINTER, POINTER, INT, INT, INT, INT);

    static final List<Downcall> DOWNCALLS = List.of(CREATE, DESTROY, SET_STREAM, SET_MATH_MODE, SET_POINTER_MODE,
            GET_VERSION, GET_PROPERTY, GET_STATUS_STRING, GET_STATUS_NAME, SGEMM, SGEMM_STRIDED_BATCHED,
            SGEMM_BATCHED, SGEAM, GEMM_EX);

    private final NativeBindings lib;

    /** Bindings to the cuBLAS library whose symbols are {@code symbols}; each function is linked on first use. */
    public CuBlas(SymbolLookup symbols) {
        this.lib = new NativeBindings("cuBLAS", symbols);
    }

    /** A new handle (needs a device), with host pointer mode and default (IEEE FP32) math. */
    public MemorySegment create() {
        MemorySegment handle;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(POINTER);
            check("cublasCreate_v2", call(CREATE, h -> (int) h.invokeExact(out)));
            handle = out.get(POINTER, 0);
        }
        check("cublasSetPointerMode_v2", call(SET_POINTER_MODE, h -> (int) h.invokeExact(handle, POINTER_MODE_HOST)));
        setMathMode(handle, DEFAULT_MATH);
        return handle;
    }

    /** {@code cublasDestroy_v2}: releases a handle from {@link #create()}. */
    public void destroy(MemorySegment handle) {
        check("cublasDestroy_v2", call(DESTROY, h -> (int) h.invokeExact(handle)));
    }

    /** {@code cublasSetStream_v2}: orders the handle's later calls on {@code stream} (a {@code cudaStream_t}). */
    public void setStream(MemorySegment handle, MemorySegment stream) {
        check("cublasSetStream_v2", call(SET_STREAM, h -> (int) h.invokeExact(handle, stream)));
    }

    /** {@link #DEFAULT_MATH} or {@link #TF32_TENSOR_OP_MATH}. */
    public void setMathMode(MemorySegment handle, int mode) {
        check("cublasSetMathMode", call(SET_MATH_MODE, h -> (int) h.invokeExact(handle, mode)));
    }

    /** {@code cublasGetVersion_v2}: e.g. 130000 for cuBLAS 13.0.0. */
    public int version(MemorySegment handle) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(INT);
            check("cublasGetVersion_v2", call(GET_VERSION, h -> (int) h.invokeExact(handle, out)));
            return out.get(INT, 0);
        }
    }

    /** The library's version as {@code major.minor.patch}; needs no handle (hence no device). */
    public String versionString() {
        return property(MAJOR_VERSION) + "." + property(MINOR_VERSION) + "." + property(PATCH_LEVEL);
    }

    private int property(int type) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(INT);
            check("cublasGetProperty", call(GET_PROPERTY, h -> (int) h.invokeExact(type, out)));
            return out.get(INT, 0);
        }
    }

    /** Column-major {@code C = α·op(A)·op(B) + β·C} ({@code cublasSgemm_v2}). */
    public void sgemm(MemorySegment handle, int opA, int opB, int m, int n, int k,
                      float alpha, MemorySegment a, int lda, MemorySegment b, int ldb,
                      float beta, MemorySegment c, int ldc) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment al = arena.allocateFrom(FLOAT, alpha);
            MemorySegment be = arena.allocateFrom(FLOAT, beta);
            check("cublasSgemm_v2", call(SGEMM, h -> (int) h.invokeExact(handle, opA, opB, m, n, k,
                    al, a, lda, b, ldb, be, c, ldc)));
        }
    }

    /** {@code C_i = α·op(A_i)·op(B_i) + β·C_i} with {@code X_i = X + i·strideX} (strides in elements). */
    public void sgemmStridedBatched(MemorySegment handle, int opA, int opB, int m, int n, int k, float alpha,
                                    MemorySegment a, int lda, long strideA, MemorySegment b, int ldb, long strideB,
                                    float beta, MemorySegment c, int ldc, long strideC, int batchCount) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment al = arena.allocateFrom(FLOAT, alpha);
            MemorySegment be = arena.allocateFrom(FLOAT, beta);
            check("cublasSgemmStridedBatched", call(SGEMM_STRIDED_BATCHED, h -> (int) h.invokeExact(handle,
                    opA, opB, m, n, k, al, a, lda, strideA, b, ldb, strideB, be, c, ldc, strideC, batchCount)));
        }
    }

    /** {@code C[i] = α·op(A[i])·op(B[i]) + β·C[i]}; the three arrays of device pointers live on the device. */
    public void sgemmBatched(MemorySegment handle, int opA, int opB, int m, int n, int k, float alpha,
                             MemorySegment aArray, int lda, MemorySegment bArray, int ldb,
                             float beta, MemorySegment cArray, int ldc, int batchCount) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment al = arena.allocateFrom(FLOAT, alpha);
            MemorySegment be = arena.allocateFrom(FLOAT, beta);
            check("cublasSgemmBatched", call(SGEMM_BATCHED, h -> (int) h.invokeExact(handle, opA, opB, m, n, k,
                    al, aArray, lda, bArray, ldb, be, cArray, ldc, batchCount)));
        }
    }

    /** Column-major {@code C = α·op(A) + β·op(B)} ({@code cublasSgeam}), C m×n; a transpose when β = 0. */
    public void sgeam(MemorySegment handle, int opA, int opB, int m, int n, float alpha, MemorySegment a, int lda,
                      float beta, MemorySegment b, int ldb, MemorySegment c, int ldc) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment al = arena.allocateFrom(FLOAT, alpha);
            MemorySegment be = arena.allocateFrom(FLOAT, beta);
            check("cublasSgeam", call(SGEAM, h -> (int) h.invokeExact(handle, opA, opB, m, n,
                    al, a, lda, be, b, ldb, c, ldc)));
        }
    }

    /**
     * FP32 {@code cublasGemmEx}: like {@link #sgemm} but with an explicit compute type,
     * {@link #COMPUTE_32F} or {@link #COMPUTE_32F_FAST_TF32} (inputs rounded to TF32 on tensor cores).
     */
    public void gemmEx(MemorySegment handle, int opA, int opB, int m, int n, int k,
                       float alpha, MemorySegment a, int lda, MemorySegment b, int ldb,
                       float beta, MemorySegment c, int ldc, int computeType) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment al = arena.allocateFrom(FLOAT, alpha);
            MemorySegment be = arena.allocateFrom(FLOAT, beta);
            check("cublasGemmEx", call(GEMM_EX, h -> (int) h.invokeExact(handle, opA, opB, m, n, k,
                    al, a, CUDA_R_32F, lda, b, CUDA_R_32F, ldb, be, c, CUDA_R_32F, ldc, computeType, GEMM_DEFAULT)));
        }
    }

    /** cuBLAS's description of a {@code cublasStatus_t}. */
    public String statusString(int status) {
        return string(GET_STATUS_STRING, status);
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
            throw new CudaException(CudaException.Api.BLAS, function, status, string(GET_STATUS_NAME, status),
                    statusString(status));
        }
    }

    private int call(Downcall d, CudaRuntime.Invocation invocation) {
        return CudaRuntime.invoke(lib.handle(d), invocation);
    }
}
