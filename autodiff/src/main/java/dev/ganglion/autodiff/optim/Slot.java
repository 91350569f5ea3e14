package dev.ganglion.autodiff.optim;

import dev.ganglion.engine.Parallel;
import dev.ganglion.engine.Tensor;

/**
 * One parameter's view for an update pass: its arrays and offsets, its state buffers, and the
 * per-step constants the optimizer computed (rounded to float as PyTorch rounds Python scalars
 * for a float32 kernel). Reused every step, and the body handed to {@link Parallel}, so a step
 * allocates nothing.
 */
final class Slot implements Parallel.RangeBody {
    private final BaseOptimizer owner;
    float[] p;
    int po;
    float[] g;
    int go;
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

    void bind(Tensor param, Tensor grad, Tensor[] state) {
        p = param.floatArray();
        po = param.offset();
        g = grad.floatArray();
        go = grad.offset();
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
