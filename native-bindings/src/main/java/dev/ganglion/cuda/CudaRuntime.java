package dev.ganglion.cuda;

import static dev.ganglion.cuda.Downcall.FLOAT;
import static dev.ganglion.cuda.Downcall.INT;
import static dev.ganglion.cuda.Downcall.LONG;
import static dev.ganglion.cuda.Downcall.POINTER;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.List;

/**
 * Downcalls into the CUDA runtime (libcudart) for what Ganglion uses: devices, memory, copies,
 * streams, events, errors and versions. Signatures and constants are those of CUDA 13.0's
 * {@code cuda_runtime_api.h} and {@code driver_types.h} (unchanged since CUDA 12 for these calls).
 * Every status is checked: a failure throws {@link CudaException} with the runtime's error text.
 *
 * <p>Device pointers are zero-length {@link MemorySegment}s: addresses to hand back to CUDA, never
 * dereferenced on the host. Pinned host memory comes back sized, readable and writable from Java.
 */
public final class CudaRuntime {
    // driver_types.h: enum cudaMemcpyKind
    /** {@code cudaMemcpyHostToDevice}. */
    public static final int MEMCPY_HOST_TO_DEVICE = 1;
    /** {@code cudaMemcpyDeviceToHost}. */
    public static final int MEMCPY_DEVICE_TO_HOST = 2;
    /** {@code cudaMemcpyDeviceToDevice}. */
    public static final int MEMCPY_DEVICE_TO_DEVICE = 3;
    // driver_types.h: #define cudaStreamNonBlocking 0x01, cudaEventDefault 0x00, cudaEventDisableTiming 0x02
    /** {@code cudaStreamNonBlocking}: the stream does not synchronise with the legacy default stream. */
    public static final int STREAM_NON_BLOCKING = 0x01;
    /** {@code cudaEventDefault}: an event that records timing. */
    public static final int EVENT_DEFAULT = 0x00;
    /** {@code cudaEventDisableTiming}: an event that records no timing data (lighter, for synchronisation only). */
    public static final int EVENT_DISABLE_TIMING = 0x02;
    // driver_types.h: enum cudaDeviceAttr
    /** {@code cudaDevAttrMultiProcessorCount}: number of streaming multiprocessors. */
    public static final int ATTR_MULTIPROCESSOR_COUNT = 16;
    /** {@code cudaDevAttrComputeCapabilityMajor}: major compute capability, e.g. 9 for sm_90. */
    public static final int ATTR_COMPUTE_CAPABILITY_MAJOR = 75;
    /** {@code cudaDevAttrComputeCapabilityMinor}: minor compute capability, e.g. 0 for sm_90. */
    public static final int ATTR_COMPUTE_CAPABILITY_MINOR = 76;
    /** Larger than {@code struct cudaDeviceProp} in every CUDA release (about 1 KiB); only its first field is read. */
    private static final long DEVICE_PROP_BYTES = 4096;

