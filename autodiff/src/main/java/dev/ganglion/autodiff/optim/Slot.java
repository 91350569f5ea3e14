package dev.ganglion.autodiff.optim;

import dev.ganglion.engine.DType;
import dev.ganglion.engine.Parallel;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.kernel.UnaryKernel;
import java.util.Arrays;

/**
 * One parameter's view for an update pass: its arrays (float32 or float64, the parameter's dtype),
 * its state buffers, and the per-step constants the optimizer computed in double (a float32 pass
 * rounds each to float once, as PyTorch rounds Python scalars for a float32 kernel). Reused every
 * step, and the body handed to {@link Parallel}, so a step allocates nothing.
 */
final class Slot implements Parallel.RangeBody {
    /** Elements per block of the float32 pass: a block's arrays stay in the L1 and L2 caches for its flush. */
    static final int FLUSH_BLOCK = 2048;
    private static final UnaryKernel FLUSH = UnaryKernel.active();
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

    /**
     * Each state buffer's flush bound: 2⁻¹²⁶ (subnormals) unless the optimizer's {@code prepare}
     * raises it with {@link #floorFor(double)}.
     */
    final float[] floor;

    Slot(BaseOptimizer owner, int buffers) {
        this.owner = owner;
        this.floor = new float[buffers];
        Arrays.fill(floor, Float.MIN_NORMAL);
        this.buf = new float[buffers][];
        this.bufd = new double[buffers][];
    }

    /**
     * The flush bound of state that the update multiplies by {@code factor} in a product rounded on
     * its own: below {@code 2⁻¹²⁶/|factor|} that product is subnormal. A factor of 0 or of magnitude
     * ≥ 1 asks for nothing above 2⁻¹²⁶. Capped at 2⁻¹⁰⁰, so that a tiny learning rate does not zero
     * state that still matters: each flushed value is below 2⁻¹⁰⁰.
     */
    static float floorFor(double factor) {
        double f = Math.abs(factor);
        return f == 0 || f >= 1 ? Float.MIN_NORMAL : (float) Math.min(Float.MIN_NORMAL / f, 0x1p-100);
    }

    /** {@link #floorFor(double)} of state multiplied by two factors: the larger of their bounds. */
    static float floorFor(double factor, double other) {
        return Math.max(floorFor(factor), floorFor(other));
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

    /**
     * The float32 pass runs in blocks of {@link #FLUSH_BLOCK} elements, and each block's state is
     * flushed of values below {@link #floor} while it is still in cache
     * ({@link UnaryKernel#flushBelow}), or by the update as it stores it where the optimizer says so
     * ({@link BaseOptimizer#flushesStateInUpdate}: Adam's kernel). State that decays geometrically
     * once its gradient stops (Adam's and RMSprop's averages, momentum) otherwise reaches the
     * subnormal range, and on Intel cores every operation on it then takes a microcode assist.
     * Measured: MNIST, a 784-1024-1024-1024-10 MLP with Adam at batch 64. From the sixth epoch, a
     * third of a million first-moment entries were subnormal (the first layer's weights of pixels
     * rarely lit), and the epoch took 2.7 s against 1.8. The float64 pass keeps them: its range ends
     * at 2⁻¹⁰²², some 7,000 zero-gradient steps away.
     */
    @Override
    public void run(int from, int to) {
        if (pd != null) {
            owner.update64(this, from, to);
            return;
        }
        boolean flushed = owner.flushesStateInUpdate();
        for (int b = from; b < to; b += FLUSH_BLOCK) {
            int e = Math.min(to, b + FLUSH_BLOCK);
            owner.update(this, b, e);
            if (!flushed) {
                for (int k = 0; k < buf.length; k++) {
                    FLUSH.flushBelow(buf[k], b, e - b, floor[k]);
                }
            }
        }
    }
}
