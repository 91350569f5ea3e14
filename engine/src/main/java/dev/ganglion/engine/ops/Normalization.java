package dev.ganglion.engine.ops;

import dev.ganglion.engine.DType;
import dev.ganglion.engine.Parallel;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.kernel.LayerNormKernel;
import dev.ganglion.engine.kernel.ScalarLayerNorm;
import java.util.Arrays;

/**
 * Layer normalisation over trailing axes, PyTorch's {@code layer_norm}, forward and backward.
 *
 * <p>x is seen as rows: the trailing axes named by the normalized shape (n elements) make one row,
 * the leading axes count the rows. Each row is normalised on its own,
 * {@code yᵢ = (xᵢ − μ)·ρ·γᵢ + βᵢ} with {@code μ = Σ xᵢ / n}, the biased variance
 * {@code σ² = Σ (xᵢ − μ)² / n} and {@code ρ = 1/√(σ² + ε)}; γ and β are optional (1 and 0).
 *
 * <p>Accuracy: μ and σ² are accumulated in double for both dtypes, in passes over the row: the mean,
 * corrected by the mean of the residuals {@code x − μ} (which recovers the rounding of the sum), then
 * the squared deviations. So a large common offset does not cancel the variance away as
 * {@code E[x²] − μ²} would in float. A row of equal values has σ² = 0 and y = β (ρ = 1/√ε; NaN for
 * ε = 0, as PyTorch). Rows run in parallel above the engine's grain; the results do not depend on
 * the number of threads. float32 rows go to {@link LayerNormKernel#active()}, forward and backward, a
 * vector kernel when SIMD is on (its Javadoc states how closely it follows {@link ScalarLayerNorm},
 * the reference and the float64 path).
 */
public final class Normalization {
    /** Most row blocks the backward splits the γ and β sums into (they are added in block order). */
    private static final int MAX_BLOCKS = 64;
    /** Most doubles of partial γ (or β) sums the backward keeps at once. */
    private static final int MAX_PARTIALS = 1 << 21;

    private Normalization() {}

    /**
     * The forward of {@link #layerNorm}: the output and the per-row statistics its backward reads.
     *
     * @param y the normalised tensor, x's shape and dtype
     * @param mean μ of every row, float64, shaped as x's leading axes (x's shape without the
     *     normalized axes)
     * @param rstd ρ = 1/√(σ² + ε) of every row, float64, shaped as {@code mean}
     */
    public record LayerNorm(Tensor y, Tensor mean, Tensor rstd) {}

    /**
     * The gradients of {@link #layerNormBackward}, each null where it was not asked for.
     *
     * @param input {@code ∂L/∂x}, x's shape and dtype
     * @param weight {@code ∂L/∂γ}, the normalized shape, x's dtype
     * @param bias {@code ∂L/∂β}, the normalized shape, x's dtype
     */
    public record LayerNormGrads(Tensor input, Tensor weight, Tensor bias) {}

    /**
     * The checks {@link #layerNorm} makes of its options, for a caller that takes them before it has
     * an input (a layer's constructor): the normalized shape has at least one axis and no negative
     * size, and ε is ≥ 0 (not NaN).
     *
     * @param op the call to name in the error
     * @return the normalized shape
     * @throws IllegalArgumentException naming {@code op} and the shape
     */
    public static Shape layerNormShape(String op, int[] normalizedShape, double eps) {
        if (normalizedShape == null || normalizedShape.length == 0) {
            throw new IllegalArgumentException(op + ": the normalized shape is " + (normalizedShape == null ? "null" : "empty")
                    + "; it names at least one trailing axis of x, as PyTorch's normalized_shape");
        }
        Shape shape = Shape.of(op, normalizedShape);
        if (!(eps >= 0)) {
            throw new IllegalArgumentException(op + ": eps must be ≥ 0, got " + eps + " for normalized shape " + shape);
        }
        return shape;
    }

