package dev.ganglion.cli;

import dev.ganglion.bench.Json;
import dev.ganglion.engine.Parallel;
import dev.ganglion.engine.Vectorization;
import dev.ganglion.engine.backend.DeviceInfoProvider;
import dev.ganglion.engine.backend.DeviceInfoProvider.DeviceInfo;
import dev.ganglion.engine.kernel.VectorInfo;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ganglion info}: the JDK, whether the Vector API kernels run (and why not), float lanes,
 * threads, and the CUDA device as the native-bindings backend reports it. {@code --json}: one object.
 */
@Command(name = "info", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "JDK, Vector API, threads and CUDA status of this machine.")
final class InfoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Override
    public Integer call() {
        Map<String, Object> info = collect();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.write(info));
        } else {
            printHuman(out, info);
        }
        out.flush();
        return 0;
    }

    /** Everything {@code info} reports, as the JSON object (keys are a stable interface). */
    static Map<String, Object> collect() {
        Map<String, Object> jdk = new LinkedHashMap<>();
        jdk.put("version", Runtime.version().toString());
        jdk.put("feature", Runtime.version().feature());
        jdk.put("vendor", System.getProperty("java.vendor"));
        jdk.put("vm", System.getProperty("java.vm.name"));
        jdk.put("home", System.getProperty("java.home"));

        VectorInfo v = VectorInfo.active();
        Map<String, Object> vector = new LinkedHashMap<>();
        vector.put("enabled", Vectorization.enabled());
        vector.put("reason", Vectorization.reason());
        vector.put("bits", v.bitSize());
        vector.put("float_lanes", v.floatLanes());
        vector.put("forced_bits", Vectorization.forcedBits() == 0 ? null : Vectorization.forcedBits());

        Map<String, Object> m = new LinkedHashMap<>();
        m.put("jdk", jdk);
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        m.put("processors", Runtime.getRuntime().availableProcessors());
        m.put("vector", vector);
        m.put("threads", Parallel.threads());
        m.put("cuda", cuda(DeviceInfoProvider.probe("cuda")));
        return m;
    }

    private static Map<String, Object> cuda(DeviceInfo d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("available", d.available());
        m.put("reason", d.reason());
        m.put("device", d.name());
        m.put("compute_capability", d.computeCapability());
        m.put("memory_bytes", d.memoryBytes() > 0 ? d.memoryBytes() : null);
        m.put("runtime_version", d.runtimeVersion());
        m.put("driver_version", d.driverVersion());
        m.put("cublas_version", d.cublasVersion());
        m.put("cusparse_version", d.cusparseVersion());
        return m;
    }

    @SuppressWarnings("unchecked")
    private static void printHuman(PrintWriter out, Map<String, Object> info) {
        Map<String, Object> jdk = (Map<String, Object>) info.get("jdk");
        Map<String, Object> vec = (Map<String, Object>) info.get("vector");
        Map<String, Object> cuda = (Map<String, Object>) info.get("cuda");
        out.printf("JDK          %s (%s, %s)%n", jdk.get("version"), jdk.get("vendor"), jdk.get("vm"));
        out.printf("OS           %s, %s processors%n", info.get("os"), info.get("processors"));
        if ((Boolean) vec.get("enabled")) {
            out.printf("Vector API   enabled: %s bits, %s float lanes%s%n", vec.get("bits"), vec.get("float_lanes"),
                    vec.get("forced_bits") == null ? "" : " (width forced by -Dganglion.simd)");
        } else {
            out.printf("Vector API   off: %s (scalar kernels)%n", vec.get("reason"));
        }
        out.printf("Threads      %s%n", info.get("threads"));
        if ((Boolean) cuda.get("available")) {
            out.printf("CUDA         %s, compute capability %s, %s%n", cuda.get("device"),
                    cuda.get("compute_capability"), memory(cuda.get("memory_bytes")));
            out.printf("             runtime %s, driver %s, cuBLAS %s, cuSPARSE %s%n", cuda.get("runtime_version"),
                    cuda.get("driver_version"), cuda.get("cublas_version"), cuda.get("cusparse_version"));
        } else {
            out.printf("CUDA         not available: %s%n", cuda.get("reason"));
        }
    }

    private static String memory(Object bytes) {
        return bytes == null ? "memory unknown" : String.format("%.1f GiB", ((Number) bytes).longValue() / (double) (1L << 30));
    }
}
