package dev.ganglion.engine.ops;

import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import java.util.Arrays;

/** Argument checks shared by the ops: each throws {@link IllegalArgumentException} naming the op and shapes. */
final class Checks {
    private Checks() {}

    /** Both tensors have the same dtype. */
    static void sameDType(String op, Tensor a, Tensor b) {
        if (a.dtype() != b.dtype()) {
            throw new IllegalArgumentException(op + ": dtype mismatch, " + a.dtype() + a.shape()
                    + " vs " + b.dtype() + b.shape() + " (convert one with Tensor.to(DType), or with Var.to(DType) for autodiff Vars, which differentiates)");
        }
    }

    /** Normalised, distinct axes of {@code shape} as a mask; no axes at all means every axis. */
    static boolean[] axisMask(String op, Shape shape, int[] axes) {
        boolean[] mask = new boolean[shape.rank()];
        if (axes.length == 0) {
            Arrays.fill(mask, true);
            return mask;
        }
        for (int a : axes) {
            int n = shape.axis(a, op);
            if (mask[n]) {
                throw new IllegalArgumentException(
                        op + ": axis " + a + " repeated in " + Arrays.toString(axes) + " for shape " + shape);
            }
            mask[n] = true;
        }
        return mask;
    }

    /** The shape left after reducing the masked axes: size 1 there with keepDims, else dropped. */
    static Shape reducedShape(Shape shape, boolean[] mask, boolean keepDims) {
        int[] dims = shape.dims();
        int[] out = new int[dims.length];
        int m = 0;
        for (int i = 0; i < dims.length; i++) {
            if (!mask[i]) {
                out[m++] = dims[i];
            } else if (keepDims) {
                out[m++] = 1;
            }
        }
        return Shape.of(Arrays.copyOf(out, m));
    }

    /** {@code 0 ≤ i < size}, else an error naming the op, the index, its position, the axis and the shape. */
    static void index(String op, int i, int position, int axis, Shape shape) {
        int size = shape.dim(axis);
        if (i < 0 || i >= size) {
            throw new IllegalArgumentException(op + ": index " + i + " (at position " + position
                    + ") is out of range [0, " + size + ") for axis " + axis + " of shape " + shape);
        }
    }
}
