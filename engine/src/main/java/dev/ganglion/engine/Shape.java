package dev.ganglion.engine;

import java.util.Arrays;

/**
 * Immutable list of dimension sizes. Rank 0 is a scalar with one element.
 *
 * <p>Axis arguments everywhere in the engine may be negative and count from the end, as in
 * NumPy: axis {@code -1} is the last one. {@link #axis(int, String)} is the one place that rule lives.
 */
public final class Shape {
    private static final Shape SCALAR = new Shape("Shape.of", new int[0]);

    private final int[] dims;
    private final int size;
    /** The most elements a tensor holds: one Java array, {@code 2^31 − 9} (the JDK's array limit). */
    public static final int MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    private Shape(String op, int[] dims) {
        this.dims = dims;
        long[] wide = new long[dims.length];
        for (int i = 0; i < dims.length; i++) {
            wide[i] = dims[i];
        }
        this.size = checkedSize(op, wide);
    }

    /**
     * The rule for every shape, in one place: no negative dimension, and the product of the non-zero
     * dimensions at most {@link #MAX_ELEMENTS}. An empty shape may have a dimension as large as that
     * ({@code [2^31 − 9, 0]}, as in PyTorch), and no stride, a product of trailing dimensions, can
     * overflow an int. Sizes come as longs so that a dimension computed past an int (a sum in
     * {@code concat}) is refused by this rule too, not wrapped first.
     *
     * @param op the public call that asked for the shape, for the error message
     * @return the number of elements
     */
    private static int checkedSize(String op, long[] dims) {
        long nonZero = 1;
        boolean empty = false;
        for (long d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException(op + ": negative dimension in shape " + Arrays.toString(dims));
            }
            empty |= d == 0;
            if (d > MAX_ELEMENTS || (nonZero *= Math.max(d, 1)) > MAX_ELEMENTS) {   // < 2^62: no long overflow
                throw new IllegalArgumentException(op + ": shape " + Arrays.toString(dims) + " is too large: its "
                        + "non-zero dimensions multiply past 2^31 − 9 = " + MAX_ELEMENTS + ", the most elements a "
                        + "tensor (one Java array) holds");
            }
        }
        return empty ? 0 : (int) nonZero;
    }

    /** The shape with the given dimension sizes (copied); errors name {@code Shape.of}. */
    public static Shape of(int... dims) {
        return of("Shape.of", dims);
    }

    /**
     * {@link #of(int...)} for a public call {@code op} that takes dimension sizes from its caller
     * ({@code Tensor.zeros}, {@code expand}, …): a negative or too large shape is refused naming it.
     */
    public static Shape of(String op, int... dims) {
        return dims.length == 0 ? SCALAR : new Shape(op, dims.clone());
    }

    /**
     * The shape with dimension sizes computed in long arithmetic by {@code op} (a sum, a product),
     * refused by the same rule, naming {@code op}, when a size is negative or the shape too large; a
     * size past an int is refused, never wrapped.
     */
    public static Shape ofSizes(String op, long... dims) {
        checkedSize(op, dims);
        int[] narrow = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            narrow[i] = (int) dims[i];   // each ≤ MAX_ELEMENTS after the check
        }
        return narrow.length == 0 ? SCALAR : new Shape(op, narrow);
    }

    /** The rank-0 shape. */
    public static Shape scalar() {
        return SCALAR;
    }

    /** Number of dimensions. */
    public int rank() {
        return dims.length;
    }

    /** Size of axis {@code i}; negative {@code i} counts from the end. */
    public int dim(int i) {
        return dims[axis(i, "dim")];
    }

    /** A copy of the dimension sizes. */
    public int[] dims() {
        return dims.clone();
    }

    /** Number of elements, the product of the dimensions (1 for a scalar). */
    public int size() {
        return size;
    }

    /** Row-major (C order) strides in elements. */
    public int[] contiguousStrides() {
        int[] s = new int[dims.length];
        int acc = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= Math.max(dims[i], 1);
        }
        return s;
    }

    /**
     * Normalises an axis index against this rank, accepting {@code -rank ≤ axis < rank}.
     *
     * @param op the name of the op asking, for the error message
     */
    public int axis(int axis, String op) {
        int r = dims.length;
        if (axis < -r || axis >= r) {
            throw new IllegalArgumentException(
                    op + ": axis " + axis + " is out of range for shape " + this + " (rank " + r + ")");
        }
        return axis < 0 ? axis + r : axis;
    }

    /** This shape with axis {@code axis} replaced by {@code size}. */
    public Shape with(int axis, int size) {
        int[] d = dims.clone();
        d[axis(axis, "with")] = size;
        return new Shape("Shape.with", d);
    }

    /**
     * NumPy broadcasting: shapes are aligned at the trailing axis; sizes must match or be 1.
     *
     * @throws IllegalArgumentException naming {@code op} and both shapes when they do not broadcast
     */
    public static Shape broadcast(Shape a, Shape b, String op) {
        if (a.equals(b)) {
            return a;
        }
        int r = Math.max(a.rank(), b.rank());
        int[] out = new int[r];
        for (int i = 0; i < r; i++) {
            int da = i < r - a.rank() ? 1 : a.dims[i - (r - a.rank())];
            int db = i < r - b.rank() ? 1 : b.dims[i - (r - b.rank())];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException(
                        op + ": shapes " + a + " and " + b + " do not broadcast (axis " + i + ": " + da + " vs " + db + ")");
            }
            out[i] = da == 1 ? db : da;
        }
        return new Shape(op, out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        return Arrays.toString(dims);
    }
}
