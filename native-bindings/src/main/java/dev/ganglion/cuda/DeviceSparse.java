package dev.ganglion.cuda;

import dev.ganglion.engine.Shape;
import java.util.HashMap;
import java.util.Map;

/**
 * A sparse weight matrix W ({@code out×in}) resident on the device: its {@link SparsePattern}
 * (kept on the host too, for planning) with int32 row offsets and column indices, and FP32 values
 * (blocks one after another, each row-major) in {@link #values()}, updatable in place by training.
 * The same object serves {@link CudaBsr} (any block size) and {@link CudaCsr} (1×1 blocks).
 */
public final class DeviceSparse implements AutoCloseable {
    private final SparsePattern pattern;
    private final DeviceBuffer rowOffsets;
    private final DeviceBuffer colIndices;
    private final DeviceBuffer values;
    private final Map<String, BlockBatchPlan> plans = new HashMap<>();

    private DeviceSparse(SparsePattern pattern, DeviceBuffer rowOffsets, DeviceBuffer colIndices,
                         DeviceBuffer values) {
        this.pattern = pattern;
        this.rowOffsets = rowOffsets;
        this.colIndices = colIndices;
        this.values = values;
    }

    /** Uploads the pattern and its {@code pattern.values()} values. */
    public static DeviceSparse upload(CudaDevice device, SparsePattern pattern, float[] values) {
        if (values.length != pattern.values()) {
            throw new IllegalArgumentException("DeviceSparse.upload: " + values.length + " values for a pattern of "
                    + pattern.blocks() + " blocks of " + pattern.rowBlock() + "×" + pattern.colBlock()
                    + " (expected " + pattern.values() + ")");
        }
        DeviceBuffer offsets = device.upload(pattern.rowOffsets());
        DeviceBuffer indices = device.upload(pattern.colIndices());
        DeviceBuffer vals = device.upload(values, valuesShape(pattern));
        return new DeviceSparse(pattern, offsets, indices, vals);
    }

    /** The shape of a values (or values-gradient) buffer: {@code [pattern.values()]}. */
    public static Shape valuesShape(SparsePattern pattern) {
        return Shape.of(pattern.values());
    }

    public SparsePattern pattern() {
        return pattern;
    }

    /** The FP32 values, {@code [pattern.values()]}. */
    public DeviceBuffer values() {
        return values;
    }

    DeviceBuffer rowOffsets() {
        return rowOffsets;
    }

    DeviceBuffer colIndices() {
        return colIndices;
    }

    /** The batched-GEMM plan of a pass for {@code batch} rows of X, computed once. */
    synchronized BlockBatchPlan plan(String pass, int batch) {
        return plans.computeIfAbsent(pass + "/" + batch, k -> switch (pass) {
            case "forward" -> BlockBatchPlan.forward(pattern, batch);
            case "input-grad" -> BlockBatchPlan.inputGrad(pattern, batch);
            case "weight-grad" -> BlockBatchPlan.weightGrad(pattern, batch);
            default -> throw new IllegalArgumentException("DeviceSparse.plan: unknown pass " + pass);
        });
    }

    @Override
    public void close() {
        rowOffsets.close();
        colIndices.close();
        values.close();
    }
}
