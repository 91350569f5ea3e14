package dev.ganglion.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every downcall the bindings declare must exist in whatever CUDA libraries this machine has and
 * link with its descriptor; a missing library skips its part with the discovery reason. Calls that
 * need no device (versions, error strings) are made for real.
 */
class BindingSignatureTest {
    private static SymbolLookup require(CudaLibrary library) {
        CudaLibraries libs = CudaLibraries.system();
        assumeTrue(libs.find(library).isPresent(), () -> libs.reason(library));
        return libs.require(library);
    }

    private static void assertAllLink(SymbolLookup symbols, List<Downcall> downcalls) {
        for (Downcall d : downcalls) {
            assertThat(symbols.find(d.name())).as("symbol %s", d.name()).isPresent();
        }
        assertLinkWherePresent(symbols, downcalls);
    }

    private static void assertLinkWherePresent(SymbolLookup symbols, List<Downcall> downcalls) {
        Linker linker = Linker.nativeLinker();
        for (Downcall d : downcalls) {
            symbols.find(d.name()).ifPresent(s -> assertThat(linker.downcallHandle(s, d.descriptor())).isNotNull());
        }
    }

    @Test
    void runtimeSignatures() {
        SymbolLookup rt = require(CudaLibrary.RUNTIME);
        assertAllLink(rt, CudaRuntime.DOWNCALLS);
        assertThat(rt.find(CudaRuntime.GET_DEVICE_PROPERTIES.name()).isPresent()
                || rt.find(CudaRuntime.GET_DEVICE_PROPERTIES_V2.name()).isPresent()).isTrue();
    }

    @Test
    void cublasSignatures() {
        assertAllLink(require(CudaLibrary.BLAS), CuBlas.DOWNCALLS);
    }

    @Test
    void cusparseSignatures() {
        SymbolLookup sparse = require(CudaLibrary.SPARSE);
        assertAllLink(sparse, CuSparse.DOWNCALLS);
        assertLinkWherePresent(sparse, CuSparse.NEWER_DOWNCALLS);   // absent before CUDA 12.2
    }

    @Test
    void runtimeCallsThatNeedNoDevice() {
        CudaRuntime rt = new CudaRuntime(require(CudaLibrary.RUNTIME));
        assertThat(rt.runtimeVersion()).isGreaterThanOrEqualTo(12000);
        assertThat(rt.driverVersion()).isGreaterThanOrEqualTo(0);
        assertThat(rt.errorName(2)).isEqualTo("cudaErrorMemoryAllocation");
        assertThat(rt.errorString(2)).isEqualTo("out of memory");
        assertThat(rt.errorName(100)).isEqualTo("cudaErrorNoDevice");
        assertThat(CudaRuntime.versionString(13000)).isEqualTo("13.0");
        assertThat(CudaRuntime.versionString(12080)).isEqualTo("12.8");
    }

    @Test
    void aFailingCallRaisesCudaExceptionWithCallNameAndErrorText() {
        CudaRuntime rt = new CudaRuntime(require(CudaLibrary.RUNTIME));
        // Fails everywhere: without a driver (cudaErrorInsufficientDriver), else as an invalid device.
        assertThatThrownBy(() -> rt.setDevice(-1))
                .isInstanceOfSatisfying(CudaException.class, e -> {
                    assertThat(e.call()).isEqualTo("cudaSetDevice");
                    assertThat(e.code()).isNotZero();
                    assertThat(e.errorName()).isEqualTo(rt.errorName(e.code())).startsWith("cudaError");
                    assertThat(e.errorText()).isEqualTo(rt.errorString(e.code()));
                    assertThat(e.getMessage()).isEqualTo("cudaSetDevice failed: " + e.errorText() + " ("
                            + e.errorName() + " = " + e.code() + ")");
                    assertThat(e.api()).isEqualTo(CudaException.Api.RUNTIME);
                });
    }

    @Test
    void libraryStatusStringsAndVersionsNeedNoDevice() {
        CuBlas blas = new CuBlas(require(CudaLibrary.BLAS));
        assertThat(blas.statusString(7)).isNotBlank();
        assertThat(blas.versionString()).matches("\\d+\\.\\d+\\.\\d+");
        CuSparse sparse = new CuSparse(require(CudaLibrary.SPARSE));
        assertThat(sparse.errorString(10)).isNotBlank();
        assertThat(sparse.versionString()).matches("\\d+\\.\\d+\\.\\d+");
    }

    @Test
    void aMissingSymbolIsNamedWhenFirstNeeded() {
        NativeBindings none = new NativeBindings("cuFAKE", name -> java.util.Optional.empty());
        assertThat(none.has("cufakeCreate")).isFalse();
        assertThatThrownBy(() -> none.handle(Downcall.status("cufakeCreate", Downcall.POINTER)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("cuFAKE has no function cufakeCreate");
    }

    @Test
    void exceptionClassifiesOutOfMemoryAndUnsupportedPerLibrary() {
        assertThat(new CudaException(CudaException.Api.RUNTIME, "cudaMalloc", 2, "n", "t").isOutOfMemory()).isTrue();
        assertThat(new CudaException(CudaException.Api.BLAS, "cublasCreate_v2", 3, "n", "t").isOutOfMemory()).isTrue();
        assertThat(new CudaException(CudaException.Api.SPARSE, "cusparseSpMM", 2, "n", "t").isOutOfMemory()).isTrue();
        assertThat(new CudaException(CudaException.Api.SPARSE, "cusparseSpMM", 10, "n", "t").isNotSupported()).isTrue();
        assertThat(new CudaException(CudaException.Api.BLAS, "cublasGemmEx", 15, "n", "t").isNotSupported()).isTrue();
        assertThat(new CudaException(CudaException.Api.RUNTIME, "cudaMalloc", 1, "n", "t").isOutOfMemory()).isFalse();
    }
}
