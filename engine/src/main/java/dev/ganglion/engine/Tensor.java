package dev.ganglion.engine;

import dev.ganglion.engine.kernel.TransposeKernel;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * An n-dimensional array of float32 or float64 values: a {@link Shape}, a dtype, and a strided
 * view (strides, offset) onto a flat storage array shared with its views.
 *
 * <p>View ops ({@link #reshape}, {@link #permute}, {@link #slice}, {@link #expand}, …) share storage
 * and copy nothing; compute ops (in {@code dev.ganglion.engine.ops}) read any view and always return a
 * new contiguous tensor. Writes go through the few explicitly mutating methods ({@code copyFrom},
 * {@code fill}, {@code set}, {@link #markWritten()}), each of which bumps the storage's version; all
 * but the raw {@code markWritten} refuse a broadcast destination ({@link #requireWritable}).
 */
public final class Tensor {
    /** The JVM's maximum heap, fixed at start-up: read once, not on every allocation. */
    private static final long MAX_HEAP = Runtime.getRuntime().maxMemory();

    private final Storage storage;
    private final Shape shape;
    private final int[] strides;
    private final int offset;

    private Tensor(Storage storage, Shape shape, int[] strides, int offset) {
        this.storage = storage;
        this.shape = shape;
        // an empty view reads nothing: offset 0 and row-major strides, so that copies never index past
        // its storage and layout checks (contiguity, BLAS operands) see a plain tensor
        boolean empty = shape.size() == 0;
        this.strides = empty ? shape.contiguousStrides() : strides;
        this.offset = empty ? 0 : offset;
    }

    // ---------------------------------------------------------------- construction

    /** A contiguous tensor over {@code data} (not copied: the tensor owns it from now on). */
    public static Tensor wrap(float[] data, Shape shape) {
        return wrap("Tensor.wrap", data, shape);
    }

    /** A contiguous float64 tensor over {@code data} (not copied). */
    public static Tensor wrap(double[] data, Shape shape) {
        return wrap("Tensor.wrap", data, shape);
    }

    /** A float32 tensor with a copy of {@code data}, of shape {@code dims}. */
    public static Tensor of(float[] data, int... dims) {
        return wrap("Tensor.of", data.clone(), Shape.of("Tensor.of", dims));
    }

    /** A float64 tensor with a copy of {@code data}, of shape {@code dims}. */
    public static Tensor of(double[] data, int... dims) {
        return wrap("Tensor.of", data.clone(), Shape.of("Tensor.of", dims));
    }

    /** {@link #wrap(float[], Shape)} for the public factory {@code op}, which a length mismatch names. */
    private static Tensor wrap(String op, float[] data, Shape shape) {
        checkLength(op, data.length, shape);
        return new Tensor(new Storage(data), shape, shape.contiguousStrides(), 0);
    }

    /** {@link #wrap(double[], Shape)} for the public factory {@code op}, which a length mismatch names. */
    private static Tensor wrap(String op, double[] data, Shape shape) {
        checkLength(op, data.length, shape);
        return new Tensor(new Storage(data), shape, shape.contiguousStrides(), 0);
    }

    /**
     * A float32 tensor of integer values (exact up to 2^24): the form a module keeps integer state in
     * (masks, permutations, routes, edges read from a file).
     */
    public static Tensor ofInts(int[] values, Shape shape) {
        checkLength("Tensor.ofInts", values.length, shape);
        float[] f = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            f[i] = values[i];
        }
        return wrap(f, shape);
    }

    /** A rank-0 float32 tensor. */
    public static Tensor scalar(float value) {
        return wrap(new float[] {value}, Shape.scalar());
    }

    /** A rank-0 tensor of the given dtype. */
    public static Tensor scalar(double value, DType dtype) {
        return full(Shape.scalar(), value, dtype);
    }

    /**
     * Zeros of the given shape and dtype.
     *
     * @throws IllegalArgumentException when the tensor is larger than the JVM's maximum heap
     *     ({@code -Xmx}); an {@link OutOfMemoryError} naming the shape and bytes when the heap has no
     *     room for it now
     */
    public static Tensor zeros(Shape shape, DType dtype) {
        Objects.requireNonNull(shape, "Tensor.zeros: shape is null");
        Objects.requireNonNull(dtype, "Tensor.zeros: dtype is null");
        long bytes = requireHeap("Tensor.zeros", shape, dtype);
        try {
            return dtype == DType.F32 ? wrap(new float[shape.size()], shape) : wrap(new double[shape.size()], shape);
        } catch (OutOfMemoryError e) {
            // nothing was allocated: the same error, naming what was asked for
            OutOfMemoryError named = new OutOfMemoryError("Tensor.zeros: " + dtype + " " + shape + " needs "
                    + mib(bytes) + "; the heap (maximum " + mib(MAX_HEAP) + ", -Xmx) has no room for it");
            named.initCause(e);
            throw named;
        }
    }

    /**
     * The bytes a tensor of {@code shape} and {@code dtype} takes; refuses one larger than the JVM's
     * maximum heap, naming {@code op}, the shape and the bytes (the one place of this rule; readers call
     * it before allocating what a file declares).
     */
    public static long requireHeap(String op, Shape shape, DType dtype) {
        long bytes = (long) shape.size() * (dtype == DType.F32 ? Float.BYTES : Double.BYTES);
        if (bytes > MAX_HEAP) {
            throw new IllegalArgumentException(op + ": " + dtype + " " + shape + " needs " + mib(bytes)
                    + ", more than the JVM's maximum heap of " + mib(MAX_HEAP) + " (-Xmx)");
        }
        return bytes;
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    /** Float32 zeros. */
    public static Tensor zeros(int... dims) {
        return zeros(Shape.of("Tensor.zeros", dims), DType.F32);
    }

    /** Float32 ones. */
    public static Tensor ones(int... dims) {
        return full(Shape.of("Tensor.ones", dims), 1, DType.F32);
    }

    /** A tensor filled with {@code value}. */
    public static Tensor full(Shape shape, double value, DType dtype) {
        Tensor t = zeros(shape, dtype);
        if (value != 0) {
            t.fill(value);
        }
        return t;
    }

    /** {@code [0, 1, …, n−1]} as float32. */
    public static Tensor arange(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("Tensor.arange: n must be ≥ 0, got " + n);
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = i;
        }
        return wrap(v, Shape.of(n));
    }

    /** A new uninitialised-equivalent (zero) contiguous tensor of this dtype and the given shape. */
    public Tensor newZeros(Shape shape) {
        return zeros(shape, dtype());
    }

    // ---------------------------------------------------------------- metadata

    /** The shape (immutable, so returned as is). */
    public Shape shape() {
        return shape;
    }

    /** Element type of the storage, shared with every view of it. */
    public DType dtype() {
        return storage.dtype();
    }

    /** Number of axes (0 for a scalar). */
    public int rank() {
        return shape.rank();
    }

    /** Size of axis {@code i} (negative counts from the end). */
    public int dim(int i) {
        return shape.dim(i);
    }

    /** Number of elements. */
    public int size() {
        return shape.size();
    }

    /** Strides in elements (a copy). */
    public int[] strides() {
        return strides.clone();
    }

    /** Stride of axis {@code i}. */
    public int stride(int i) {
        return strides[shape.axis(i, "stride")];
    }

    /** Offset of element 0 in the storage array. */
    public int offset() {
        return offset;
    }

    /** True when the elements lie in row-major order without gaps from {@link #offset()}. */
    public boolean isContiguous() {
        if (shape.size() == 0) {
            return true;
        }
        int expected = 1;
        for (int i = shape.rank() - 1; i >= 0; i--) {
            int d = shape.dim(i);
            if (d != 1 && strides[i] != expected) {
                return false;
            }
            expected *= d;
        }
        return true;
    }

    /** The storage's write version: increases on every in-place write to this tensor or a view of it. */
    public int version() {
        return storage.version();
    }

    /** True when both tensors view the same storage. */
    public boolean sharesStorage(Tensor other) {
        return storage == other.storage;
    }

    // ---------------------------------------------------------------- raw access for kernels

    /**
     * The backing float32 array. Elements are at {@code offset() + Σ index[i]·stride(i)}; for a
     * contiguous tensor, at {@code offset() … offset()+size()−1}. Writers must call {@link #markWritten()}.
     */
    public float[] floatArray() {
        if (storage.f == null) {
            throw new IllegalStateException("tensor is " + dtype() + ", not F32");
        }
        return storage.f;
    }

    /** The backing float64 array; see {@link #floatArray()}. */
    public double[] doubleArray() {
        if (storage.d == null) {
            throw new IllegalStateException("tensor is " + dtype() + ", not F64");
        }
        return storage.d;
    }

    /** Records an in-place write through the raw array (bumps the version). */
    public Tensor markWritten() {
        storage.bump();
        return this;
    }

    /** This tensor if contiguous, else a contiguous copy. */
    public Tensor contiguous() {
        return isContiguous() ? this : copy();
    }

    /** A contiguous copy with its own storage. */
    public Tensor copy() {
        Tensor out = zeros(shape, dtype());
        out.copyFrom(this);
        return out;
    }

    /** Values in row-major order as a new float array (converting from F64 if needed). */
    public float[] toFloatArray() {
        float[] out = new float[size()];
        if (out.length > 0 && isContiguous()) { // a copy or one loop, not the strided walk's call per element
            if (storage.f != null) {
                System.arraycopy(storage.f, offset, out, 0, out.length);
            } else {
                for (int i = 0; i < out.length; i++) {
                    out[i] = (float) storage.d[offset + i];
                }
            }
            return out;
        }
        StridedLoop.forEach(this, (i, src) -> out[i] = (float) readAt(src));
        return out;
    }

    /** Values in row-major order as a new double array. */
    public double[] toDoubleArray() {
        double[] out = new double[size()];
        if (out.length > 0 && isContiguous()) {
            if (storage.d != null) {
                System.arraycopy(storage.d, offset, out, 0, out.length);
            } else {
                for (int i = 0; i < out.length; i++) {
                    out[i] = storage.f[offset + i];
                }
            }
            return out;
        }
        StridedLoop.forEach(this, (i, src) -> out[i] = readAt(src));
        return out;
    }

    /** This tensor converted to {@code dtype} (this tensor itself when it already has that dtype). */
    public Tensor to(DType dtype) {
        Objects.requireNonNull(dtype, "Tensor.to: dtype is null");
        if (dtype == dtype()) {
            return this;
        }
        return dtype == DType.F32 ? wrap(toFloatArray(), shape) : wrap(toDoubleArray(), shape);
    }

    // ---------------------------------------------------------------- element access

    /** The element at {@code index} (one index per axis) as a double. */
    public double get(int... index) {
        return readAt(position("get", index));
    }

    /** The only element of a one-element tensor. */
    public double item() {
        if (size() != 1) {
            throw new IllegalStateException("item: tensor of shape " + shape + " has " + size() + " elements, not 1");
        }
        return readAt(offset);
    }

    /** Writes one element; refuses a broadcast view, as {@link #requireWritable} says. */
    public Tensor set(double value, int... index) {
        requireWritable("set");
        writeAt(position("set", index), value);
        storage.bump();
        return this;
    }

    /** Sets every element to {@code value}; refuses a broadcast view, as {@link #requireWritable} says. */
    public Tensor fill(double value) {
        requireWritable("fill");
        if (isContiguous()) {
            if (storage.f != null) {
                Arrays.fill(storage.f, offset, offset + size(), (float) value);
            } else {
                Arrays.fill(storage.d, offset, offset + size(), value);
            }
        } else {
            StridedLoop.forEach(this, (i, dst) -> writeAt(dst, value));
        }
        storage.bump();
        return this;
    }

    /**
     * Copies {@code src} (any dtype, any strides) into this tensor, which may be any view but a
     * broadcast one ({@link #requireWritable}). {@code src} is broadcast to this tensor's shape, as
     * PyTorch's {@code copy_} does ({@code [3]} into {@code [2, 3]} fills both rows); a shape that does
     * not broadcast to it is refused.
     */
    public Tensor copyFrom(Tensor src) {
        if (!src.shape.equals(shape)) {
            if (!Shape.broadcast(src.shape, shape, "copyFrom").equals(shape)) {
                throw new IllegalArgumentException("copyFrom: shape " + src.shape + " does not broadcast to the "
                        + "destination's " + shape);
            }
            src = src.expand(shape);
        }
        requireWritable("copyFrom");
        if (src.isContiguous() && isContiguous() && src.dtype() == dtype()) {
            if (storage.f != null) {
                System.arraycopy(src.storage.f, src.offset, storage.f, offset, size());
            } else {
                System.arraycopy(src.storage.d, src.offset, storage.d, offset, size());
            }
        } else if (!copyTransposed(src) && !copyRows(src)) {
            double[] values = src.toDoubleArray();
            StridedLoop.forEach(this, (i, dst) -> writeAt(dst, values[i]));
        }
        storage.bump();
        return this;
    }

    /**
     * The {@link #copyFrom} of a float32 matrix's transpose view ({@code m.mT()} of a row-major
     * {@code m}) into a contiguous float32 tensor, on the transpose kernel; false (nothing done) for
     * any other case. The strided walk costs a call per element (a {@code [128, 784]} batch: ~1 %
     * of a G2GNet training step, which reads its input feature-major).
     */
    private boolean copyTransposed(Tensor src) {
        if (rank() != 2 || storage.f == null || src.storage.f == null || src.storage == storage || !isContiguous()) {
            return false;
        }
        int rows = shape.dim(0);
        int cols = shape.dim(1);
        if (rows < 2 || cols < 2 || src.stride(0) != 1 || src.stride(1) != rows) {
            return false;
        }
        // this[r, c] = src[r, c] = m[c, r] with m = src's storage read as a row-major [cols, rows]
        TransposeKernel.active().transpose(src.storage.f, src.offset, rows, 0, cols, 0, rows,
                storage.f, offset, cols, false);
        return true;
    }

    /**
     * The {@link #copyFrom} of a same-dtype view whose last axis, like this tensor's, is contiguous
     * (slices along other axes, most permutes): one array copy per row instead of the strided walk,
     * which converts every element to double and back; false (nothing done) for any other case,
     * including storage shared with {@code src}.
     */
    private boolean copyRows(Tensor src) {
        int r = rank();
        if (r == 0 || src.dtype() != dtype() || src.storage == storage || shape.dim(r - 1) < 2
                || stride(r - 1) != 1 || src.stride(r - 1) != 1) {
            return false;
        }
        int len = shape.dim(r - 1);
        Object from = storage.f != null ? src.storage.f : src.storage.d;
        Object to = storage.f != null ? storage.f : storage.d;
        StridedLoop.forEachRow(this, src, (dst, at) -> System.arraycopy(from, at, to, dst, len));
        return true;
    }

    /**
     * Refuses, naming {@code op}, an in-place write into this tensor when it is a broadcast view
     * ({@link #expand}: stride 0 on an axis of size &gt; 1), whose elements share memory: a write to
     * one would change all of them (PyTorch refuses such writes too). The one place of this rule for
     * every in-place writer ({@code set}, {@code fill}, {@code copyFrom}, the engine's {@code …Into}
     * ops that take any view as their destination).
     *
     * @return this tensor
     */
    public Tensor requireWritable(String op) {
        for (int a = 0; a < rank(); a++) {
            if (strides[a] == 0 && shape.dim(a) > 1) {
                throw new IllegalArgumentException(op + ": the destination " + shape + " is a broadcast (expanded)"
                        + " view, stride 0 on axis " + a + ": its elements share memory; write into a contiguous tensor"
                        + " (copy() it first)");
            }
        }
        return this;
    }

    double readAt(int pos) {
        return storage.f != null ? storage.f[pos] : storage.d[pos];
    }

    void writeAt(int pos, double v) {
        if (storage.f != null) {
            storage.f[pos] = (float) v;
        } else {
            storage.d[pos] = v;
        }
    }

    private int position(String op, int[] index) {
        if (index.length != rank()) {
            throw new IllegalArgumentException(op + ": " + index.length + " indices for shape " + shape);
        }
        int p = offset;
        for (int i = 0; i < index.length; i++) {
            int d = shape.dim(i);
            int ix = index[i] < 0 ? index[i] + d : index[i];
            if (ix < 0 || ix >= d) {
                throw new IndexOutOfBoundsException(
                        op + ": index " + Arrays.toString(index) + " out of bounds for shape " + shape);
            }
            p += ix * strides[i];
        }
        return p;
    }

    // ---------------------------------------------------------------- views

    /** The same elements with a new shape; one dimension may be −1. Copies only when not contiguous. */
    public Tensor reshape(int... dims) {
        Shape target = Shape.of(inferDims("reshape", dims));
        if (target.size() != size()) {
            throw new IllegalArgumentException(
                    "reshape: cannot view shape " + shape + " (" + size() + " elements) as " + target);
        }
        Tensor base = contiguous();
        return new Tensor(base.storage, target, target.contiguousStrides(), base.offset);
    }

    /** Reorders the axes: axis {@code i} of the result is axis {@code order[i]} of this tensor. */
    public Tensor permute(int... order) {
        if (order.length != rank()) {
            throw new IllegalArgumentException("permute: order " + Arrays.toString(order) + " for shape " + shape);
        }
        int[] dims = new int[rank()];
        int[] st = new int[rank()];
        boolean[] seen = new boolean[rank()];
        for (int i = 0; i < order.length; i++) {
            int a = shape.axis(order[i], "permute");
            if (seen[a]) {
                throw new IllegalArgumentException("permute: axis repeated in " + Arrays.toString(order));
            }
            seen[a] = true;
            dims[i] = shape.dim(a);
            st[i] = strides[a];
        }
        return new Tensor(storage, Shape.of(dims), st, offset);
    }

    /** Swaps two axes. */
    public Tensor transpose(int a, int b) {
        int[] order = new int[rank()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        a = shape.axis(a, "transpose");
        b = shape.axis(b, "transpose");
        order[a] = b;
        order[b] = a;
        return permute(order);
    }

    /** The matrix transpose of the last two axes. */
    public Tensor mT() {
        if (rank() < 2) {
            throw new IllegalArgumentException("mT: needs rank ≥ 2, got shape " + shape);
        }
        return transpose(-2, -1);
    }

    /**
     * Elements {@code start, start+step, …} below {@code end} along {@code axis} (a view), the bounds
     * as in Python's {@code x[start:end:step]} ({@link SliceRange}): negative ones count from the axis'
     * end, then both are clamped to {@code [0, d]}, and {@code end ≤ start} gives an empty slice.
     * {@code step} must be positive.
     */
    public Tensor slice(int axis, int start, int end, int step) {
        int a = shape.axis(axis, "slice");
        SliceRange r = SliceRange.of("slice", shape.dim(a), start, end, step);
        int[] st = strides.clone();
        st[a] = r.count() > 1 ? strides[a] * step : strides[a];   // a product that could overflow matters only with two elements
        return new Tensor(storage, shape.with(a, r.count()), st, offset + r.start() * strides[a]);
    }

    /** {@code slice(axis, start, end, 1)}. */
    public Tensor slice(int axis, int start, int end) {
        return slice(axis, start, end, 1);
    }

    /** Index {@code i} along {@code axis}, dropping that axis (a view). */
    public Tensor select(int axis, int i) {
        int a = shape.axis(axis, "select");
        int d = shape.dim(a);
        int ix = i < 0 ? i + d : i;
        if (ix < 0 || ix >= d) {
            throw new IndexOutOfBoundsException("select: index " + i + " out of bounds for axis " + axis + " of shape " + shape);
        }
        return dropAxis(a, offset + ix * strides[a]);
    }

    /**
     * Broadcasts to {@code dims} without copying (stride 0 on expanded axes); new leading axes may
     * be added, and −1 keeps a size.
     */
    public Tensor expand(int... dims) {
        int r = dims.length;
        if (r < rank()) {
            throw new IllegalArgumentException("expand: shape " + shape + " to fewer axes " + Arrays.toString(dims));
        }
        int[] out = new int[r];
        int[] st = new int[r];
        for (int i = 0; i < r; i++) {
            int src = i - (r - rank());
            if (src < 0 && dims[i] == -1) {
                throw new IllegalArgumentException("expand: shape " + shape + " to " + Arrays.toString(dims)
                        + ": -1 (keep the size) on new leading axis " + i);
            }
            int have = src >= 0 ? shape.dim(src) : 1;
            int want = dims[i] == -1 ? have : dims[i];
            if (src >= 0 && have == want) {
                st[i] = strides[src];
            } else if (have == 1) {
                st[i] = 0;
            } else {
                throw new IllegalArgumentException(
                        "expand: shape " + shape + " cannot expand to " + Arrays.toString(dims));
            }
            out[i] = want;
        }
        return new Tensor(storage, Shape.of("expand", out), st, offset);
    }

    /** {@link #expand(int...)} to {@code target}. */
    public Tensor expand(Shape target) {
        return expand(target.dims());
    }

    /** Inserts a size-1 axis at {@code axis} (which may equal the rank). */
    public Tensor unsqueeze(int axis) {
        int r = rank() + 1;
        int a = axis < 0 ? axis + r : axis;
        if (a < 0 || a >= r) {
            throw new IllegalArgumentException("unsqueeze: axis " + axis + " for shape " + shape);
        }
        int[] dims = new int[r];
        int[] st = new int[r];
        for (int i = 0, j = 0; i < r; i++) {
            if (i == a) {
                dims[i] = 1;
                st[i] = j < rank() ? strides[j] * shape.dim(j) : 1;
            } else {
                dims[i] = shape.dim(j);
                st[i] = strides[j++];
            }
        }
        return new Tensor(storage, Shape.of(dims), st, offset);
    }

    /** Removes axis {@code axis}, which must have size 1. */
    public Tensor squeeze(int axis) {
        int a = shape.axis(axis, "squeeze");
        if (shape.dim(a) != 1) {
            throw new IllegalArgumentException("squeeze: axis " + axis + " of shape " + shape + " is not 1");
        }
        return dropAxis(a, offset);
    }

    private Tensor dropAxis(int a, int newOffset) {
        int[] dims = new int[rank() - 1];
        int[] st = new int[rank() - 1];
        for (int i = 0, j = 0; i < rank(); i++) {
            if (i != a) {
                dims[j] = shape.dim(i);
                st[j++] = strides[i];
            }
        }
        return new Tensor(storage, Shape.of(dims), st, newOffset);
    }

    private int[] inferDims(String op, int[] dims) {
        int[] out = dims.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < out.length; i++) {
            if (out[i] == -1) {
                if (infer >= 0) {
                    throw new IllegalArgumentException(op + ": more than one −1 in " + Arrays.toString(dims));
                }
                infer = i;
            } else if (out[i] < 0) {
                throw new IllegalArgumentException(op + ": negative size in " + Arrays.toString(dims));
            } else {
                known *= out[i];
            }
        }
        if (infer >= 0) {
            if (known == 0 || size() % known != 0) {
                throw new IllegalArgumentException(
                        op + ": cannot view shape " + shape + " (" + size() + " elements) as " + Arrays.toString(dims));
            }
            out[infer] = (int) (size() / known);
        }
        return out;
    }

    /** A strided view on the same storage; for kernels that build their own views. */
    public Tensor view(Shape shape, int[] strides, int offset) {
        if (strides.length != shape.rank()) {
            throw new IllegalArgumentException("view: " + strides.length + " strides for shape " + shape);
        }
        if (shape.size() > 0) { // an empty view reads nothing: nothing to bound (the constructor normalises it)
            long lo = offset;
            long hi = offset;
            for (int i = 0; i < strides.length; i++) {
                long span = (long) (shape.dim(i) - 1) * strides[i];
                if (span < 0) {
                    lo += span;
                } else {
                    hi += span;
                }
            }
            if (lo < 0 || hi >= storage.length()) {
                throw new IllegalArgumentException("view: shape " + shape + " with strides " + Arrays.toString(strides)
                        + " at offset " + offset + " reaches outside storage of " + storage.length());
            }
        }
        return new Tensor(storage, shape, strides.clone(), offset);
    }

    private static void checkLength(String op, int length, Shape shape) {
        if (length != shape.size()) {
            throw new IllegalArgumentException(
                    op + ": " + length + " values for shape " + shape + " (" + shape.size() + " elements)");
        }
    }

    @Override
    public String toString() {
        int n = Math.min(size(), 8);
        double[] v = toDoubleArray();
        StringBuilder sb = new StringBuilder("Tensor(").append(dtype()).append(shape).append(", [");
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : ", ").append((float) v[i]);
        }
        return sb.append(size() > n ? ", …])" : "])").toString();
    }
}
