package dev.ganglion.autodiff.nn;

import dev.ganglion.autodiff.Var;
import dev.ganglion.engine.Shape;
import java.util.Arrays;
import java.util.Objects;

/**
 * The argument checks of {@link ClassAxisCrossEntropy}, each failure naming the op, the shapes and,
 * for a bad target, its position in the target shape and its value.
 */
final class CrossEntropyChecks {
    private CrossEntropyChecks() {}

    /**
     * Logits {@code [C]} with one target, or {@code [N, C, d1, …, dk]} with {@code N·d1·…·dk}
     * targets; class weights of length C; every target in {@code [0, C)} or the ignore index.
     */
    static void check(String op, Var logits, int[] targets, CrossEntropyOptions options) {
        Objects.requireNonNull(logits, op + ": logits is null");
        Objects.requireNonNull(targets, op + ": targets is null");
        Objects.requireNonNull(options, op + ": options is null");
        Shape s = logits.shape();
        if (s.rank() == 0) {
            throw new IllegalArgumentException(op + ": logits of shape " + s
                    + "; expected [C], [N, C] or [N, C, d1, ..., dk]");
        }
        int[] targetDims = targetDims(s);
        int positions = Shape.of(targetDims).size();
        if (targets.length != positions) {
            throw new IllegalArgumentException(op + ": " + targets.length + " targets for logits of shape " + s
                    + "; expected " + positions + ", one per position of " + Arrays.toString(targetDims)
                    + " (classes on axis " + classAxis(s) + ")");
        }
        int classes = s.dim(classAxis(s));
        if (options.weightCount() >= 0 && options.weightCount() != classes) {
            throw new IllegalArgumentException(op + ": weight of shape [" + options.weightCount() + "] for logits of shape "
                    + s + "; expected [" + classes + "], one weight per class");
        }
        for (int j = 0; j < targets.length; j++) {
            int t = targets[j];
            if ((t < 0 || t >= classes) && !options.ignores(t)) {
                throw new IllegalArgumentException(op + ": target " + t + " at position "
                        + Arrays.toString(position(targetDims, j)) + " is outside [0, " + classes + ")"
                        + (options.ignoreIndex().isPresent()
                                ? " and is not the ignore index " + options.ignoreIndex().getAsInt() : "")
                        + ", for logits of shape " + s);
            }
        }
    }

    /** The axis of the classes: 1 in logits {@code [N, C, d1, …, dk]}, 0 in logits {@code [C]}. */
    static int classAxis(Shape logits) {
        return logits.rank() == 1 ? 0 : 1;
    }

    /** {@code [N, d1, …, dk]} for logits {@code [N, C, d1, …, dk]}; {@code []} for logits {@code [C]}. */
    static int[] targetDims(Shape logits) {
        int[] d = logits.dims();
        if (d.length == 1) {
            return new int[0];
        }
        int[] t = new int[d.length - 1];
        t[0] = d[0];
        System.arraycopy(d, 2, t, 1, d.length - 2);
        return t;
    }

    /** The multi-index of flat position j in row-major {@code dims}. */
    private static int[] position(int[] dims, int j) {
        int[] idx = new int[dims.length];
        for (int a = dims.length - 1; a >= 0; a--) {
            idx[a] = j % dims[a];
            j /= dims[a];
        }
        return idx;
    }
}
