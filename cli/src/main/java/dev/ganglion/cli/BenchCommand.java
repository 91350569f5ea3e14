package dev.ganglion.cli;

import dev.ganglion.bench.BenchCase;
import dev.ganglion.bench.DeviceBench;
import dev.ganglion.bench.Measurement;
import dev.ganglion.bench.ModelStepCase;
import dev.ganglion.bench.PeakGflops;
import dev.ganglion.bench.QuickBench;
import dev.ganglion.bench.Timing;
import dev.ganglion.engine.Parallel;
import dev.ganglion.engine.backend.ComputeBackend;
import dev.ganglion.engine.backend.DeviceInfoProvider;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ganglion bench KERNEL}: times one kernel after warm-up (median of repeats) and reports
 * useful GFLOP/s against the FMA peak measured here; {@code --compare} adds PyTorch/NumPy timings
 * of the same shapes. {@code --json}: one line per measurement (shared/specs/cli.md).
 * {@code --device cuda} times gemm, blockdiag, bsr and csr on the CUDA backend with
 * {@link DeviceBench} (device-resident operands, CUDA event timing, host cost per call apart);
 * there {@code --compare} runs the PyTorch side on the GPU too. {@code step-MODEL --device cuda}
 * times the training step with the engine's dense products offloaded ({@link DeviceOption}).
 */
@Command(name = "bench", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, sortOptions = false,
        description = {"Times one kernel after warm-up (median of repeats) and reports throughput.",
                "KERNEL: " + BenchCases.KERNEL_LIST})
