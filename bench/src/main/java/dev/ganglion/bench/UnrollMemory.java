package dev.ganglion.bench;

import dev.ganglion.autodiff.Var;
import dev.ganglion.autodiff.nn.Linear;
import dev.ganglion.engine.Rng;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Locale;

/**
 * Memory of backpropagation through time: the heap a recurrent graph of T steps retains between
 * forward and backward (the peak live set of training: backward frees each step's saved tensors as
 * it walks), and what is left after backward.
 *
 * <p>The cell is {@code hₜ = tanh(xₜ·W_ihᵀ + b_ih + hₜ₋₁·W_hhᵀ + b_hh)}, batch B, input I, hidden H;
 * the loss is {@code Σ h_T}. Heap figures are {@link MemoryMXBean} used heap after
 * {@code System.gc()} (run several times until stable), minus the figure before the forward.
 *
 * <p>{@code UnrollMemory [T…]} (default 100 1000) prints one line per T with bytes retained and bytes
 * per step, beside the floats a step's four results hold ({@code 4·B·H}: both products, their sum,
 * the tanh; the inputs {@code xₜ} exist before the forward and are not counted), to show the
 * growth is linear.
 */
public final class UnrollMemory {
    static final int BATCH = 32;
    static final int INPUT = 64;
    static final int HIDDEN = 256;

    private UnrollMemory() {}

    /** Retained bytes {@code [afterForward, afterBackward]} for an unroll of {@code steps}. */
    public static long[] measure(int steps) {
        Rng rng = new Rng(1);
        Linear ih = new Linear(INPUT, HIDDEN, rng);
        Linear hh = new Linear(HIDDEN, HIDDEN, rng);
        Tensor[] xs = new Tensor[steps];
        for (int t = 0; t < steps; t++) {
            xs[t] = rng.normal(Shape.of(BATCH, INPUT), 0, 1);
        }
        long base = settledHeap();
        Var h = Var.constant(Tensor.zeros(BATCH, HIDDEN));
        for (int t = 0; t < steps; t++) {
            h = ih.forward(Var.constant(xs[t])).add(hh.forward(h)).tanh();
        }
        Var loss = h.sum();
        h = null;
        long forward = settledHeap() - base;
        loss.backward();
        loss = null;
        long after = settledHeap() - base;
        if (ih.weight().grad() == null) {
            throw new IllegalStateException("no gradient reached W_ih");
        }
        return new long[] {forward, after};
    }

    private static long settledHeap() {
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        long previous = Long.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            System.gc();
            long used = mem.getHeapMemoryUsage().getUsed();
            if (Math.abs(used - previous) < 4096) {
                return used;
            }
            previous = used;
        }
        return previous;
    }

    public static void main(String[] args) {
        int[] ts = args.length == 0 ? new int[] {100, 1000} : java.util.Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        measure(50); // warm-up: classes loaded, kernels picked
        long resultFloatsPerStep = 4L * BATCH * HIDDEN;
        for (int t : ts) {
            long[] m = measure(t);
            System.out.printf(Locale.ROOT, "T = %5d: retained after forward %,12d bytes (%,8d per step; step results %,d"
                    + " bytes), after backward %,10d bytes%n", t, m[0], m[0] / t, resultFloatsPerStep * 4, m[1]);
        }
    }
}
