package dev.ganglion.cuda;

/**
 * A CUDA, cuBLAS or cuSPARSE call returned an error status. The message names the call, the
 * library's own error text and the numeric code, e.g.
 * {@code cudaMalloc failed: out of memory (cudaErrorMemoryAllocation = 2)}.
 */
public final class CudaException extends RuntimeException {
    /** Which library's status code space {@link #code()} belongs to. */
    public enum Api {
        /** The CUDA runtime: a {@code cudaError_t}. */
        RUNTIME,
        /** cuBLAS: a {@code cublasStatus_t}. */
        BLAS,
        /** cuSPARSE: a {@code cusparseStatus_t}. */
        SPARSE
    }

    // Status codes from driver_types.h (cudaError), cublas_api.h (cublasStatus_t), cusparse.h (cusparseStatus_t).
    private static final int CUDA_ERROR_MEMORY_ALLOCATION = 2;
    private static final int CUDA_ERROR_NOT_SUPPORTED = 801;
    private static final int CUBLAS_STATUS_ALLOC_FAILED = 3;
    private static final int CUBLAS_STATUS_NOT_SUPPORTED = 15;
    private static final int CUSPARSE_STATUS_ALLOC_FAILED = 2;
    private static final int CUSPARSE_STATUS_NOT_SUPPORTED = 10;

    /** The library that returned the status. */
    private final Api api;
    /** The C function that failed. */
    private final String call;
    /** The status code, in {@link #api()}'s code space. */
    private final int code;
    /** The status's symbolic name. */
    private final String errorName;
    /** The library's description of the status. */
    private final String errorText;

    /**
     * A failure of {@code call}, which returned {@code code}, named {@code errorName} and described as
     * {@code errorText} by {@code api}'s library.
     */
    public CudaException(Api api, String call, int code, String errorName, String errorText) {
        super(call + " failed: " + errorText + " (" + errorName + " = " + code + ")");
        this.api = api;
        this.call = call;
        this.code = code;
        this.errorName = errorName;
        this.errorText = errorText;
    }

    /** The library whose status code this is. */
    public Api api() {
        return api;
    }

    /** The C function that failed, e.g. {@code cublasSgemm_v2}. */
    public String call() {
        return call;
    }

    /** The status code it returned. */
    public int code() {
        return code;
    }

    /** The status's symbolic name, e.g. {@code cudaErrorMemoryAllocation}. */
    public String errorName() {
        return errorName;
    }

    /** The library's description of the status. */
    public String errorText() {
        return errorText;
    }

    /** Whether the call failed for lack of device memory (the caching allocator then trims and retries). */
    public boolean isOutOfMemory() {
        return switch (api) {
            case RUNTIME -> code == CUDA_ERROR_MEMORY_ALLOCATION;
            case BLAS -> code == CUBLAS_STATUS_ALLOC_FAILED;
            case SPARSE -> code == CUSPARSE_STATUS_ALLOC_FAILED;
        };
    }

    /** Whether the library does not support this combination of arguments (a tuner then skips the path). */
    public boolean isNotSupported() {
        return switch (api) {
            case RUNTIME -> code == CUDA_ERROR_NOT_SUPPORTED;
            case BLAS -> code == CUBLAS_STATUS_NOT_SUPPORTED;
            case SPARSE -> code == CUSPARSE_STATUS_NOT_SUPPORTED;
        };
    }
}
