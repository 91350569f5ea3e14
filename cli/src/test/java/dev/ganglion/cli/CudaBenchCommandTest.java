package dev.ganglion.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.ganglion.bench.Json;
import dev.ganglion.cuda.CudaDeviceInfo;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code --device cuda} and {@code info} against CUDA discovery: with native-bindings on the class
 * path (as in the launcher), the reason given is discovery's own (no library / driver / device),
 * never "not on the classpath", for the kernels and for train, eval and step-MODEL, which offload
 * their dense products. The GPU side of bench is checked by bin/gpu-tests and by hand.
 */
class CudaBenchCommandTest {
    private static final CudaDeviceInfo CUDA = CudaDeviceInfo.system();

    @Test
    @SuppressWarnings("unchecked")
    void infoReportsDiscoverysReason() {
        CliRun r = CliRun.of("info", "--json");
        assertThat(r.status()).isZero();
        Map<String, Object> cuda = (Map<String, Object>) ((Map<String, Object>) Json.parse(r.out())).get("cuda");
        assertThat(cuda.get("available")).isEqualTo(CUDA.available());
        if (!CUDA.available()) {
            assertThat((String) cuda.get("reason")).isEqualTo(CUDA.reason()).doesNotContain("not on the classpath");
        }
    }

    @Test
    void everyDeviceKernelFailsWithTheOneLineReasonWhereCudaIsMissing() {
        assumeFalse(CUDA.available(), "a CUDA device is usable here");
        for (String kernel : new String[] {"gemm", "blockdiag", "bsr", "csr"}) {
            for (boolean compare : new boolean[] {false, true}) {
                CliRun r = compare
                        ? CliRun.of("bench", kernel, "--device", "cuda", "--compare", "--json")
                        : CliRun.of("bench", kernel, "--device", "cuda");
                assertThat(r.status()).as(kernel).isEqualTo(Main.FAILURE);
                assertThat(r.out()).isEmpty();
                assertThat(r.errLines()).containsExactly(
                        "ganglion bench: error: --device cuda: CUDA not available: " + CUDA.reason());
            }
        }
    }

    @Test
    void kernelsWithoutACudaPathAreUsageErrors() {
        for (String kernel : new String[] {"elementwise", "softmax"}) {
            CliRun r = CliRun.of("bench", kernel, "--device", "cuda");
            assertThat(r.status()).isEqualTo(Main.USAGE);
            assertThat(r.errLines()).containsExactly("ganglion bench: --device cuda: " + kernel
                    + " has no CUDA path; --device cuda runs gemm, blockdiag, bsr, csr and step-MODEL (see ganglion bench --help)");
        }
    }

    @Test
    void trainEvalAndStepsOnCudaFailWithTheOneLineReasonWhereCudaIsMissing() {
        assumeFalse(CUDA.available(), "a CUDA device is usable here");
        String[][] commands = {
            {"bench", "step-mlp", "--device", "cuda", "--repeat", "1"},
            {"train", "mlp", "--task", "function", "--epochs", "1", "--device", "cuda"},
            {"eval", "--checkpoint", "no-such.safetensors", "--input", "no-such-either.safetensors", "--device", "cuda"},
        };
        for (String[] args : commands) {
            CliRun r = CliRun.of(args);
            assertThat(r.status()).as(args[0]).isEqualTo(Main.FAILURE);
            assertThat(r.errLines()).as(args[0]).containsExactly(
                    "ganglion " + args[0] + ": error: --device cuda: CUDA not available: " + CUDA.reason());
        }
    }

    @Test
    void aStepOnCudaHasNoTorchComparison() {
        CliRun r = CliRun.of("bench", "step-mlp", "--device", "cuda", "--compare");
        assertThat(r.status()).isEqualTo(Main.USAGE);
        assertThat(r.errLines().getFirst()).isEqualTo("ganglion bench: --device cuda: step-mlp --compare is not "
                + "available: the PyTorch step references run on the CPU (see ganglion bench --help)");
    }
}
