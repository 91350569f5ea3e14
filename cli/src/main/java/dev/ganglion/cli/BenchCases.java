package dev.ganglion.cli;

import dev.ganglion.bench.BenchCase;
import dev.ganglion.bench.ElementwiseBench;
import dev.ganglion.bench.GemmBench;
import dev.ganglion.bench.ModelStepBench;
import dev.ganglion.bench.ModelStepCase;
import dev.ganglion.bench.SoftmaxBench;
import dev.ganglion.bench.SparseLinearBench;
import dev.ganglion.models.training.TrainDefaults;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** The kernels of {@code ganglion bench}, the options each takes, and their prepared cases. */
final class BenchCases {
    static final List<String> KERNELS = List.of("gemm", "blockdiag", "bsr", "csr", "elementwise", "softmax");
    /** For help texts (a constant); error messages add the model names from the registry. */
    static final String KERNEL_LIST = "gemm, blockdiag, bsr, csr, elementwise, softmax, step-MODEL";
    private static final Set<String> STEP = Set.of("--batch", "--seq-len", "--optimizer", "--lr", "--set", "--versus");

    private static final Set<String> SPARSE = Set.of("--batch", "--rows", "--cols", "--block", "--density", "--pass");
    private static final Map<String, Set<String>> OPTIONS = Map.of(
            "gemm", Set.of("--m", "--n", "--k", "--trans-a", "--trans-b"),
            "blockdiag", Set.of("--batch", "--dim", "--blocks", "--pass"),
            "bsr", SPARSE,
            "csr", SPARSE,
            "elementwise", Set.of("--rows", "--cols", "--op"),
            "softmax", Set.of("--rows", "--cols"));

    /** Every kernel-specific option; the others (--threads, --json, ...) apply to all kernels. */
    static final Set<String> KERNEL_OPTIONS = Set.of("--m", "--n", "--k", "--trans-a", "--trans-b",
            "--batch", "--dim", "--blocks", "--pass", "--rows", "--cols", "--block", "--density", "--op",
            "--seq-len", "--optimizer", "--lr", "--set", "--versus");

    private BenchCases() {}

    static Set<String> optionsOf(String kernel) {
        return isStep(kernel) ? STEP : OPTIONS.get(kernel);
    }

    static boolean isStep(String kernel) {
        return kernel.startsWith("step-");
    }

    static void checkKernel(CommandLine cl, String kernel) {
        if (isStep(kernel) && !ModelStepBench.models().contains(kernel.substring("step-".length()))) {
            throw new ParameterException(cl, "unknown model in '" + kernel + "'; expected step-MODEL with MODEL one of: "
                    + modelList());
        }
        if (!isStep(kernel) && !OPTIONS.containsKey(kernel)) {
            throw new ParameterException(cl, "unknown kernel '" + kernel + "'; expected one of: " + KERNEL_LIST
                    + " (MODEL: " + modelList() + ")");
        }
    }

    /** {@code --versus MODEL}, when given, names a model with a training step. */
    static void checkVersus(CommandLine cl, String versus) {
        if (versus != null && !ModelStepBench.models().contains(versus)) {
            throw new ParameterException(cl, "--versus: unknown model '" + versus + "'; expected one of: " + modelList());
        }
    }

    /** {@code --seq-len} given to a step whose models (the kernel's and {@code --versus}'s) read no sequences. */
    static void checkSeqLen(CommandLine cl, String kernel, String versus, Integer seqLen) {
        if (seqLen == null || !isStep(kernel)) {
            return;
        }
        String model = kernel.substring("step-".length());
        if (!TrainDefaults.recurrent(model) && (versus == null || !TrainDefaults.recurrent(versus))) {
            throw new ParameterException(cl, "--seq-len: " + kernel + (versus == null ? "" : " and --versus " + versus)
                    + " read no sequences (the recurrent models: " + String.join(", ", ModelStepBench.models().stream()
                    .filter(TrainDefaults::recurrent).toList()) + ")");
        }
    }

    private static String modelList() {
        return String.join(", ", ModelStepBench.models());
    }

    /** The cases for {@code kernel} with the command's options (defaults where not given). */
    static List<BenchCase> create(String kernel, BenchCommand o) {
        if (isStep(kernel)) {
            return List.of(step(kernel.substring("step-".length()), o, o.sets));
        }
        return switch (kernel) {
            case "gemm" -> List.of(new GemmBench(or(o.m, 512), or(o.n, 512), or(o.k, 512), o.transA, o.transB));
            case "blockdiag" -> passes(kernel, o.pass).stream().<BenchCase>map(p ->
                    SparseLinearBench.blockDiag(or(o.batch, 256), or(o.dim, 1024), or(o.blocks, 16), p)).toList();
            case "bsr", "csr" -> passes(kernel, o.pass).stream().<BenchCase>map(p -> SparseLinearBench.sparse(kernel,
                    or(o.batch, 64), or(o.rows, 1024), or(o.cols, 1024), or(o.block, kernel.equals("bsr") ? 16 : 1),
                    o.density == null ? 0.1 : o.density, p)).toList();
            case "elementwise" -> List.of(new ElementwiseBench(o.op == null ? "add" : o.op, or(o.rows, 1024), or(o.cols, 1024)));
            case "softmax" -> List.of(new SoftmaxBench(or(o.rows, 1024), or(o.cols, 1024)));
            default -> throw new IllegalArgumentException("unknown kernel '" + kernel + "'");
        };
    }

    /** A training step of {@code model} with the command's step options and the given {@code --set}s. */
    static ModelStepCase step(String model, BenchCommand o, Map<String, String> sets) {
        return new ModelStepCase(model, or(o.batch, 64), or(o.seqLen, 28), o.optimizer == null ? "adam" : o.optimizer,
                o.lr == null ? 1e-3 : o.lr, 0, sets);
    }

    /** {@code --pass}: one pass, or all three in order; forward by default. */
    static List<String> passes(String kernel, String pass) {
        if (pass == null) {
            return List.of("forward");
        }
        if (pass.equals("all")) {
            return SparseLinearBench.PASSES;
        }
        if (!SparseLinearBench.PASSES.contains(pass)) {
            throw new IllegalArgumentException(kernel + ": --pass must be forward, input-grad, weight-grad or all, got '"
                    + pass + "'");
        }
        return List.of(pass);
    }

    static int or(Integer v, int dflt) {
        return v == null ? dflt : v;
    }
}
