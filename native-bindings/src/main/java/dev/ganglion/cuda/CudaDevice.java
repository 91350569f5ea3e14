package dev.ganglion.cuda;

import dev.ganglion.engine.Shape;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One CUDA device opened for compute: its stream (all work is ordered on it), the caching allocator,
 * lazily created cuBLAS and cuSPARSE handles bound to that stream, a pinned staging buffer for host
 * copies, a reusable library workspace, and the {@link PathTuner} that picks kernels per shape.
 *
 * <p>Use from one thread at a time; the device is made current on whichever thread calls in.
 * Closing synchronises, destroys the handles and stream, and frees all cached memory.
 */
public final class CudaDevice implements AutoCloseable {
    /** Host copies go through this much pinned memory at a time. */
    static final int STAGING_BYTES = 8 << 20;

    private final CudaLibraries libraries;
    private final int ordinal;
    private final CudaRuntime runtime;
    private final CudaStream stream;
    private final CachingAllocator allocator;
    private final PathTuner tuner;
    private Thread currentThread;
    private CuBlas blas;
    private MemorySegment blasHandle;
    private CuSparse sparse;
    private MemorySegment sparseHandle;
    private MemorySegment staging;
    private DeviceBuffer workspace;
    private final Map<Integer, DeviceBuffer> sequences = new HashMap<>();
    private boolean closed;

    private CudaDevice(CudaLibraries libraries, int ordinal) {
        this.libraries = libraries;
        this.ordinal = ordinal;
        this.runtime = new CudaRuntime(libraries.require(CudaLibrary.RUNTIME));
        enter();
        this.stream = CudaStream.create(runtime);
        long cacheLimit;
        try {
            cacheLimit = Long.getLong("ganglion.cuda.cacheBytes", runtime.memoryInfo().total() / 2);
        } catch (RuntimeException e) {
            Resources.closeAll(List.of(stream), e);
            throw e;
        }
        this.allocator = new CachingAllocator(new CachingAllocator.Backend() {
            @Override
            public MemorySegment allocate(long bytes) {
                enter();
                return runtime.malloc(bytes);
            }

            @Override
            public void free(MemorySegment block) {
                // not enter(): the Cleaner's thread frees too, also after close; the device is per thread
                runtime.setDevice(ordinal);
                runtime.free(block);
            }
        }, cacheLimit);
        this.tuner = new PathTuner(this::timeMillis);
    }

    /** Device {@code ordinal} found by {@link CudaLibraries#system()}; {@link IllegalStateException} saying why if unusable. */
    public static CudaDevice open(int ordinal) {
        return open(CudaLibraries.system(), ordinal);
    }

    /** Device {@code ordinal} using {@code libraries}; {@link IllegalStateException} saying why if unusable. */
    public static CudaDevice open(CudaLibraries libraries, int ordinal) {
        CudaDeviceInfo info = CudaDeviceInfo.probe(libraries, ordinal);
        if (!info.available()) {
            throw new IllegalStateException("CUDA is not available: " + info.reason());
        }
        return new CudaDevice(libraries, ordinal);
    }

    /** The CUDA device ordinal. */
    public int ordinal() {
        return ordinal;
    }

    /** The CUDA runtime bindings this device calls through. */
    public CudaRuntime runtime() {
        return runtime;
    }

    /** The stream all of this device's work is ordered on. */
    public CudaStream stream() {
        return stream;
    }

    /** The allocator of this device's buffers. */
    public CachingAllocator allocator() {
        return allocator;
    }

    /** The tuner that picks the kernel path per operation and shape. */
    public PathTuner tuner() {
        return tuner;
    }

    /** Makes this device current on the calling thread (cheap when it already is). */
    void enter() {
        if (closed) {
            throw new IllegalStateException("CudaDevice " + ordinal + " used after close");
        }
        if (currentThread != Thread.currentThread()) {
            runtime.setDevice(ordinal);
            currentThread = Thread.currentThread();
        }
    }

