package dev.ganglion.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Library discovery on fake directory trees. Library files are dummies: the fake loader "opens" a
 * file whose content is {@code ok} and fails with the file's content as the loader message
 * otherwise; bare names (system loader) open only if listed in {@link #systemNames}.
 */
class CudaLibrariesTest {
    @TempDir
    Path root;

    private final Map<String, String> env = new HashMap<>();
    private final Map<String, String> props = new HashMap<>();
    private final List<String> opened = new ArrayList<>();
    private Set<String> systemNames = Set.of();

    private final LibraryLoader fakeLoader = pathOrName -> {
        if (!pathOrName.startsWith("/")) {
            if (!systemNames.contains(pathOrName)) {
                throw new IllegalStateException(pathOrName + ": cannot open shared object file: No such file or directory");
            }
        } else {
            String content = read(Path.of(pathOrName));
            if (!content.equals("ok")) {
                throw new IllegalStateException(pathOrName + ": " + content);
            }
        }
        opened.add(pathOrName);
        return (SymbolLookup) name -> Optional.empty();
    };

    private CudaLibraries libraries() {
        return new CudaLibraries(SearchLocations.of(new SearchLocations.Environment(props::get, env::get, root)),
                fakeLoader);
    }

    private Path file(String relative, String content) {
        Path p = root.resolve(relative);
        try {
            Files.createDirectories(p.getParent());
            Files.writeString(p, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new IllegalStateException(p + ": cannot open shared object file: No such file or directory");
        }
    }

    private String foundFile(CudaLibrary lib) {
        return libraries().find(lib).map(CudaLibraries.Found::file).orElse(null);
    }

    @Test
    void searchOrderIsExplicitThenCudaHomeThenWheelsThenToolkitsThenSystemLoader() {
        Path explicit = file("opt/mine/libcublas.so.12", "ok");
        Path home = file("home-cuda/lib64/libcublas.so.13", "ok");
        Path wheel = file("usr/local/lib/python3.11/dist-packages/nvidia/cu13/lib/libcublas.so.13", "ok");
        Path toolkit = file("usr/local/cuda-13.0/lib/libcublas.so.13", "ok");
        systemNames = Set.of("libcublas.so.13");

        props.put(SearchLocations.PROPERTY, explicit.getParent().toString());
        env.put("CUDA_HOME", root.resolve("home-cuda").toString());
        assertThat(foundFile(CudaLibrary.BLAS)).isEqualTo(explicit.toString());

        props.clear();
        env.put(SearchLocations.ENV, explicit.getParent().toString());
        assertThat(foundFile(CudaLibrary.BLAS)).isEqualTo(explicit.toString());

        env.remove(SearchLocations.ENV);
        assertThat(foundFile(CudaLibrary.BLAS)).isEqualTo(home.toString());

        env.remove("CUDA_HOME");
        assertThat(foundFile(CudaLibrary.BLAS)).isEqualTo(wheel.toString());
        assertThat(libraries().find(CudaLibrary.BLAS).orElseThrow().origin()).startsWith("Python wheels in");

        delete(wheel);
        assertThat(foundFile(CudaLibrary.BLAS)).isEqualTo(toolkit.toString());

        delete(toolkit);
        CudaLibraries.Found f = libraries().find(CudaLibrary.BLAS).orElseThrow();
        assertThat(f.file()).isEqualTo("libcublas.so.13");
        assertThat(f.origin()).isEqualTo("system loader");
    }

    @Test
    void cuda13NamesComeBeforeCuda12WithinALocation() {
        file("usr/local/cuda/lib64/libcudart.so.12", "ok");
        Path v13 = file("usr/local/cuda/lib/libcudart.so.13", "ok");
        assertThat(foundFile(CudaLibrary.RUNTIME)).isEqualTo(v13.toString());
    }

    @Test
    void toolkitsAreTriedCudaLinkFirstThenNewestVersion() throws IOException {
        for (String d : List.of("cuda-11.8", "cuda-12.9", "cuda-12.10", "cuda", "cudnn")) {
            Files.createDirectories(root.resolve("usr/local").resolve(d));
        }
        assertThat(SearchLocations.toolkits(root)).extracting(p -> p.getFileName().toString())
                .containsExactly("cuda", "cuda-12.10", "cuda-12.9", "cuda-11.8");
    }

    @Test
    void dependencyIsOpenedFirstFromTheSameLocation() {
        String site = "usr/lib/python3/dist-packages/nvidia/";
        Path jit = file(site + "nvjitlink/lib/libnvJitLink.so.12", "ok");
        Path sparse = file(site + "cusparse/lib/libcusparse.so.12", "ok");
        file("usr/local/cuda-12.4/lib64/libnvJitLink.so.12", "ok"); // elsewhere: must not be used
        assertThat(foundFile(CudaLibrary.SPARSE)).isEqualTo(sparse.toString());
        assertThat(opened).containsExactly(jit.toString(), sparse.toString());
    }

    @Test
    void brokenFileIsReportedAndTheSearchGoesOn() {
        Path broken = file("usr/local/cuda-13.0/lib64/libcudart.so.13", "invalid ELF header");
        Path good = file("usr/local/cuda-12.4/lib64/libcudart.so.12", "ok");
        assertThat(foundFile(CudaLibrary.RUNTIME)).isEqualTo(good.toString());

        delete(good);
        String reason = libraries().reason(CudaLibrary.RUNTIME);
        assertThat(reason).startsWith("CUDA runtime not found (libcudart.so.13, libcudart.so.12, libcudart.so)")
                .contains(broken + ": invalid ELF header")
                .contains(root.resolve("usr/local/cuda-12.4") + ": not in")
                .contains("system loader: not found (LD_LIBRARY_PATH, ldconfig cache)");
    }

    @Test
    void missingLibraryReasonNamesEveryPlaceTriedAndWhatWasNotSet() throws IOException {
        Files.createDirectories(root.resolve("empty-home"));
        env.put("CUDA_HOME", root.resolve("empty-home").toString());
        CudaLibraries libs = libraries();
        assertThat(libs.find(CudaLibrary.BLAS)).isEmpty();
        assertThat(libs.reason(CudaLibrary.BLAS))
                .contains("cuBLAS not found").contains("libcublas.so.13")
                .contains("CUDA_HOME=" + root.resolve("empty-home") + ": not in")
                .contains("system loader")
                .contains("property ganglion.cuda.path not set")
                .contains("env GANGLION_CUDA_PATH not set")
                .contains("no site-packages folder with NVIDIA wheels");
        assertThatThrownBy(() -> libs.require(CudaLibrary.BLAS))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("cuBLAS not found");
        assertThat(libs.describe()).contains("cuBLAS: cuBLAS not found").contains("cuSPARSE: cuSPARSE not found");
    }

    @Test
    void systemLoaderFailuresOtherThanMissingFilesAreQuoted() {
        systemNames = Set.of();
        LibraryLoader loader = name -> {
            throw new IllegalStateException(name + ": undefined symbol: cublasLtFoo");
        };
        CudaLibraries libs = new CudaLibraries(
                SearchLocations.of(new SearchLocations.Environment(props::get, env::get, root)), loader);
        assertThat(libs.reason(CudaLibrary.BLAS)).contains("system loader: libcublas.so.13: undefined symbol: cublasLtFoo");
    }

    @Test
    void failingDependencyIsNamedInTheReason() {
        file("usr/local/cuda/lib64/libnvJitLink.so.13", "wrong ELF class: ELFCLASS32");
        file("usr/local/cuda/lib64/libcusparse.so.12", "ok");
        assertThat(libraries().reason(CudaLibrary.SPARSE))
                .contains("nvJitLink (needed by cuSPARSE)").contains("wrong ELF class");
    }

    @Test
    void explicitPathMayListSeveralFoldersAndToolkitRoots() {
        Path second = file("second/lib64/libcudart.so.13", "ok");
        props.put(SearchLocations.PROPERTY, root.resolve("first") + ":" + root.resolve("second"));
        assertThat(foundFile(CudaLibrary.RUNTIME)).isEqualTo(second.toString());
        assertThat(libraries().find(CudaLibrary.RUNTIME).orElseThrow().origin())
                .startsWith("property ganglion.cuda.path=");
    }

    @Test
    void sitePackagesComeFromVirtualEnvPythonPathAndHome() {
        file("venv/lib/python3.12/site-packages/nvidia/cu13/lib/libcudart.so.13", "ok");
        file("pp/nvidia/cuda_runtime/lib/libcudart.so.12", "ok");
        file("home/u/.local/lib/python3.10/site-packages/nvidia/x/lib/dummy", "ok");
        env.put("VIRTUAL_ENV", root.resolve("venv").toString());
        env.put("PYTHONPATH", root.resolve("pp").toString());
        props.put("user.home", root.resolve("home/u").toString());
        List<Path> sites = SearchLocations.sitePackages(new SearchLocations.Environment(props::get, env::get, root));
        assertThat(sites).containsExactly(root.resolve("venv/lib/python3.12/site-packages"), root.resolve("pp"),
                root.resolve("home/u/.local/lib/python3.10/site-packages"));
        assertThat(SearchLocations.wheelDirs(root.resolve("pp")))
                .contains(root.resolve("pp/nvidia/cuda_runtime/lib"));
    }

    @Test
    void eachLibraryIsSearchedOnce() {
        file("usr/local/cuda/lib64/libcudart.so.13", "ok");
        CudaLibraries libs = libraries();
        libs.find(CudaLibrary.RUNTIME);
        libs.find(CudaLibrary.RUNTIME);
        libs.reason(CudaLibrary.RUNTIME);
        assertThat(opened).hasSize(1);
        assertThat(libs.reason(CudaLibrary.RUNTIME)).isEmpty();
    }

    @Test
    void theRealLoaderReportsTheDynamicLoadersReason() {
        Path dummy = file("fake/libcudart.so.13", "not a shared object");
        assertThatThrownBy(() -> LibraryLoader.system().open(dummy.toString()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(dummy.toString())
                .satisfies(e -> assertThat(e.getMessage()).containsAnyOf("invalid ELF header", "file too short"));
        assertThatThrownBy(() -> LibraryLoader.system().open("libganglion-no-such-library.so.13"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot open shared object file");
    }

    private static void delete(Path p) {
        try {
            Files.delete(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
