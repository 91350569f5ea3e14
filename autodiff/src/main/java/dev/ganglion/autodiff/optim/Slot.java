package dev.ganglion.autodiff.optim;

import dev.ganglion.engine.DType;
import dev.ganglion.engine.Parallel;
import dev.ganglion.engine.Tensor;

/**
 * One parameter's view for an update pass: its arrays (float32 or float64, the parameter's dtype),
 * its state buffers, and the per-step constants the optimizer computed in double (a float32 pass
 * rounds each to float once, as PyTorch rounds Python scalars for a float32 kernel). Reused every
 * step, and the body handed to {@link Parallel}, so a step allocates nothing.
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
    /** The same for a float64 parameter, whose pass is {@link BaseOptimizer#update64}; null otherwise. */
    double[] pd;
    double[] gd;
    final double[][] bufd;
    int n;
    /** True at the parameter's first step (SGD's momentum buffer starts as a copy). */
    boolean first;
    /** Per-step constants; their meaning is the optimizer's. */
    double c0;
    double c1;
    double c2;
    double c3;
    double c4;
    double c5;
    double c6;

    Slot(BaseOptimizer owner, int buffers) {
        this.owner = owner;
        this.buf = new float[buffers][];
        this.bufd = new double[buffers][];
    }

    /** {@code param}, {@code grad} and {@code state}: contiguous from offset 0, all of one dtype. */
    void bind(Tensor param, Tensor grad, Tensor[] state) {
        boolean f64 = param.dtype() == DType.F64;
        p = f64 ? null : param.floatArray();
        g = f64 ? null : grad.floatArray();
        pd = f64 ? param.doubleArray() : null;
        gd = f64 ? grad.doubleArray() : null;
        n = param.size();
        for (int b = 0; b < buf.length; b++) {
            buf[b] = f64 ? null : state[b].floatArray();
            bufd[b] = f64 ? state[b].doubleArray() : null;
        }
    }

    @Override
    public void run(int from, int to) {
        if (pd != null) {
            owner.update64(this, from, to);
        } else {
            owner.update(this, from, to);
        }
    }
}