final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "KERNEL", description = "Kernel to time.")
    String kernel;

    @Option(names = "--m", paramLabel = "M", description = "gemm: rows of C (default 512).")
    Integer m;
    @Option(names = "--n", paramLabel = "N", description = "gemm: columns of C (default 512).")
    Integer n;
    @Option(names = "--k", paramLabel = "K", description = "gemm: inner dimension (default 512).")
    Integer k;
    @Option(names = "--trans-a", description = "gemm: A is stored transposed (k×m).")
    boolean transA;
    @Option(names = "--trans-b", description = "gemm: B is stored transposed (n×k).")
    boolean transB;

    @Option(names = "--batch", paramLabel = "B",
            description = "blockdiag, bsr, csr: rows of X (default 256 / 64); step-MODEL: batch size (default 64).")
    Integer batch;
    @Option(names = "--dim", paramLabel = "D", description = "blockdiag: features in and out (default 1024).")
    Integer dim;
    @Option(names = "--blocks", paramLabel = "NB", description = "blockdiag: diagonal blocks of dim/NB (default 16).")
    Integer blocks;
    @Option(names = "--pass", paramLabel = "PASS",
            description = "blockdiag, bsr, csr: forward, input-grad, weight-grad or all (default forward).")
    String pass;

    @Option(names = "--rows", paramLabel = "R", description = "bsr, csr: rows of W; elementwise, softmax: rows (default 1024).")
    Integer rows;
    @Option(names = "--cols", paramLabel = "C", description = "bsr, csr: columns of W; elementwise, softmax: columns (default 1024).")
    Integer cols;
    @Option(names = "--block", paramLabel = "BS", description = "bsr, csr: block size of the sparsity pattern (default 16 / 1).")
    Integer block;
    @Option(names = "--density", paramLabel = "F", description = "bsr, csr: fraction of non-zero blocks in each block-row (default 0.1).")
    Double density;
    @Option(names = "--op", paramLabel = "OP", description = "elementwise: add, sub, mul, div, maximum, minimum, neg, "
            + "exp, log, sqrt, tanh, sigmoid, relu, silu, sin, cos, abs, square, reciprocal, log1p, expm1, erf, gelu, "
            + "gelu_tanh or softplus (β 1, threshold 20) (default add).")
    String op;

    @Option(names = "--seq-len", paramLabel = "T", description = "step-MODEL, recurrent models: time steps (default 28).")
    Integer seqLen;
    @Option(names = "--optimizer", paramLabel = "OPT", description = "step-MODEL: adam or sgd (default adam).")
    String optimizer;
    @Option(names = "--lr", paramLabel = "LR", description = "step-MODEL: learning rate (default 1e-3).")
    Double lr;
    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "step-MODEL: model config field (repeatable).")
    Map<String, String> sets = new LinkedHashMap<>();

    @Option(names = "--versus", paramLabel = "MODEL", description = "step-MODEL: also time MODEL's step, the two "
            + "steps' samples interleaved in this one run, and print how many times faster KERNEL's step is (the "
            + "median of the paired samples' ratios). MODEL takes the --set fields its config has.")
    String versus;

    @Option(names = "--threads", paramLabel = "N", description = "Threads (default: ganglion.threads or all cores).")
    Integer threads;
    @Option(names = "--device", paramLabel = "DEV", defaultValue = "cpu", description = "cpu or cuda (default cpu); a step-MODEL runs its dense products on the GPU where measured faster.")
    String device;
    @Option(names = "--repeat", paramLabel = "R", defaultValue = "10", description = "Timed samples after warm-up (default 10).")
    int repeat;
    @Option(names = "--warmup-ms", paramLabel = "MS", defaultValue = "2000",
            description = "Warm-up time box in ms; warm-up stops earlier once timings settle (default 2000).")
    long warmupMs;
    @Option(names = "--json", description = "One JSON line per measurement.")
    boolean json;
    @Option(names = "--compare", description = "Also time the same shapes with PyTorch (or NumPy) and print the ratio.")
    boolean compare;

    @Override
    public Integer call() throws Exception {
        BenchCases.checkKernel(spec.commandLine(), kernel);
        rejectForeignOptions();
        BenchCases.checkVersus(spec.commandLine(), versus);
        BenchCases.checkSeqLen(spec.commandLine(), kernel, versus, seqLen);
        checkDevice();
        int t = threads == null ? Parallel.threads() : threads;
        if (t < 1) {
            throw new ParameterException(spec.commandLine(), "--threads must be ≥ 1, got " + t);
        }
        Parallel.setThreads(t);
        Timing.Settings settings = new Timing.Settings(repeat, warmupMs);
        List<BenchCase> cases = BenchCases.create(kernel, this);
        if (device.equals("cuda") && !BenchCases.isStep(kernel)) {
            return onDevice(DeviceOption.openCuda(), cases, t, settings);
        }
        // the CPU, or a step whose dense products are offloaded (checkDevice)
        List<Measurement> timed = new ArrayList<>();
        for (BenchCase c : cases) {
            // with --versus (a step-MODEL kernel: one case) c's line first, then the other model's
            List<Measurement> ms = versus == null ? List.of(QuickBench.time(c, t, settings))
                    : QuickBench.timePaired(c, versusCase(), t, settings);
            ms.forEach(this::noteIfUnsettled);
            timed.addAll(ms);
            if (compare) {
                timed.addAll(Comparison.reference(c, ms.getFirst(), t, settings, spec.commandLine().getErr()));
            }
        }
        // The peak is measured after the kernels, in the clock and load state they ran in. Measured at
        // start-up, on a 16-vCPU Xeon VM it came out at 88 GFLOP/s on 1 thread against 150-167 after
        // the kernels, and a GEMM ran at "107 % of peak". A training step has no flop count to set against it.
        Double peak = BenchCases.isStep(kernel) ? null : PeakGflops.measure(t);
        PrintWriter out = spec.commandLine().getOut();
        List<Measurement> all = new ArrayList<>();
        for (Measurement m : timed) {
            emit(out, all, m.withPeak(peak));
        }
        if (!json) {
            Report.print(out, kernel, t, peak, all);
        }
        DeviceOption.printSummary(spec.commandLine().getErr());
        out.flush();
        return 0;
    }

    /** The cuda path: each case on the device, then (with --compare) torch on the same GPU. */
    private int onDevice(ComputeBackend cuda, List<BenchCase> cases, int t, Timing.Settings settings)
            throws java.io.IOException {
        PrintWriter out = spec.commandLine().getOut();
        List<Measurement> all = new ArrayList<>();
        for (BenchCase c : cases) {
            Measurement g = DeviceBench.time(c, cuda, t, settings);
            noteIfUnsettled(g);
            emit(out, all, g);
            if (compare) {
                Comparison.reference(c, g, t, settings, "cuda", spec.commandLine().getErr())
                        .forEach(r -> emit(out, all, r));
            }
        }
        if (!json) {
            Report.printDevice(out, kernel, DeviceInfoProvider.probe("cuda"), all);
        }
        out.flush();
        return 0;
    }

    /**
     * The step of {@code --versus MODEL}, with the {@code --set}s its config has; a note on stderr
     * names those it has not (a G2GNet field against the MLP), so the pair's difference is visible.
     */
    private BenchCase versusCase() {
        Map<String, String> kept = ModelStepCase.applicable(versus, sets);
        if (kept.size() < sets.size()) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("ganglion bench: note: --versus " + versus + ": not applied to " + versus + ": "
                    + String.join(", ", sets.keySet().stream().filter(k -> !kept.containsKey(k)).toList()));
            err.flush();
        }
        return BenchCases.step(versus, this, kept);
    }

    private void noteIfUnsettled(Measurement g) {
        if (Boolean.FALSE.equals(g.extra().get("settled"))) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("ganglion bench: note: " + g.kernel() + " " + g.pass() + " had not settled after "
                    + warmupMs + " ms of warm-up (JIT still compiling or timings drifting); "
                    + "a larger --warmup-ms gives a steadier figure");
            err.flush();
        }
    }

    private void emit(PrintWriter out, List<Measurement> all, Measurement m) {
        all.add(m);
        if (json) {
            out.println(m.toJson());
            out.flush();
        }
    }

    /** Options of another kernel are mistakes (a typo'd kernel or flag), not silently ignored. */
    private void rejectForeignOptions() {
        Set<String> allowed = BenchCases.optionsOf(kernel);
        Set<String> foreign = new TreeSet<>();
        for (OptionSpec o : spec.commandLine().getParseResult().matchedOptions()) {
            String name = o.longestName();
            if (BenchCases.KERNEL_OPTIONS.contains(name) && !allowed.contains(name)) {
                foreign.add(name);
            }
        }
        if (!foreign.isEmpty()) {
            throw new ParameterException(spec.commandLine(), String.join(", ", foreign)
                    + (foreign.size() == 1 ? " does" : " do") + " not apply to " + kernel
                    + " (it takes " + String.join(" ", new TreeSet<>(allowed)) + ")");
        }
    }

    private void checkDevice() {
        switch (device) {
            case "cpu" -> { }
            case "cuda" -> {
                if (BenchCases.isStep(kernel)) {
                    if (compare) {
                        throw new ParameterException(spec.commandLine(), "--device cuda: " + kernel
                                + " --compare is not available: the PyTorch step references run on the CPU");
                    }
                    DeviceOption.apply(spec.commandLine(), device);
                    return;
                }
                if (!DeviceBench.KERNELS.contains(kernel)) {
                    throw new ParameterException(spec.commandLine(), "--device cuda: " + kernel
                            + " has no CUDA path; --device cuda runs " + DeviceBench.KERNELS + " and step-MODEL");
                }
                DeviceOption.requireCuda();
            }
            default -> throw DeviceOption.unknown(spec.commandLine(), device);
        }
    }
}
