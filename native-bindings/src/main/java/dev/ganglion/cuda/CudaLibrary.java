package dev.ganglion.cuda;

import java.util.List;
import java.util.Optional;

/**
 * The NVIDIA shared libraries Ganglion binds, each with the file names tried for it: the CUDA 13
 * soname first, then CUDA 12, then the unversioned development link.
 *
 * <p>// NOTE: cuSPARSE kept major version 12 in CUDA 13 (its soname there is still
 * {@code libcusparse.so.12}), while cuBLAS and nvJitLink moved to 13; trying both majors for every
 * library covers both toolkits without a table of which library has which soname.
 */
public enum CudaLibrary {
    /** libcudart: devices, memory, streams, events. */
    RUNTIME("CUDA runtime", "cudart", null),
    /** libcublasLt: loaded before cuBLAS, which needs it, from the same place. */
    BLAS_LT("cuBLASLt", "cublasLt", null),
    /** libcublas: dense GEMM. */
    BLAS("cuBLAS", "cublas", BLAS_LT),
    /** libnvJitLink: loaded before cuSPARSE, which needs it, from the same place. */
    JIT_LINK("nvJitLink", "nvJitLink", null),
    /** libcusparse: the generic sparse API (SpMM, SDDMM). */
    SPARSE("cuSPARSE", "cusparse", JIT_LINK);

    private final String displayName;
    private final String stem;
    private final CudaLibrary dependency;

    CudaLibrary(String displayName, String stem, CudaLibrary dependency) {
        this.displayName = displayName;
        this.stem = stem;
        this.dependency = dependency;
    }

    /** Human-readable name, e.g. {@code cuBLAS}. */
    public String displayName() {
        return displayName;
    }

    /** File names in the order they are tried: {@code libX.so.13}, {@code libX.so.12}, {@code libX.so}. */
    public List<String> fileNames() {
        return List.of("lib" + stem + ".so.13", "lib" + stem + ".so.12", "lib" + stem + ".so");
    }

    /** The library that must be loaded first, from the same location, if any. */
    public Optional<CudaLibrary> dependency() {
        return Optional.ofNullable(dependency);
    }
}
