package dev.ganglion.cli;

import dev.ganglion.bench.BenchCase;
import dev.ganglion.bench.GemmBench;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** The kernels of {@code ganglion bench}, the options each takes, and their prepared cases. */
final class BenchCases {
    static final List<String> KERNELS = List.of("gemm", "blockdiag", "bsr", "csr", "elementwise", "softmax");
    static final String KERNEL_LIST = "gemm, blockdiag, bsr, csr, elementwise, softmax";

    private static final Set<String> SPARSE = Set.of("--batch", "--rows", "--cols", "--block", "--density");
    private static final Map<String, Set<String>> OPTIONS = Map.of(
            "gemm", Set.of("--m", "--n", "--k", "--trans-a", "--trans-b"),
            "blockdiag", Set.of("--batch", "--dim", "--blocks", "--pass"),
            "bsr", SPARSE,
            "csr", SPARSE,
            "elementwise", Set.of("--rows", "--cols", "--op"),
            "softmax", Set.of("--rows", "--cols"));

    /** Every kernel-specific option; the others (--threads, --json, ...) apply to all kernels. */
    static final Set<String> KERNEL_OPTIONS = Set.of("--m", "--n", "--k", "--trans-a", "--trans-b",
            "--batch", "--dim", "--blocks", "--pass", "--rows", "--cols", "--block", "--density", "--op");

    private BenchCases() {}

    static Set<String> optionsOf(String kernel) {
        return OPTIONS.get(kernel);
    }

    static void checkKernel(CommandLine cl, String kernel) {
        if (kernel.startsWith("step-")) {
            throw new ParameterException(cl, "'" + kernel + "': training-step benchmarks (step-MODEL) "
                    + "are not available yet; kernels: " + KERNEL_LIST);
        }
        if (!OPTIONS.containsKey(kernel)) {
            throw new ParameterException(cl, "unknown kernel '" + kernel + "'; expected one of: " + KERNEL_LIST);
        }
    }

    /** The cases for {@code kernel} with the command's options (defaults where not given). */
    static List<BenchCase> create(String kernel, BenchCommand o) {
        return switch (kernel) {
            case "gemm" -> List.of(new GemmBench(or(o.m, 512), or(o.n, 512), or(o.k, 512), o.transA, o.transB));
            default -> throw new IllegalStateException(kernel + ": not in this build yet (its engine kernels "
                    + "have not landed on main)");
        };
    }

    static int or(Integer v, int dflt) {
        return v == null ? dflt : v;
    }
}
