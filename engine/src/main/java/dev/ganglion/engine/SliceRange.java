package dev.ganglion.engine;

/**
 * The elements a slice {@code [start:end:step]} picks from an axis of length {@code d}, resolved as
 * Python's {@code slice(start, end, step).indices(d)} does for a positive step: the first index and
 * how many. The one place of the slicing rule, shared by {@link Tensor#slice} and the differentiable
 * slice (whose gradient needs the resolved start).
 *
 * @param start the first index picked, in {@code [0, d]} ({@code d} only when nothing is picked)
 * @param count how many elements are picked: {@code start, start+step, …, start+(count−1)·step}
 * @param step the distance between picked elements, positive
 */
public record SliceRange(int start, int count, int step) {

    /**
     * Resolves {@code [start:end:step]} on an axis of length {@code d} as Python does: a negative
     * {@code start} or {@code end} counts from the end ({@code + d}), then each is clamped to
     * {@code [0, d]}; {@code end ≤ start} picks nothing. So {@code [-100:3]} on 10 elements is
     * {@code [0:3]}, and {@code [5:10]} on 4 elements is empty. {@code count = ⌈(end − start) / step⌉}.
     *
     * @throws IllegalArgumentException naming {@code op} when {@code step} is not positive (Python's
     *     negative step, a reversal, is not supported: strides stay non-negative)
     */
    public static SliceRange of(String op, int d, int start, int end, int step) {
        if (step <= 0) {
            throw new IllegalArgumentException(op + ": step must be positive, got " + step
                    + (step == 0 ? "" : " (a negative step, which reverses, is not supported)"));
        }
        int s = clamp(start, d);
        int e = clamp(end, d);
        int n = e > s ? (e - s - 1) / step + 1 : 0;   // not (e − s + step − 1) / step: that overflows for a huge step
        return new SliceRange(s, n, step);
    }

    /** A Python slice bound: negative counts from the end, then clamped to {@code [0, d]}. */
    private static int clamp(int i, int d) {
        int from = i < 0 ? i + d : i;   // i + d cannot overflow: i < 0 ≤ d
        return Math.clamp(from, 0, d);
    }
}
