package dev.ganglion.engine.kernel;

/**
 * The finish of a layer that a product applies to each output row once its sum is in:
 * {@code y[q, ·] = f(y[q, ·] + bias[biasOff + q])}, {@code f = max(·, 0)} when {@code relu}, else the
 * identity; no bias term when {@code bias} is null. A product given one writes each output row once
 * ({@link CsrKernel#addRows}), where a bias add and a ReLU after it would read and write the whole
 * output twice more.
 *
 * @param bias one value per output row, or null
 * @param biasOff index of row 0's value in {@code bias}
 * @param relu whether the ReLU follows the bias
 */
public record RowEpilogue(float[] bias, int biasOff, boolean relu) {
    /**
     * {@code f(y + bias[biasOff + q])}: the one definition of the finish, the scalar kernels' and
     * every fallback's (the ReLU as {@code Math.max}, so NaN stays NaN and −0 becomes +0).
     */
    public float apply(float y, int q) {
        float s = bias == null ? y : y + bias[biasOff + q];
        return relu ? Math.max(s, 0f) : s;
    }
}
