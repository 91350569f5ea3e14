package dev.ganglion.autodiff.harness;

import static dev.ganglion.autodiff.harness.References.broadcastIndex;
import static dev.ganglion.autodiff.harness.References.build;

import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import java.util.Arrays;

/** Float64 loop references for products, joins and index ops. */
public final class LinalgReferences {
    private LinalgReferences() {}

    /** NumPy matmul: batch axes broadcast, a 1-D operand promoted and its axis removed again. */
    public static Tensor matmul(Tensor a, Tensor b) {
        Tensor a2 = a.rank() == 1 ? a.unsqueeze(0) : a;
        Tensor b2 = b.rank() == 1 ? b.unsqueeze(1) : b;
        int m = a2.dim(-2);
        int k = a2.dim(-1);
        int n = b2.dim(-1);
        Shape batchA = Shape.of(Arrays.copyOf(a2.shape().dims(), a2.rank() - 2));
        Shape batchB = Shape.of(Arrays.copyOf(b2.shape().dims(), b2.rank() - 2));
        Shape batch = Shape.broadcast(batchA, batchB, "reference matmul");
        int[] dims = Arrays.copyOf(batch.dims(), batch.rank() + 2);
        dims[batch.rank()] = m;
        dims[batch.rank() + 1] = n;
        Tensor c = build(Shape.of(dims), idx -> {
            int[] bi = Arrays.copyOf(idx, batch.rank());
            int[] ia = append(broadcastIndex(batchA, bi), idx[batch.rank()], 0);
            int[] ib = append(broadcastIndex(batchB, bi), 0, idx[batch.rank() + 1]);
            double s = 0;
            for (int p = 0; p < k; p++) {
                ia[ia.length - 1] = p;
                ib[ib.length - 2] = p;
                s += a2.get(ia) * b2.get(ib);
            }
            return s;
        });
        if (a.rank() == 1) {
            c = c.squeeze(-2);
        }
        if (b.rank() == 1) {
            c = c.squeeze(-1);
        }
        return c.copy();
    }

    private static int[] append(int[] head, int x, int y) {
        int[] r = Arrays.copyOf(head, head.length + 2);
        r[head.length] = x;
        r[head.length + 1] = y;
        return r;
    }

    /** {@code y = x·Wᵀ + b} (b may be null). */
    public static Tensor linear(Tensor x, Tensor w, Tensor b) {
        Tensor y = matmul(x, w.mT().copy());
        return b == null ? y : References.zip(y, b, Double::sum);
    }

    public static Tensor concat(int axis, Tensor... parts) {
        int[] dims = parts[0].shape().dims();
        int total = 0;
        for (Tensor p : parts) {
            total += p.dim(axis);
        }
        dims[axis] = total;
        return build(Shape.of(dims), idx -> {
            int[] j = idx.clone();
            for (Tensor p : parts) {
                if (j[axis] < p.dim(axis)) {
                    return p.get(j);
                }
                j[axis] -= p.dim(axis);
            }
            throw new AssertionError();
        });
    }

    public static Tensor indexSelect(Tensor x, int axis, int[] index) {
        return build(x.shape().with(axis, index.length), idx -> {
            int[] j = idx.clone();
            j[axis] = index[idx[axis]];
            return x.get(j);
        });
    }

    public static Tensor gather(Tensor x, int axis, int[] index, Shape indexShape) {
        return build(indexShape, idx -> {
            int[] j = idx.clone();
            j[axis] = index[References.flatten(indexShape, idx)];
            return x.get(j);
        });
    }

    public static Tensor scatterAdd(Tensor target, int axis, int[] index, Shape indexShape, Tensor src) {
        Tensor out = target.copy();
        for (int f = 0; f < indexShape.size(); f++) {
            int[] idx = References.unflatten(indexShape, f);
            int[] j = idx.clone();
            j[axis] = index[f];
            out.set(out.get(j) + src.get(idx), j);
        }
        return out;
    }

    /** Mean of {@code −log softmax(row)[target]}. */
    public static Tensor crossEntropy(Tensor logits, int[] targets) {
        double total = 0;
        for (int i = 0; i < targets.length; i++) {
            double[] row = new double[logits.dim(1)];
            for (int c = 0; c < row.length; c++) {
                row[c] = logits.get(i, c);
            }
            total -= References.logSoftmax(row)[targets[i]];
        }
        return Tensor.wrap(new double[] {total / targets.length}, Shape.scalar());
    }
}
