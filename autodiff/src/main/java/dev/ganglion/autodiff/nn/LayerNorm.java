package dev.ganglion.autodiff.nn;

import dev.ganglion.autodiff.ReductionOps;
import dev.ganglion.autodiff.Var;
import dev.ganglion.engine.DType;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.ops.Normalization;
import java.util.Arrays;

/**
 * Layer normalisation over the trailing axes {@code normalizedShape}, PyTorch's
 * {@code nn.LayerNorm(normalized_shape, eps=1e-5, elementwise_affine=True)}: each row of those axes
 * (n elements) becomes {@code yᵢ = (xᵢ − μ)/√(σ² + ε)·γᵢ + βᵢ}, with {@code μ = Σ xᵢ / n} and the
 * biased variance {@code σ² = Σ (xᵢ − μ)² / n} ({@link ReductionOps#layerNorm}, one graph node).
 *
 * <p>With {@code elementwiseAffine}, parameters {@code weight} (γ, ones) and {@code bias} (β, zeros)
 * of the normalized shape, so a state dict interchanges with PyTorch's; without, none (γ = 1, β = 0).
 * The same in training and evaluation mode.
 */
public final class LayerNorm extends Layer {
    private final int[] normalizedShape;
    private final double eps;
    private final Var weight;
    private final Var bias;

    /** Over the trailing axes {@code normalizedShape}, ε = 10⁻⁵, float32 γ and β: PyTorch's defaults. */
    public LayerNorm(int... normalizedShape) {
        this(normalizedShape, 1e-5, true);
    }

    /** Over the trailing axes {@code normalizedShape}, with float32 γ and β when {@code elementwiseAffine}. */
    public LayerNorm(int[] normalizedShape, double eps, boolean elementwiseAffine) {
        this(normalizedShape, eps, elementwiseAffine, DType.F32);
    }

    /**
     * Over the trailing axes {@code normalizedShape}, with γ and β of {@code dtype} (the dtype of the
     * inputs it takes) when {@code elementwiseAffine}.
     *
     * @throws IllegalArgumentException when the normalized shape is empty or has a negative size, or
     *     ε is negative or NaN
     */
    public LayerNorm(int[] normalizedShape, double eps, boolean elementwiseAffine, DType dtype) {
        Shape shape = Normalization.layerNormShape(typeName(), normalizedShape, eps);
        this.normalizedShape = shape.dims();
        this.eps = eps;
        this.weight = elementwiseAffine ? registerParameter("weight", Tensor.full(shape, 1, dtype)) : null;
        this.bias = elementwiseAffine ? registerParameter("bias", Tensor.zeros(shape, dtype)) : null;
    }

    /** The trailing axes normalised over (a copy). */
    public int[] normalizedShape() {
        return normalizedShape.clone();
    }

    /** ε, added to the variance. */
    public double eps() {
        return eps;
    }

    /** γ, of the normalized shape, or null without elementwise affine. */
    public Var weight() {
        return weight;
    }

    /** β, of the normalized shape, or null without elementwise affine. */
    public Var bias() {
        return bias;
    }

    /**
     * The normalised {@code x [..., normalizedShape]}, x's shape.
     *
     * @throws IllegalArgumentException when x does not end in the normalized shape, or its dtype is not
     *     γ's and β's
     */
    @Override
    public Var forward(Var x) {
        return ReductionOps.layerNorm(x, normalizedShape, weight, bias, eps);
    }

    @Override
    public String toString() {
        return "LayerNorm(" + Arrays.toString(normalizedShape) + ", eps=" + eps + (weight == null ? ", no affine)" : ")");
    }
}