    CuBlas blas() {
        blasHandle();
        return blas;
    }

    /** The cuBLAS handle on this device's stream; {@link IllegalStateException} with the reason if cuBLAS is missing. */
    MemorySegment blasHandle() {
        enter();
        if (blasHandle == null) {
            CuBlas b = new CuBlas(libraries.require(CudaLibrary.BLAS));
            MemorySegment h = b.create();
            b.setStream(h, stream.handle());
            blas = b;
            blasHandle = h;
        }
        return blasHandle;
    }

    CuSparse sparse() {
        sparseHandle();
        return sparse;
    }

    MemorySegment sparseHandle() {
        enter();
        if (sparseHandle == null) {
            CuSparse s = new CuSparse(libraries.require(CudaLibrary.SPARSE));
            MemorySegment h = s.create();
            s.setStream(h, stream.handle());
            sparse = s;
            sparseHandle = h;
        }
        return sparseHandle;
    }

    /** A workspace of at least {@code bytes}, reused across calls (safe: one stream orders every use). */
    MemorySegment workspace(long bytes) {
        if (bytes == 0) {
            return MemorySegment.NULL;
        }
        if (workspace == null || workspace.bytes() < bytes) {
            if (workspace != null) {
                workspace.close();
            }
            long words = Math.ceilDiv(bytes, 4);
            if (words > Integer.MAX_VALUE) {
                throw new IllegalStateException("CudaDevice: a library asked for a " + bytes + "-byte workspace; "
                        + "a device buffer holds at most " + 4L * Integer.MAX_VALUE + " bytes");
            }
            workspace = allocator.allocate(DeviceBuffer.Element.F32, Shape.of((int) words));
        }
        return workspace.address();
    }

    /** The int32 buffer {@code 0, 1, …, n−1} (Blocked-ELL column indices of a block diagonal), cached. */
    DeviceBuffer sequence(int n) {
        DeviceBuffer b = sequences.get(n);
        if (b == null) {
            int[] values = new int[n];
            Arrays.setAll(values, i -> i);
            b = upload(values);
            sequences.put(n, b);
        }
        return b;
    }

    /** An uninitialised FP32 buffer. */
    public DeviceBuffer allocate(Shape shape) {
        enter();
        return allocator.allocate(shape);
    }

    /** An FP32 buffer of zeros. */
    public DeviceBuffer zeros(Shape shape) {
        DeviceBuffer b = allocate(shape);
        zero(b);
        return b;
    }

    /** Sets every byte of {@code buffer} to 0, ordered on the stream. */
    public void zero(DeviceBuffer buffer) {
        enter();
        runtime.memsetAsync(buffer.address(), 0, buffer.bytes(), stream.handle());
    }

    /** A new FP32 buffer holding {@code data} with {@code shape}. */
    public DeviceBuffer upload(float[] data, Shape shape) {
        if (data.length != shape.size()) {
            throw new IllegalArgumentException("CudaDevice.upload: " + data.length + " floats for shape " + shape);
        }
        DeviceBuffer b = allocate(shape);
        copyIn(MemorySegment.ofArray(data), b);
        return b;
    }

    /** A new int32 buffer holding {@code data} (sparse indices). */
    public DeviceBuffer upload(int[] data) {
        enter();
        DeviceBuffer b = allocator.allocate(DeviceBuffer.Element.I32, Shape.of(data.length));
        copyIn(MemorySegment.ofArray(data), b);
        return b;
    }

    /** A new int64 buffer holding {@code data} (device-pointer arrays). */
    DeviceBuffer upload(long[] data) {
        enter();
        DeviceBuffer b = allocator.allocate(DeviceBuffer.Element.I64, Shape.of(data.length));
        copyIn(MemorySegment.ofArray(data), b);
        return b;
    }

