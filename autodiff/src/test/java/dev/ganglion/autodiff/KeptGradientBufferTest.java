package dev.ganglion.autodiff;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ganglion.engine.Tensor;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * {@link Var#zeroGrad(boolean) zeroGrad(false)}: the buffer is kept and stands for zeros, without
 * being cleared; the next backward overwrites it (a LINEAR weight through its GEMM with β = 0, other
 * leaves by a copy), later ones add to it, and a buffer no gradient reached reads zeros.
 */
class KeptGradientBufferTest {
    private static final Var X = Var.constant(Tensor.of(new float[] {1, -2, 3, 0.5f, 4, -1, 2, 2, -3, 1, 0, 1}, 4, 3));
    private final Var w = Var.parameter(Tensor.of(new float[] {0.1f, -0.2f, 0.3f, 0.4f, 0.5f, -0.6f}, 2, 3));
    private final Var b = Var.parameter(Tensor.of(new float[] {0.25f, -0.5f}, 2));

    private void backward() {
        LinalgOps.linear(X, w, b).square().sum().backward();
    }

    /** The gradients of one backward from scratch: the reference. */
    private float[][] fresh() {
        w.zeroGrad();
        b.zeroGrad();
        backward();
        return new float[][] {w.grad().toFloatArray(), b.grad().toFloatArray()};
    }

    private static float[] times(float[] v, float f) {
        float[] r = v.clone();
        for (int i = 0; i < r.length; i++) {
            r[i] *= f;
        }
        return r;
    }

    @Test
    void theNextBackwardOverwritesTheKeptBufferAndLaterOnesAdd() {
        float[][] once = fresh();
        backward(); // stale contents: twice the gradient
        Tensor bufferW = w.grad();
        Tensor bufferB = b.grad();
        w.zeroGrad(false);
        b.zeroGrad(false);
        backward();
        assertThat(w.grad()).isSameAs(bufferW);
        assertThat(b.grad()).isSameAs(bufferB);
        assertThat(w.grad().toFloatArray()).containsExactly(once[0]);
        assertThat(b.grad().toFloatArray()).containsExactly(once[1]);
        backward();
        assertThat(w.grad().toFloatArray()).containsExactly(times(once[0], 2));
        assertThat(b.grad().toFloatArray()).containsExactly(times(once[1], 2));
    }

    @Test
    void aKeptBufferThatNoGradientReachedReadsZeros() {
        fresh();
        Tensor buffer = w.grad();
        w.zeroGrad(false);
        b.zeroGrad(false);
        b.square().sum().backward(); // w takes no part
        assertThat(w.grad()).isSameAs(buffer);
        assertThat(w.grad().toFloatArray()).containsOnly(0f);
    }

    @Test
    void aWeightUsedTwiceIsWrittenOnceThenAdded() {
        Supplier<Var> loss = () -> LinalgOps.linear(X, w, b).add(LinalgOps.linear(X.scale(2), w, null)).square().sum();
        loss.get().backward();
        float[] expected = w.grad().toFloatArray();
        loss.get().backward(); // stale contents in the kept buffer
        w.zeroGrad(false);
        loss.get().backward();
        assertThat(w.grad().toFloatArray()).containsExactly(expected);
    }
}
