package dev.ganglion.autodiff.optim;

import dev.ganglion.engine.Parallel;
import dev.ganglion.engine.Tensor;

/**
 * One parameter's view for an update pass: its arrays, its state buffers, and the
 * per-step constants the optimizer computed (rounded to float as PyTorch rounds Python scalars
 * for a float32 kernel). Reused every step, and the body handed to {@link Parallel}, so a step
 * allocates nothing.
 */
final class Slot implements Parallel.RangeBody {
    private final BaseOptimizer owner;
    /**
     * Parameter and gradient elements, from index 0 like the buffers. NOTE: every array of a pass
     * is indexed by the same {@code i}: with a different offset per array, C2 cannot prove the
     * stores independent of the loads and does not vectorize the loop (measured 10× slower).
     */
    float[] p;
    float[] g;
    /** State buffers, contiguous from offset 0, in the optimizer's buffer order. */
    final float[][] buf;
    int n;
    /** True at the parameter's first step (SGD's momentum buffer starts as a copy). */
    boolean first;
    /** Per-step constants; their meaning is the optimizer's. */
    float c0;
    float c1;
    float c2;
    float c3;
    float c4;
    float c5;
    float c6;

    Slot(BaseOptimizer owner, int buffers) {
        this.owner = owner;
        this.buf = new float[buffers][];
    }

    /** {@code param} and {@code grad}: contiguous float32 from offset 0. */
    void bind(Tensor param, Tensor grad, Tensor[] state) {
        p = param.floatArray();
        g = grad.floatArray();
        n = param.size();
        for (int b = 0; b < buf.length; b++) {
            buf[b] = state[b].floatArray();
        }
    }

    @Override
    public void run(int from, int to) {
        owner.update(this, from, to);
    }
}