    static final Downcall GET_DEVICE_COUNT = Downcall.status("cudaGetDeviceCount", POINTER);
    static final Downcall SET_DEVICE = Downcall.status("cudaSetDevice", INT);
    static final Downcall GET_DEVICE = Downcall.status("cudaGetDevice", POINTER);
    // CUDA 12's header maps cudaGetDeviceProperties to the _v2 symbol; CUDA 13 has only the plain one.
    static final Downcall GET_DEVICE_PROPERTIES_V2 = Downcall.status("cudaGetDeviceProperties_v2", POINTER, INT);
    static final Downcall GET_DEVICE_PROPERTIES = Downcall.status("cudaGetDeviceProperties", POINTER, INT);
    static final Downcall DEVICE_GET_ATTRIBUTE = Downcall.status("cudaDeviceGetAttribute", POINTER, INT, INT);
    static final Downcall MEM_GET_INFO = Downcall.status("cudaMemGetInfo", POINTER, POINTER);
    static final Downcall MALLOC = Downcall.status("cudaMalloc", POINTER, LONG);
    static final Downcall FREE = Downcall.status("cudaFree", POINTER);
    static final Downcall MALLOC_HOST = Downcall.status("cudaMallocHost", POINTER, LONG);
    static final Downcall FREE_HOST = Downcall.status("cudaFreeHost", POINTER);
    static final Downcall MEMCPY = Downcall.status("cudaMemcpy", POINTER, POINTER, LONG, INT);
    static final Downcall MEMCPY_ASYNC = Downcall.status("cudaMemcpyAsync", POINTER, POINTER, LONG, INT, POINTER);
    static final Downcall MEMSET_ASYNC = Downcall.status("cudaMemsetAsync", POINTER, INT, LONG, POINTER);
    static final Downcall STREAM_CREATE = Downcall.status("cudaStreamCreateWithFlags", POINTER, INT);
    static final Downcall STREAM_DESTROY = Downcall.status("cudaStreamDestroy", POINTER);
    static final Downcall STREAM_SYNCHRONIZE = Downcall.status("cudaStreamSynchronize", POINTER);
    static final Downcall EVENT_CREATE = Downcall.status("cudaEventCreateWithFlags", POINTER, INT);
    static final Downcall EVENT_RECORD = Downcall.status("cudaEventRecord", POINTER, POINTER);
    static final Downcall EVENT_SYNCHRONIZE = Downcall.status("cudaEventSynchronize", POINTER);
    static final Downcall EVENT_ELAPSED_TIME = Downcall.status("cudaEventElapsedTime", POINTER, POINTER, POINTER);
    static final Downcall EVENT_DESTROY = Downcall.status("cudaEventDestroy", POINTER);
    static final Downcall DEVICE_SYNCHRONIZE = Downcall.status("cudaDeviceSynchronize");
    static final Downcall GET_ERROR_STRING = Downcall.string("cudaGetErrorString", INT);
    static final Downcall GET_ERROR_NAME = Downcall.string("cudaGetErrorName", INT);
    static final Downcall RUNTIME_GET_VERSION = Downcall.status("cudaRuntimeGetVersion", POINTER);
    static final Downcall DRIVER_GET_VERSION = Downcall.status("cudaDriverGetVersion", POINTER);

    /** Every function this class may call (the signature test checks them against the real library). */
    static final List<Downcall> DOWNCALLS = List.of(GET_DEVICE_COUNT, SET_DEVICE, GET_DEVICE,
            DEVICE_GET_ATTRIBUTE, MEM_GET_INFO, MALLOC, FREE, MALLOC_HOST, FREE_HOST, MEMCPY, MEMCPY_ASYNC,
            MEMSET_ASYNC, STREAM_CREATE, STREAM_DESTROY, STREAM_SYNCHRONIZE, EVENT_CREATE, EVENT_RECORD,
            EVENT_SYNCHRONIZE, EVENT_ELAPSED_TIME, EVENT_DESTROY, DEVICE_SYNCHRONIZE, GET_ERROR_STRING,
            GET_ERROR_NAME, RUNTIME_GET_VERSION, DRIVER_GET_VERSION);

    /** Free and total device memory in bytes, as {@code cudaMemGetInfo} reports them. */
    public record MemoryInfo(long free, long total) {}

    private final NativeBindings lib;

    /** Bindings to the CUDA runtime whose symbols are {@code symbols}; each function is linked on first use. */
    public CudaRuntime(SymbolLookup symbols) {
        this.lib = new NativeBindings("CUDA runtime", symbols);
    }

    /** Number of CUDA devices; fails (e.g. {@code cudaErrorInsufficientDriver}) when there is no usable driver. */
    public int deviceCount() {
        return getInt("cudaGetDeviceCount", GET_DEVICE_COUNT);
    }

    /** {@code cudaSetDevice}: makes device {@code device} current on the calling thread. */
    public void setDevice(int device) {
        check("cudaSetDevice", call(SET_DEVICE, h -> (int) h.invokeExact(device)));
    }

    /** {@code cudaGetDevice}: the ordinal of the calling thread's current device. */
    public int device() {
        return getInt("cudaGetDevice", GET_DEVICE);
    }