    /**
     * {@code y = (x − μ)/√(σ² + ε)·γ + β} over the trailing axes of x given by {@code normalizedShape}
     * (see the class comment), as PyTorch's
     * {@code layer_norm(x, normalized_shape, weight, bias, eps)}; x may be any view.
     *
     * @param weight γ of the normalized shape and x's dtype, or null for none
     * @param bias β of the normalized shape and x's dtype, or null for none
     * @throws IllegalArgumentException naming {@code layerNorm} and the shapes when the normalized
     *     shape is empty or is not x's trailing shape, γ or β has another shape or dtype, or ε is
     *     negative or NaN
     */
    public static LayerNorm layerNorm(Tensor x, int[] normalizedShape, Tensor weight, Tensor bias, double eps) {
        Shape norm = layerNormShape("layerNorm", normalizedShape, eps);
        Shape lead = leadingShape(x, norm);
        checkAffine("layerNorm", "weight", x, weight, norm);
        checkAffine("layerNorm", "bias", x, bias, norm);
        int n = norm.size();
        int rows = lead.size();
        Tensor data = Runs.contiguous(x);
        Tensor y = Tensor.zeros(x.shape(), x.dtype());
        double[] mean = new double[rows];
        double[] rstd = new double[rows];
        if (x.dtype() == DType.F32) {
            LayerNormKernel kernel = LayerNormKernel.active();
            float[] w = weight == null ? null : weight.toFloatArray();
            float[] b = bias == null ? null : bias.toFloatArray();
            Parallel.forRange(rows, Runs.rowGrain(n), (from, to) -> kernel.forward(from, to, n, data.floatArray(),
                    data.offset(), w, b, eps, y.floatArray(), y.offset(), mean, rstd));
        } else {
            double[] w = weight == null ? null : weight.toDoubleArray();
            double[] b = bias == null ? null : bias.toDoubleArray();
            Parallel.forRange(rows, Runs.rowGrain(n), (from, to) -> {
                double[] row = new double[n];
                for (int r = from; r < to; r++) {
                    load(data, r * n, row);
                    ScalarLayerNorm.normalize(row, w, b, eps, mean, rstd, r);
                    store(row, y, r * n);
                }
            });
        }
        return new LayerNorm(y, Tensor.wrap(mean, lead), Tensor.wrap(rstd, lead));
    }

    /**
     * The gradients of {@link #layerNorm} from {@code g = ∂L/∂y} and the forward's x, μ and ρ: with
     * {@code x̂ = (x − μ)·ρ} and {@code ĝ = g·γ} along each row of n elements,
     * {@code ∂L/∂x = ρ·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂))}, {@code ∂L/∂γ = Σ_rows g·x̂} and
     * {@code ∂L/∂β = Σ_rows g}. The normalized axes are those x has beyond {@code mean}'s. Sums run in
     * double; the row sums for γ and β are split into blocks fixed by the shape and added in order (a
     * kernel call covers the rows of one block), so the results do not depend on the number of threads.
     *
     * <p>{@code wantInput}, {@code wantWeight} and {@code wantBias} say which gradients to compute;
     * the others are null.
     *
     * @param weight the forward's γ, or null for none (γ = 1)
     * @throws IllegalArgumentException naming {@code layerNormBackward} and the shapes when g is not
     *     x's shape and dtype, μ and ρ are not float64 of x's leading shape, γ's shape or dtype does
     *     not fit, or {@code ∂L/∂γ} is asked for without γ
     */
    public static LayerNormGrads layerNormBackward(Tensor g, Tensor x, Tensor mean, Tensor rstd, Tensor weight,
            boolean wantInput, boolean wantWeight, boolean wantBias) {
        String op = "layerNormBackward";
        Shape norm = backwardShapes(g, x, mean, rstd);
        checkAffine(op, "weight", x, weight, norm);
        if (wantWeight && weight == null) {
            throw new IllegalArgumentException(op + ": the weight gradient is asked for without a weight (x " + x.shape() + ")");
        }
        int n = norm.size();
        int rows = mean.size();
        Tensor xs = Runs.contiguous(x);
        Tensor gs = Runs.contiguous(g);
        Tensor dx = wantInput ? Tensor.zeros(x.shape(), x.dtype()) : null;
        double[] mu = mean.toDoubleArray();
        double[] rho = rstd.toDoubleArray();
        // blocks of whole rows, as many as the shape allows (not the threads): each sums its rows' γ and β
        // terms on its own, and the blocks are added in order
        int blockRows = Math.max(Runs.rowGrain(n), (rows + maxBlocks(n) - 1) / maxBlocks(n));
        int blocks = (rows + blockRows - 1) / blockRows;
        double[][] dw = wantWeight ? new double[blocks][n] : null;
        double[][] db = wantBias ? new double[blocks][n] : null;
        if (x.dtype() == DType.F32) {
            LayerNormKernel kernel = LayerNormKernel.active();
            float[] w = weight == null ? null : weight.toFloatArray();
            Parallel.forRange(blocks, 1, (from, to) -> {
                for (int k = from; k < to; k++) {
                    int start = k * blockRows;
                    kernel.backward(start, Math.min(start + blockRows, rows), n, gs.floatArray(), gs.offset(),
                            xs.floatArray(), xs.offset(), mu, rho, w, dx == null ? null : dx.floatArray(),
                            dx == null ? 0 : dx.offset(), dw == null ? null : dw[k], db == null ? null : db[k]);
                }
            });
        } else {
            double[] w = weight == null ? null : weight.toDoubleArray();
            Parallel.forRange(blocks, 1, (from, to) -> {
                double[] xr = new double[n];
                double[] gr = new double[n];
                for (int k = from; k < to; k++) {
                    int start = k * blockRows;
                    for (int r = start; r < Math.min(start + blockRows, rows); r++) {
                        load(xs, r * n, xr);
                        load(gs, r * n, gr);
                        ScalarLayerNorm.backwardRow(xr, gr, mu[r], rho[r], w, dw == null ? null : dw[k],
                                db == null ? null : db[k], wantInput);
                        if (wantInput) {
                            store(gr, dx, r * n);
                        }
                    }
                }
            });
        }
        return new LayerNormGrads(dx, blockSum(dw, norm, x.dtype()), blockSum(db, norm, x.dtype()));
    }

