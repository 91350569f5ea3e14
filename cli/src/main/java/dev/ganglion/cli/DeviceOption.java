package dev.ganglion.cli;

import dev.ganglion.engine.backend.Backends;
import dev.ganglion.engine.backend.ComputeBackend;
import dev.ganglion.engine.backend.DeviceInfoProvider;
import dev.ganglion.engine.backend.DeviceInfoProvider.DeviceInfo;
import dev.ganglion.engine.kernel.RoutedGemm;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * {@code --device} of {@code train}, {@code eval} and {@code bench step-MODEL}: {@code cpu}, or
 * {@code cuda}, which sends the engine's dense float32 products to the GPU shape by shape where
 * measured faster ({@link Backends#offloadProducts}); everything else stays on the CPU.
 */
final class DeviceOption {
    private DeviceOption() {}

    /**
     * Applies {@code device} for the rest of the process: a {@link ParameterException} for a name
     * other than cpu or cuda, an {@link IllegalStateException} with discovery's reason when CUDA
     * cannot be used.
     */
    static void apply(CommandLine cl, String device) {
        switch (device) {
            case "cpu" -> { }
            case "cuda" -> {
                requireCuda();
                cuda(() -> Backends.offloadProducts("cuda"));
            }
            default -> throw unknown(cl, device);
        }
    }

    /** The usage error for a {@code --device} other than cpu or cuda. */
    static ParameterException unknown(CommandLine cl, String device) {
        return new ParameterException(cl, "--device must be cpu or cuda, got '" + device + "'");
    }

    /** The CUDA backend; a failure to open it is one line with the reason (exit 1). */
    static ComputeBackend openCuda() {
        return cuda(() -> Backends.get("cuda"));
    }

    /** {@code open}'s backend, a failure to open it said as {@code --device cuda: REASON}. */
    private static ComputeBackend cuda(Supplier<ComputeBackend> open) {
        try {
            return open.get();
        } catch (IllegalStateException e) {
            throw new IllegalStateException("--device cuda: " + e.getMessage(), e);
        }
    }

    /** {@link IllegalStateException} with discovery's reason, on one line, unless a CUDA device is usable. */
    static void requireCuda() {
        DeviceInfo d = DeviceInfoProvider.probe("cuda");
        if (!d.available()) {
            throw new IllegalStateException("--device cuda: CUDA not available: " + d.reason());
        }
    }

    /**
     * Prints to {@code err} one line on where the products ran, e.g. {@code cuda: 3 of 7 product shapes
     * on the GPU (measured per shape); largest 128×1024×784 NN β=0: device 0.210 ms, cpu 0.452 ms →
     * device}; nothing when nothing was offloaded.
     */
    static void printSummary(PrintWriter err) {
        RoutedGemm router = RoutedGemm.engine();
        if (!router.offloading()) {
            return;
        }
        List<RoutedGemm.Decision> ds = router.decisions();
        long onDevice = ds.stream().filter(RoutedGemm.Decision::onDevice).count();
        err.println(String.format(Locale.ROOT, "cuda: %d of %d product shapes on the GPU (measured per shape)%s",
                onDevice, ds.size(), ds.isEmpty() ? "" : "; largest " + ds.getFirst()));
        err.flush();
    }
}
