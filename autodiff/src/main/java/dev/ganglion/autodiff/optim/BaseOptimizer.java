package dev.ganglion.autodiff.optim;

import dev.ganglion.autodiff.Var;
import dev.ganglion.engine.DType;
import dev.ganglion.engine.Parallel;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.ops.Indexing;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What every optimizer shares: the parameter list, step counts, lazily created state buffers, the
 * snapshot and reset hooks, and the update driver. Subclasses supply one fused element loop
 * ({@link #update}) and its per-step constants ({@link #prepare}).
 *
 * <p>The driver is allocation-free once every buffer exists: each parameter owns a reusable
 * {@link Slot} (arrays, offsets, constants) that is also the body handed to {@link Parallel}, so
 * one pass over the parameter's elements reads and writes everything (parameter, gradient,
 * buffers) without temporaries; above {@link #GRAIN} elements the pass is split over the pool.
 */
abstract class BaseOptimizer implements Optimizer {
    /** Elements per parallel chunk: below it a split costs more than the pass (a few µs). */
    static final int GRAIN = 1 << 15;

    private final String kind;
    private final List<Var> params;
    private final String[] bufferNames;
    private final Map<Var, Integer> index = new IdentityHashMap<>();
    private final long[] steps;
    private final Tensor[][] state;
    private final Slot[] slots;
    private double lr;

    BaseOptimizer(String kind, List<Var> params, double lr, String... bufferNames) {
        this.kind = kind;
        this.params = List.copyOf(params);
        this.bufferNames = bufferNames;
        this.steps = new long[this.params.size()];
        this.state = new Tensor[this.params.size()][];
        this.slots = new Slot[this.params.size()];
        for (int i = 0; i < this.params.size(); i++) {
            Var p = this.params.get(i);
            check(p, i);
            if (index.put(p, i) != null) {
                throw new IllegalArgumentException(kind + ": parameter " + i + " appears twice in the list");
            }
            slots[i] = new Slot(this, bufferNames.length);
        }
        setLr(lr);
    }

    private void check(Var p, int i) {
        if (p == null || !p.isLeaf()) {
            throw new IllegalArgumentException(kind + ": parameter " + i + " must be a leaf Var, got " + p);
        }
        if (!(p.dtype() == DType.F32 || p.dtype() == DType.F64) || !p.value().isContiguous()) {
            throw new IllegalArgumentException(kind + ": parameter " + i + " of shape " + p.shape()
                    + " must be a contiguous float32 or float64 tensor, got " + p.dtype()
                    + (p.value().isContiguous() ? "" : " (strided)"));
        }
    }

    /** Sets the per-step constants of {@code s} for its parameter's step {@code step} (1 at the first). */
    abstract void prepare(Slot s, long step);

    /** Updates elements {@code [from, to)} of {@code s}'s float32 parameter. */
    abstract void update(Slot s, int from, int to);

    /**
     * Whether {@link #update} flushes the state buffers itself (below {@link Slot#floor}), so that
     * {@link Slot#run} does not pass over them again.
     */
    boolean flushesStateInUpdate() {
        return false;
    }

    /**
     * {@link #update} for a float64 parameter: the same operations in the same order, in double.
     * NOTE: each optimizer writes its pass twice, once per primitive type, as PyTorch's kernels are
     * instantiated per dtype: a shared generic loop would box every element.
     */
    abstract void update64(Slot s, int from, int to);

    @Override
    public final String kind() {
        return kind;
    }

    @Override
    public final List<Var> parameters() {
        return params;
    }

    @Override
    public final double lr() {
        return lr;
    }

    @Override
    public final void setLr(double lr) {
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException(kind + ": learning rate must be finite and ≥ 0, got " + lr);
        }
        this.lr = lr;
    }

    @Override
    public final long steps(int i) {
        return steps[i];
    }

    @Override
    public final void step() {
        for (int i = 0; i < params.size(); i++) {
            Var p = params.get(i);
            Tensor g = p.grad();
            if (g == null) {
                continue;
            }
            if (state[i] == null) {
                state[i] = new Tensor[bufferNames.length];
                for (int b = 0; b < bufferNames.length; b++) {
                    state[i][b] = Tensor.zeros(p.shape(), p.dtype());
                }
            }
            Tensor value = p.value();
            // NOTE: the loops need every array from offset 0 (see Slot); other layouts go through copies
            Tensor w = value.offset() == 0 ? value : value.copy();
            Slot s = slots[i];
            s.bind(w, g.dtype() == p.dtype() && g.isContiguous() && g.offset() == 0 ? g : g.to(p.dtype()).copy(), state[i]);
            prepare(s, ++steps[i]);
            Parallel.forRange(s.n, GRAIN, s);
            if (w != value) {
                value.copyFrom(w);
            }
            value.markWritten();
            for (Tensor t : state[i]) {
                t.markWritten();
            }
        }
    }

    @Override
    public final void zeroGrad() {
        zeroGrad(true);
    }

    @Override
    public final void zeroGrad(boolean setToNone) {
        for (Var p : params) {
            p.zeroGrad(setToNone);
        }
    }

    // ---------------------------------------------------------------- snapshots

    @Override
    public final OptimizerState stateDict() {
        List<Map<String, Tensor>> buffers = new ArrayList<>();
        for (Tensor[] ts : state) {
            Map<String, Tensor> m = new LinkedHashMap<>();
            if (ts != null) {
                for (int b = 0; b < bufferNames.length; b++) {
                    m.put(bufferNames[b], ts[b].copy());
                }
            }
            buffers.add(m);
        }
        return new OptimizerState(kind, lr, steps, buffers);
    }

    @Override
    public final void loadStateDict(OptimizerState s) {
        if (!kind.equals(s.kind()) || s.size() != params.size()) {
            throw new IllegalArgumentException(kind + ": cannot load the state of " + s.kind() + " over " + s.size()
                    + " parameters into " + kind + " over " + params.size());
        }
        for (int i = 0; i < params.size(); i++) {
            checkBuffers(i, s.buffers().get(i), s.steps()[i]);
        }
        setLr(s.lr());
        long[] st = s.steps();
        for (int i = 0; i < params.size(); i++) {
            Map<String, Tensor> m = s.buffers().get(i);
            steps[i] = st[i];
            state[i] = steps[i] == 0 ? null : new Tensor[bufferNames.length];
            for (int b = 0; state[i] != null && b < bufferNames.length; b++) {
                state[i][b] = m.get(bufferNames[b]).to(params.get(i).dtype()).copy();
            }
        }
    }

    private void checkBuffers(int i, Map<String, Tensor> m, long step) {
        Shape shape = params.get(i).shape();
        java.util.Set<String> expected = step == 0 ? java.util.Set.of() : java.util.Set.of(bufferNames);
        if (step < 0 || !m.keySet().equals(expected)) {
            throw new IllegalArgumentException(kind + ": parameter " + i + " has step count " + step + " and state buffers "
                    + m.keySet() + "; expected " + (step < 0 ? "a count ≥ 0" : expected.isEmpty() ? "none" : List.of(bufferNames)));
        }
        m.forEach((name, t) -> {
            if (!t.shape().equals(shape)) {
                throw new IllegalArgumentException(kind + ": state '" + name + "' of parameter " + i + " has shape "
                        + t.shape() + ", the parameter " + shape);
            }
        });
    }

    // ---------------------------------------------------------------- resets

    @Override
    public final void resetState(Var param, int[] positions) {
        int i = indexOf("resetState", param);
        for (int p : positions) {
            if (p < 0 || p >= param.size()) {
                throw new IllegalArgumentException(kind + ".resetState: position " + p + " outside [0, " + param.size() + ")");
            }
        }
        if (state[i] == null) {
            return;
        }
        for (Tensor t : state[i]) {
            if (t.dtype() == DType.F64) {
                double[] a = t.doubleArray();
                for (int p : positions) {
                    a[p] = 0;
                }
            } else {
                float[] a = t.floatArray();
                for (int p : positions) {
                    a[p] = 0f;
                }
            }
            t.markWritten();
        }
    }

    @Override
    public final void remapState(Var param, int[] from) {
        int i = indexOf("remapState", param);
        if (from.length != param.size()) {
            throw new IllegalArgumentException(kind + ".remapState: " + from.length + " sources for a parameter of "
                    + param.size() + " elements");
        }
        for (int f : from) {
            if (f >= param.size()) {
                throw new IllegalArgumentException(kind + ".remapState: source " + f + " outside [0, " + param.size() + ")");
            }
        }
        if (state[i] == null) {
            return;
        }
        for (Tensor t : state[i]) {
            Indexing.remapInto(t, from);
        }
    }

    private int indexOf(String op, Var param) {
        Integer i = index.get(param);
        if (i == null) {
            throw new IllegalArgumentException(kind + "." + op + ": the parameter " + param + " is not optimized here");
        }
        return i;
    }

    static void checkNonNegative(String kind, String name, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(kind + ": " + name + " must be finite and ≥ 0, got " + v);
        }
    }

    static void checkBeta(String kind, String name, double v) {
        if (!(v >= 0 && v < 1)) {
            throw new IllegalArgumentException(kind + ": " + name + " must be in [0, 1), got " + v);
        }
    }
}