    /** The device's name: the first field, {@code char name[256]}, of {@code cudaDeviceProp}. */
    public String deviceName(int device) {
        Downcall d = lib.has(GET_DEVICE_PROPERTIES_V2.name()) ? GET_DEVICE_PROPERTIES_V2 : GET_DEVICE_PROPERTIES;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment prop = arena.allocate(DEVICE_PROP_BYTES, 16);
            check(d.name(), call(d, h -> (int) h.invokeExact(prop, device)));
            return prop.getString(0);
        }
    }

    /** {@code cudaDeviceGetAttribute}, e.g. {@link #ATTR_COMPUTE_CAPABILITY_MAJOR}. */
    public int attribute(int attribute, int device) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(INT);
            check("cudaDeviceGetAttribute", call(DEVICE_GET_ATTRIBUTE,
                    h -> (int) h.invokeExact(out, attribute, device)));
            return out.get(INT, 0);
        }
    }

    /** {@code cudaMemGetInfo} for the current device. */
    public MemoryInfo memoryInfo() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment free = arena.allocate(LONG);
            MemorySegment total = arena.allocate(LONG);
            check("cudaMemGetInfo", call(MEM_GET_INFO, h -> (int) h.invokeExact(free, total)));
            return new MemoryInfo(free.get(LONG, 0), total.get(LONG, 0));
        }
    }

    /** {@code cudaMalloc}: {@code bytes} of device memory. */
    public MemorySegment malloc(long bytes) {
        return allocate("cudaMalloc", MALLOC, bytes);
    }

    /** {@code cudaFree}: releases memory from {@link #malloc(long)} (synchronises the device). */
    public void free(MemorySegment devicePointer) {
        check("cudaFree", call(FREE, h -> (int) h.invokeExact(devicePointer)));
    }

    /** {@code cudaMallocHost}: page-locked host memory, returned sized to {@code bytes}. */
    public MemorySegment mallocHost(long bytes) {
        return allocate("cudaMallocHost", MALLOC_HOST, bytes).reinterpret(bytes);
    }

    /** {@code cudaFreeHost}: releases memory from {@link #mallocHost(long)}. */
    public void freeHost(MemorySegment hostPointer) {
        check("cudaFreeHost", call(FREE_HOST, h -> (int) h.invokeExact(hostPointer)));
    }

    /** Synchronous copy of {@code bytes}; {@code kind} is one of the {@code MEMCPY_*} constants. */
    public void memcpy(MemorySegment dst, MemorySegment src, long bytes, int kind) {
        check("cudaMemcpy", call(MEMCPY, h -> (int) h.invokeExact(dst, src, bytes, kind)));
    }

    /** Copy ordered on {@code stream}; host memory must be pinned for it to be truly asynchronous. */
    public void memcpyAsync(MemorySegment dst, MemorySegment src, long bytes, int kind, MemorySegment stream) {
        check("cudaMemcpyAsync", call(MEMCPY_ASYNC, h -> (int) h.invokeExact(dst, src, bytes, kind, stream)));
    }

    /** Sets {@code bytes} bytes to {@code value} (its low byte), ordered on {@code stream}. */
    public void memsetAsync(MemorySegment dst, int value, long bytes, MemorySegment stream) {
        check("cudaMemsetAsync", call(MEMSET_ASYNC, h -> (int) h.invokeExact(dst, value, bytes, stream)));
    }

    /** {@code cudaStreamCreateWithFlags} on the current device; {@code flags} such as {@link #STREAM_NON_BLOCKING}. */
    public MemorySegment streamCreate(int flags) {
        return create("cudaStreamCreateWithFlags", STREAM_CREATE, flags);
    }

    /** {@code cudaStreamDestroy}: releases the stream once its queued work has finished. */
    public void streamDestroy(MemorySegment stream) {
        check("cudaStreamDestroy", call(STREAM_DESTROY, h -> (int) h.invokeExact(stream)));
    }

    /** {@code cudaStreamSynchronize}: waits for all work queued on {@code stream}. */
    public void streamSynchronize(MemorySegment stream) {
        check("cudaStreamSynchronize", call(STREAM_SYNCHRONIZE, h -> (int) h.invokeExact(stream)));
    }

    /** {@code cudaEventCreateWithFlags}: {@link #EVENT_DEFAULT} or {@link #EVENT_DISABLE_TIMING}. */
    public MemorySegment eventCreate(int flags) {
        return create("cudaEventCreateWithFlags", EVENT_CREATE, flags);
    }

    /** {@code cudaEventRecord}: marks the point reached by the work queued so far on {@code stream}. */
    public void eventRecord(MemorySegment event, MemorySegment stream) {
        check("cudaEventRecord", call(EVENT_RECORD, h -> (int) h.invokeExact(event, stream)));
    }

    /** {@code cudaEventSynchronize}: waits until the work before the event's last record has finished. */
    public void eventSynchronize(MemorySegment event) {
        check("cudaEventSynchronize", call(EVENT_SYNCHRONIZE, h -> (int) h.invokeExact(event)));
    }

    /** Milliseconds between two recorded, completed events. */
    public float eventElapsedMillis(MemorySegment start, MemorySegment end) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(FLOAT);
            check("cudaEventElapsedTime", call(EVENT_ELAPSED_TIME, h -> (int) h.invokeExact(out, start, end)));
            return out.get(FLOAT, 0);
        }
    }

    /** {@code cudaEventDestroy}. */
    public void eventDestroy(MemorySegment event) {
        check("cudaEventDestroy", call(EVENT_DESTROY, h -> (int) h.invokeExact(event)));
    }

    /** {@code cudaDeviceSynchronize}: waits for all work on the current device, on every stream. */
    public void deviceSynchronize() {
        check("cudaDeviceSynchronize", call(DEVICE_SYNCHRONIZE, h -> (int) h.invokeExact()));
    }

    /** The runtime's description of a {@code cudaError_t}. */
    public String errorString(int code) {
        return string(GET_ERROR_STRING, code);
    }

    /** The symbolic name of a {@code cudaError_t}, e.g. {@code cudaErrorNoDevice}. */
    public String errorName(int code) {
        return string(GET_ERROR_NAME, code);
    }

    /** {@code 1000·major + 10·minor}, e.g. 13000 for CUDA 13.0. */
    public int runtimeVersion() {
        return getInt("cudaRuntimeGetVersion", RUNTIME_GET_VERSION);
    }

    /** The newest CUDA version the installed driver supports (same encoding), or 0 without a driver. */
    public int driverVersion() {
        return getInt("cudaDriverGetVersion", DRIVER_GET_VERSION);
    }

    /** {@code 13000} → {@code "13.0"}. */
    public static String versionString(int version) {
        return (version / 1000) + "." + (version % 1000) / 10;
    }

    /** Throws {@link CudaException} for a non-zero {@code cudaError_t}. */
    void check(String function, int status) {
        if (status != 0) {
            throw new CudaException(CudaException.Api.RUNTIME, function, status, errorName(status),
                    errorString(status));
        }
    }

    private String string(Downcall d, int code) {
        MemorySegment[] out = new MemorySegment[1];
        call(d, h -> {
            out[0] = (MemorySegment) h.invokeExact(code);
            return 0;
        });
        return out[0].address() == 0 ? "unknown error " + code : out[0].getString(0);
    }

    private int getInt(String function, Downcall d) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(INT);
            check(function, call(d, h -> (int) h.invokeExact(out)));
            return out.get(INT, 0);
        }
    }

    private MemorySegment allocate(String function, Downcall d, long bytes) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(POINTER);
            check(function, call(d, h -> (int) h.invokeExact(out, bytes)));
            return out.get(POINTER, 0);
        }
    }

    private MemorySegment create(String function, Downcall d, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(POINTER);
            check(function, call(d, h -> (int) h.invokeExact(out, flags)));
            return out.get(POINTER, 0);
        }
    }

    /** A downcall whose body may throw anything {@code invokeExact} throws. */
    @FunctionalInterface
    interface Invocation {
        int invoke(MethodHandle handle) throws Throwable;
    }

    private int call(Downcall d, Invocation invocation) {
        return invoke(lib.handle(d), invocation);
    }

    static int invoke(MethodHandle handle, Invocation invocation) {
        try {
            return invocation.invoke(handle);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("downcall failed: " + t, t);
        }
    }
}
