package dev.ganglion.bench;

import dev.ganglion.engine.backend.ComputeBackend;
import dev.ganglion.engine.backend.PreparedOp;
import java.util.Map;

/**
 * One prepared benchmark: inputs allocated and filled, {@link #run} performs exactly one call of
 * the kernel on them. Useful work per call: {@link #flops} (NaN when not counted).
 */
public interface BenchCase {
    /** Kernel name as on the command line, e.g. "gemm". */
    String kernel();

    /** "forward" (the default), "input-grad", "weight-grad", or "all" for a whole training step. */
    default String pass() {
        return "forward";
    }

    /** The size parameters, in display order; also what the Python reference receives. */
    Map<String, Object> shape();

    /** Useful floating-point operations per call (multiply and add count as two), or NaN. */
    double flops();

    /** One call of the kernel. */
    void run();

    /** Extra fields for the measurement's JSON line (e.g. a model's parameter count); none by default. */
    default Map<String, Object> details() {
        return Map.of();
    }

    /**
     * The same product with the same operands prepared on {@code backend} (device-resident there),
     * for {@link DeviceBench}; {@link IllegalArgumentException} for kernels without a backend path.
     */
    default PreparedOp prepare(ComputeBackend backend) {
        throw new IllegalArgumentException(kernel() + " has no " + backend.name()
                + " path; --device " + backend.name() + " runs " + DeviceBench.KERNELS);
    }
}
