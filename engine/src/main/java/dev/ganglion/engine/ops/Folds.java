package dev.ganglion.engine.ops;

import dev.ganglion.engine.DType;
import dev.ganglion.engine.Parallel;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.kernel.BinaryKernel;
import dev.ganglion.engine.kernel.BinaryOp;
import dev.ganglion.engine.kernel.ReduceKernel;
import dev.ganglion.engine.kernel.ScalarReduce;
import java.util.Arrays;

/**
 * Sum, max and min over any set of axes, by viewing the (contiguous) input as alternating blocks
 * of kept and reduced axes and folding one reduced block {@code [outer, r, inner]} at a time.
 *
 * <p>A trailing block ({@code inner = 1}) folds each row with the SIMD row kernel. Any other block
 * folds whole rows into an accumulator row with the SIMD binary kernel ({@code acc = acc + rowᵢ},
 * the bias-gradient case {@code Σ over batch}), which keeps memory access sequential. For float32
 * sums that accumulation is pairwise over rows (runs of up to {@value #BLOCK} rows in order, then
 * halves added), so the rounding error grows like {@code BLOCK + log r} rather than {@code r}. A single long
 * row is summed in fixed chunks on the pool and the chunk sums added pairwise: results do not
 * depend on the thread count.
 */
final class Folds {
    enum Fold { SUM, MAX, MIN }

    /** Rows a float32 column sum adds in order before it splits pairwise. */
    static final int BLOCK = 64;
    /** Width of the accumulator slice one task owns in a column fold. */
    private static final int COLUMNS = 4096;

    private Folds() {}

    /** Folds the masked axes of {@code x}; the result has the kept axes' dims, in order, as {@code shape}. */
    static Tensor fold(Fold fold, Tensor x, boolean[] mask, Shape shape) {
        Tensor xc = Runs.contiguous(x);
        int[] sizes = new int[x.rank()];
        boolean[] reduced = new boolean[x.rank()];
        int nb = 0;
        for (int i = 0; i < x.rank(); i++) {
            int d = x.dim(i);
            if (d == 1) {
                continue;
            }
            if (nb > 0 && reduced[nb - 1] == mask[i]) {
                sizes[nb - 1] *= d;
            } else {
                sizes[nb] = d;
                reduced[nb++] = mask[i];
            }
        }
        boolean f32 = x.dtype() == DType.F32;
        Object data = f32 ? xc.floatArray() : xc.doubleArray();
        int off = xc.offset();
        boolean copied = false;
        for (int j = lastReduced(reduced, nb); j >= 0; j = lastReduced(reduced, nb)) {
            int outer = product(sizes, 0, j);
            int inner = product(sizes, j + 1, nb);
            data = f32 ? middle(fold, (float[]) data, off, outer, sizes[j], inner)
                    : middle(fold, (double[]) data, off, outer, sizes[j], inner);
            off = 0;
            copied = true;
            nb = removeBlock(sizes, reduced, nb, j);
        }
        if (!copied) {
            // every masked axis had size 1: the result holds the input's elements, in new storage
            int n = shape.size();
            return f32 ? Tensor.wrap(Arrays.copyOfRange((float[]) data, off, off + n), shape)
                    : Tensor.wrap(Arrays.copyOfRange((double[]) data, off, off + n), shape);
        }
        return f32 ? Tensor.wrap((float[]) data, shape) : Tensor.wrap((double[]) data, shape);
    }

    private static int lastReduced(boolean[] reduced, int nb) {
        for (int j = nb - 1; j >= 0; j--) {
            if (reduced[j]) {
                return j;
            }
        }
        return -1;
    }

    private static int product(int[] sizes, int from, int to) {
        int p = 1;
        for (int i = from; i < to; i++) {
            p *= sizes[i];
        }
        return p;
    }

    /** Drops block j and merges its (kept) neighbours; returns the new block count. */
    private static int removeBlock(int[] sizes, boolean[] reduced, int nb, int j) {
        boolean merge = j > 0 && j < nb - 1;
        int from = merge ? j + 2 : j + 1;
        if (merge) {
            sizes[j - 1] *= sizes[j + 1];
        }
        int dst = j;
        for (int i = from; i < nb; i++, dst++) {
            sizes[dst] = sizes[i];
            reduced[dst] = reduced[i];
        }
        return dst;
    }

    // ---------------------------------------------------------------- float32