    /** Overwrites {@code dst} with {@code src} (same element count). */
    public void copyFromHost(float[] src, DeviceBuffer dst) {
        requireFloats("CudaDevice.copyFromHost", src.length, dst);
        copyIn(MemorySegment.ofArray(src), dst);
    }

    /** Copies {@code src} into {@code dst} after all work queued before it has finished. */
    public void copyToHost(DeviceBuffer src, float[] dst) {
        requireFloats("CudaDevice.copyToHost", dst.length, src);
        copyOut(src, MemorySegment.ofArray(dst));
    }

    /** The contents of an FP32 buffer. */
    public float[] download(DeviceBuffer src) {
        float[] out = new float[src.elements()];
        copyToHost(src, out);
        return out;
    }

    /** The contents of an int32 buffer. */
    public int[] downloadInts(DeviceBuffer src) {
        if (src.element() != DeviceBuffer.Element.I32) {
            throw new IllegalArgumentException("CudaDevice.downloadInts: " + src + " is not I32");
        }
        int[] out = new int[src.elements()];
        copyOut(src, MemorySegment.ofArray(out));
        return out;
    }

    /**
     * Copies the {@code rows × cols} matrix stored in {@code src} from {@code off} with leading
     * dimension {@code ld} into {@code dst}, packed (leading dimension {@code cols}).
     */
    void copyMatrixIn(float[] src, int off, int rows, int cols, int ld, DeviceBuffer dst) {
        copyMatrix(true, src, off, rows, cols, ld, dst);
    }

    /**
     * Copies the packed {@code rows × cols} matrix {@code src} into {@code dst} from {@code off} with
     * leading dimension {@code ld}, after all work queued before it has finished.
     */
    void copyMatrixOut(DeviceBuffer src, float[] dst, int off, int rows, int cols, int ld) {
        copyMatrix(false, dst, off, rows, cols, ld, src);
    }

    /**
     * {@link #copyMatrixIn} ({@code toDevice}) or {@link #copyMatrixOut}: a contiguous matrix, or rows
     * longer than the staging buffer, as runs of {@link #copyIn}/{@link #copyOut}; other rows packed
     * into (or unpacked from) the staging buffer as many at a time as fit, one transfer each.
     */
    private void copyMatrix(boolean toDevice, float[] host, int off, int rows, int cols, int ld, DeviceBuffer d) {
        requireFloats(toDevice ? "CudaDevice.copyMatrixIn" : "CudaDevice.copyMatrixOut", rows * cols, d);
        MemorySegment h = MemorySegment.ofArray(host);
        long device = d.address().address();
        long rowBytes = 4L * cols;
        if (ld == cols || rowBytes > STAGING_BYTES) {
            int runs = ld == cols ? 1 : rows;
            long runBytes = ld == cols ? d.bytes() : rowBytes;
            for (int r = 0; r < runs; r++) {
                MemorySegment run = h.asSlice(4L * (off + (long) r * ld), runBytes);
                if (toDevice) {
                    copyIn(run, device + r * runBytes, runBytes);
                } else {
                    copyOut(device + r * runBytes, run, runBytes);
                }
            }
            return;
        }
        enter();
        MemorySegment pinned = staging();
        int perChunk = (int) (STAGING_BYTES / rowBytes);
        for (int r0 = 0; r0 < rows; r0 += perChunk) {
            int n = Math.min(perChunk, rows - r0);
            MemorySegment at = MemorySegment.ofAddress(device + r0 * rowBytes);
            if (toDevice) {
                for (int r = 0; r < n; r++) {
                    MemorySegment.copy(h, 4L * (off + (long) (r0 + r) * ld), pinned, r * rowBytes, rowBytes);
                }
                runtime.memcpyAsync(at, pinned, n * rowBytes, CudaRuntime.MEMCPY_HOST_TO_DEVICE, stream.handle());
                stream.synchronize();
            } else {
                runtime.memcpyAsync(pinned, at, n * rowBytes, CudaRuntime.MEMCPY_DEVICE_TO_HOST, stream.handle());
                stream.synchronize();
                for (int r = 0; r < n; r++) {
                    MemorySegment.copy(pinned, r * rowBytes, h, 4L * (off + (long) (r0 + r) * ld), rowBytes);
                }
            }
        }
    }

