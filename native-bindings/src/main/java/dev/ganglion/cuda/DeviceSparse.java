package dev.ganglion.cuda;

import dev.ganglion.engine.Shape;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

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
    private final Map<PointerKey, DeviceBuffer> pointerArrays = new HashMap<>();

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

    /** The sparsity structure (host copy). */
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

    /** Pointer arrays kept per plan and operand addresses; more distinct triples than this and the cache restarts. */
    static final int MAX_POINTER_ARRAYS = 16;

    private record PointerKey(BlockBatchPlan plan, long a, long b, long c) {}

    /**
     * The device copy of a plan's pointer arrays for operands at these addresses, uploaded on first
     * use. An upload is a synchronous copy that waits for all queued work, so re-uploading on every
     * call would make each batched-GEMM call cost its device time on the host (measured on an H100:
     * 150–400 µs per call instead of ~15). The pointers depend only on the plan and the base
     * addresses, so a cached array stays right even when a buffer is freed and another takes its
     * address. At most {@link #MAX_POINTER_ARRAYS} are kept (training loops reuse a few addresses).
     */
    synchronized DeviceBuffer pointerArrays(CudaDevice device, BlockBatchPlan plan, DeviceBuffer a, DeviceBuffer b,
                                            DeviceBuffer c, Supplier<long[]> pointers) {
        PointerKey key = new PointerKey(plan, a.address().address(), b.address().address(), c.address().address());
        DeviceBuffer cached = pointerArrays.get(key);
        if (cached == null) {
            if (pointerArrays.size() >= MAX_POINTER_ARRAYS) {
                releasePointerArrays();
            }
            cached = device.upload(pointers.get());
            pointerArrays.put(key, cached);
        }
        return cached;
    }

    /** Returns the cached pointer arrays to the allocator. */
    private void releasePointerArrays() {
        // NOTE: a freed block is only reused by later work on the same stream, so no wait is needed.
        pointerArrays.values().forEach(DeviceBuffer::close);
        pointerArrays.clear();
    }

    @Override
    public synchronized void close() {
        releasePointerArrays();
        rowOffsets.close();
        colIndices.close();
        values.close();
    }
}