    private static float[] middle(Fold fold, float[] src, int off, int outer, int r, int inner) {
        float[] dst = new float[outer * inner];
        if (inner == 1) {
            ReduceKernel k = ReduceKernel.active();
            if (outer == 1 && fold == Fold.SUM) {
                dst[0] = longSum(k, src, off, r);
            } else {
                Parallel.forRange(outer, Runs.rowGrain(r), (a, b) -> {
                    for (int o = a; o < b; o++) {
                        int p = off + o * r;
                        dst[o] = switch (fold) {
                            case SUM -> k.sum(src, p, r);
                            case MAX -> k.max(src, p, r);
                            case MIN -> k.min(src, p, r);
                        };
                    }
                });
            }
            return dst;
        }
        int perRow = (inner + COLUMNS - 1) / COLUMNS;
        int work = Math.max(1, r * Math.min(inner, COLUMNS));
        Parallel.forRange(outer * perRow, Math.max(1, Runs.GRAIN / work), (a, b) -> {
            for (int w = a; w < b; w++) {
                int o = w / perRow;
                int j = (w % perRow) * COLUMNS;
                int len = Math.min(COLUMNS, inner - j);
                column(fold, src, off + o * r * inner + j, r, inner, dst, o * inner + j, len);
            }
        });
        return dst;
    }

    /** Pairwise sum of fixed {@link Runs#GRAIN}-element chunks, the chunks in parallel. */
    private static float longSum(ReduceKernel k, float[] src, int off, int n) {
        if (n <= Runs.GRAIN) {
            return k.sum(src, off, n);
        }
        int chunks = (n + Runs.GRAIN - 1) / Runs.GRAIN;
        float[] partial = new float[chunks];
        Parallel.forRange(chunks, 1, (a, b) -> {
            for (int c = a; c < b; c++) {
                int from = c * Runs.GRAIN;
                partial[c] = k.sum(src, off + from, Math.min(Runs.GRAIN, n - from));
            }
        });
        return k.sum(partial, 0, chunks);
    }

    /** {@code dst[j] = fold over i < r of src[base + i·stride + j]} for {@code j < len}. */
    private static void column(Fold fold, float[] src, int base, int r, int stride, float[] dst, int dOff, int len) {
        if (r == 0) {
            return;
        }
        if (fold == Fold.SUM) {
            columnSum(src, base, r, stride, dst, dOff, len, new float[32][], 0);
            return;
        }
        BinaryOp op = fold == Fold.MAX ? BinaryOp.MAXIMUM : BinaryOp.MINIMUM;
        System.arraycopy(src, base, dst, dOff, len);
        for (int i = 1; i < r; i++) {
            combine(op, dst, dOff, src, base + i * stride, len);
        }
    }

    /**
     * Pairwise over rows: up to {@value #BLOCK} rows add in order, larger counts split in halves
     * whose sums are added; {@code scratch[depth]} holds the right half's sum at each level.
     */
    private static void columnSum(float[] src, int base, int r, int stride, float[] acc, int accOff, int len,
                                  float[][] scratch, int depth) {
        if (r <= BLOCK) {
            System.arraycopy(src, base, acc, accOff, len);
            for (int i = 1; i < r; i++) {
                combine(BinaryOp.ADD, acc, accOff, src, base + i * stride, len);
            }
            return;
        }
        int h = r / 2;
        columnSum(src, base, h, stride, acc, accOff, len, scratch, depth);
        if (scratch[depth] == null) {
            scratch[depth] = new float[len];
        }
        columnSum(src, base + h * stride, r - h, stride, scratch[depth], 0, len, scratch, depth + 1);
        combine(BinaryOp.ADD, acc, accOff, scratch[depth], 0, len);
    }

    /** {@code acc = op(acc, row)} over len elements; short rows skip the kernel call. */
    private static void combine(BinaryOp op, float[] acc, int accOff, float[] row, int rowOff, int len) {
        if (len >= 16) {
            BinaryKernel.active().apply(op, acc, accOff, 1, row, rowOff, 1, acc, accOff, len);
            return;
        }
        for (int j = 0; j < len; j++) {
            float a = acc[accOff + j];
            float b = row[rowOff + j];
            acc[accOff + j] = op == BinaryOp.ADD ? a + b : op == BinaryOp.MAXIMUM ? Math.max(a, b) : Math.min(a, b);
        }
    }

    // ---------------------------------------------------------------- float64 (scalar reference path)

    private static double[] middle(Fold fold, double[] src, int off, int outer, int r, int inner) {
        double[] dst = new double[outer * inner];
        for (int o = 0; o < outer; o++) {
            if (inner == 1) {
                int p = off + o * r;
                dst[o] = switch (fold) {
                    case SUM -> ScalarReduce.sum(src, p, r);
                    case MAX -> ScalarReduce.max(src, p, r);
                    case MIN -> ScalarReduce.min(src, p, r);
                };
                continue;
            }
            for (int j = 0; j < inner && r > 0; j++) {
                int p = off + o * r * inner + j;
                double acc = src[p];
                for (int i = 1; i < r; i++) {
                    acc = step(fold, acc, src[p + i * inner]);
                }
                dst[o * inner + j] = acc;
            }
        }
        return dst;
    }

    private static double step(Fold fold, double acc, double v) {
        return switch (fold) {
            case SUM -> acc + v;
            case MAX -> Math.max(acc, v);
            case MIN -> Math.min(acc, v);
        };
    }
}