    private static void requireFloats(String op, int length, DeviceBuffer b) {
        if (b.element() != DeviceBuffer.Element.F32 || b.elements() != length) {
            throw new IllegalArgumentException(op + ": " + length + " floats vs " + b);
        }
    }

    /**
     * Host to device through the pinned staging buffer, one chunk at a time. Each chunk waits for its
     * copy before the staging buffer is refilled; pinned memory makes each copy a full-speed DMA.
     */
    private void copyIn(MemorySegment host, DeviceBuffer dst) {
        copyIn(host, dst.address().address(), dst.bytes());
    }

    /** {@code bytes} from the start of {@code host} to the device address {@code dst}. */
    private void copyIn(MemorySegment host, long dst, long bytes) {
        enter();
        MemorySegment pinned = staging();
        for (long off = 0; off < bytes; off += STAGING_BYTES) {
            long n = Math.min(STAGING_BYTES, bytes - off);
            MemorySegment.copy(host, off, pinned, 0, n);
            runtime.memcpyAsync(MemorySegment.ofAddress(dst + off), pinned, n,
                    CudaRuntime.MEMCPY_HOST_TO_DEVICE, stream.handle());
            stream.synchronize();
        }
    }

    private void copyOut(DeviceBuffer src, MemorySegment host) {
        copyOut(src.address().address(), host, src.bytes());
    }

    /** {@code bytes} from the device address {@code src} to the start of {@code host}. */
    private void copyOut(long src, MemorySegment host, long bytes) {
        enter();
        MemorySegment pinned = staging();
        for (long off = 0; off < bytes; off += STAGING_BYTES) {
            long n = Math.min(STAGING_BYTES, bytes - off);
            runtime.memcpyAsync(pinned, MemorySegment.ofAddress(src + off), n,
                    CudaRuntime.MEMCPY_DEVICE_TO_HOST, stream.handle());
            stream.synchronize();
            MemorySegment.copy(pinned, 0, host, off, n);
        }
    }

    private MemorySegment staging() {
        if (staging == null) {
            staging = runtime.mallocHost(STAGING_BYTES);
        }
        return staging;
    }

    /** Waits for all queued work; reports asynchronous errors. */
    public void synchronize() {
        enter();
        stream.synchronize();
    }

    /** Milliseconds the device spends on {@code work}, measured with events on the stream. */
    public double timeMillis(Runnable work) {
        enter();
        try (CudaEvent start = CudaEvent.create(runtime); CudaEvent end = CudaEvent.create(runtime)) {
            start.record(stream);
            work.run();
            end.record(stream);
            end.synchronize();
            return end.millisSince(start);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        enter();
        // released last to first, each even when another fails (after a sticky CUDA error, say)
        List<AutoCloseable> steps = new ArrayList<>();
        steps.add(stream);
        steps.add(allocator::close);
        if (staging != null) {
            MemorySegment host = staging;
            steps.add(() -> runtime.freeHost(host));
        }
        steps.addAll(sequences.values());
        if (workspace != null) {
            steps.add(workspace);
        }
        if (sparseHandle != null) {
            MemorySegment h = sparseHandle;
            steps.add(() -> sparse.destroy(h));
        }
        if (blasHandle != null) {
            MemorySegment h = blasHandle;
            steps.add(() -> blas.destroy(h));
        }
        steps.add(stream::synchronize);   // first: queued work may still use what follows
        try {
            Resources.closeAll(steps, null);
        } finally {
            closed = true;
        }
    }
}