    // ---------------------------------------------------------------- checks

    /** x's leading shape, or an error when x does not end in the normalized shape. */
    private static Shape leadingShape(Tensor x, Shape norm) {
        int lead = x.rank() - norm.rank();
        int[] dims = x.shape().dims();
        if (lead < 0 || !Arrays.equals(Arrays.copyOfRange(dims, lead, dims.length), norm.dims())) {
            String star = norm.toString().replace("[", "[*, ");
            throw new IllegalArgumentException("layerNorm: normalized shape " + norm + " needs x of shape " + star
                    + ", got " + x.shape());
        }
        return Shape.of(Arrays.copyOf(dims, lead));
    }

    /** γ or β (when given) has the normalized shape and x's dtype. */
    private static void checkAffine(String op, String what, Tensor x, Tensor t, Shape norm) {
        if (t == null) {
            return;
        }
        if (!t.shape().equals(norm)) {
            throw new IllegalArgumentException(op + ": " + what + " of shape " + t.shape() + " for normalized shape " + norm
                    + " (x " + x.shape() + "); it must be the normalized shape");
        }
        Checks.sameDType(op + ": " + what, x, t);
    }

    /** The normalized shape of a backward call, after checking g, μ and ρ against x. */
    private static Shape backwardShapes(Tensor g, Tensor x, Tensor mean, Tensor rstd) {
        String op = "layerNormBackward";
        int lead = mean.rank();
        int[] dims = x.shape().dims();
        if (!g.shape().equals(x.shape()) || lead >= x.rank() || !mean.shape().equals(rstd.shape())
                || !Arrays.equals(Arrays.copyOf(dims, lead), mean.shape().dims())) {
            throw new IllegalArgumentException(op + ": g " + g.shape() + ", x " + x.shape() + ", mean " + mean.shape()
                    + " and rstd " + rstd.shape() + "; expected g of x's shape and mean, rstd of x's leading axes"
                    + " (x without its normalized axes, at least one)");
        }
        Checks.sameDType(op + ": g", x, g);
        if (mean.dtype() != DType.F64 || rstd.dtype() != DType.F64) {
            throw new IllegalArgumentException(op + ": mean " + mean.dtype() + mean.shape() + " and rstd " + rstd.dtype()
                    + rstd.shape() + "; expected float64, as layerNorm returns them");
        }
        return Shape.of(Arrays.copyOfRange(dims, lead, dims.length));
    }

    // ---------------------------------------------------------------- rows

    /** How many blocks of rows the backward may keep partial sums for, at n elements a row. */
    private static int maxBlocks(int n) {
        return Math.max(1, Math.min(MAX_BLOCKS, MAX_PARTIALS / Math.max(n, 1)));
    }

    /** Row {@code from / n} of a contiguous float64 tensor into {@code row}. */
    private static void load(Tensor t, int from, double[] row) {
        System.arraycopy(t.doubleArray(), t.offset() + from, row, 0, row.length);
    }

    /** {@code row} into a fresh contiguous float64 tensor from element {@code from}. */
    private static void store(double[] row, Tensor t, int from) {
        System.arraycopy(row, 0, t.doubleArray(), from, row.length);
    }

    /** The blocks' partial sums added in block order, as a tensor of the normalized shape; null for none asked. */
    private static Tensor blockSum(double[][] partial, Shape norm, DType dtype) {
        if (partial == null) {
            return null;
        }
        double[] total = new double[norm.size()];
        for (double[] p : partial) {
            for (int i = 0; i < total.length; i++) {
                total[i] += p[i];
            }
        }
        return Tensor.wrap(total, norm).to(dtype);
    }
}
