package dev.ganglion.engine.simd;

import static dev.ganglion.engine.testing.Fixtures.randomFloats;
import static dev.ganglion.engine.testing.Fixtures.randomIndex;

import dev.ganglion.engine.DType;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.kernel.BatchLayout;
import dev.ganglion.engine.kernel.BinaryOp;
import dev.ganglion.engine.kernel.BlockDiagProducts;
import dev.ganglion.engine.kernel.BsrProducts;
import dev.ganglion.engine.kernel.CsrProducts;
import dev.ganglion.engine.kernel.GemmKernel;
import dev.ganglion.engine.kernel.SparseIndex;
import dev.ganglion.engine.kernel.UnaryOp;
import dev.ganglion.engine.ops.Elementwise;
import dev.ganglion.engine.ops.Reductions;
import dev.ganglion.engine.sparse.Csr;
import dev.ganglion.engine.sparse.SparseOps;
import java.util.SplittableRandom;

/**
 * Runs every sparse product, the block-diagonal products and the GEMM through the active (SIMD)
 * kernels at the panel widths that pick their different bodies (1, 2, 4, 8 and 16 vectors, and a
 * leftover), then every element-wise op and the row reductions, each often enough for its loops to reach HotSpot's tier-3 thresholds as
 * {@link TierThreeCompileTest} sets them. Small sizes but one: the run stays in C1's code.
 */
final class TierThreeDriver {
    private static final int[] BATCHES = {16, 32, 40, 64, 128, 256};
    private static final int CALLS = 4;

    private TierThreeDriver() {}

    public static void main(String[] args) {
        SplittableRandom r = new SplittableRandom(7);
        // First the case that stranded SimdSparseDots.rowDots4Summed in tier-2 code (ganglion bench
        // csr --pass weight-grad --batch 64): here too its OSR compile at tier 3 was refused
        Csr w = Csr.random(1024, 1024, 0.134, 4);
        Tensor x = Tensor.wrap(randomFloats(64 * 1024, r.nextLong()), Shape.of(64, 1024));
        Tensor dy = Tensor.wrap(randomFloats(64 * 1024, r.nextLong()), Shape.of(64, 1024));
        Tensor dw = Tensor.zeros(w.values().shape(), DType.F32);
        for (int call = 0; call < 20; call++) {
            SparseOps.linearWeightGradInto(dy, x, w, dw, false);
        }
        // Then long rows (a few majors of thousands of entries), so that loops reach the back-edge
        // threshold inside one call, before their methods reach the invocation one (OSR compiles),
        // and many short rows (about 24 entries: the SDDMM's sixteen-entry groups and the
        // overlapping last one), so that methods are compiled on entry.
        products(4, 2000, 0.4, 1, r);
        products(96, 80, 0.3, CALLS, r);
        gemm(70, 50, 3000, 1, r);
        gemm(70, 50, 90, CALLS, r);
        pointwiseAndRows(2, 10_000, 1, r);
        pointwiseAndRows(50, 70, CALLS * 3, r);
        System.out.println("tier-three driver: done");
    }

    /** Every CSR, BSR (blocks of 8 × 8) and block-diagonal product on {@code rows × cols}, each layout and batch. */
    private static void products(int rows, int cols, double density, int calls, SplittableRandom r) {
        SparseIndex csr = randomIndex(rows, cols, density, r.nextLong());
        // block-rows and block-columns of 8: 2·rows rows, cols columns
        SparseIndex bsr = randomIndex(rows / 4, cols / 8, density, r.nextLong());
        int bRows = rows / 4 * 8;
        int blocks = 4;
        int ob = Math.max(1, rows / blocks);
        int ib = Math.max(1, Math.min(cols / blocks, 1000));
        for (BatchLayout layout : BatchLayout.values()) {
            CsrProducts c = CsrProducts.active(layout);
            BsrProducts b = BsrProducts.active(layout);
            BlockDiagProducts d = BlockDiagProducts.active(layout);
            for (int batch : BATCHES) {
                float[] v = randomFloats(csr.entries(), r.nextLong());
                float[] x = randomFloats(batch * cols, r.nextLong());
                float[] dy = randomFloats(batch * rows, r.nextLong());
                float[] y = new float[batch * rows];
                float[] dx = new float[batch * cols];
                float[] dv = new float[csr.entries()];
                float[] bv = randomFloats(bsr.entries() * 8 * 8, r.nextLong());
                float[] bdy = randomFloats(batch * bRows, r.nextLong());
                float[] by = new float[bdy.length];
                float[] bdx = new float[x.length];
                float[] bdv = new float[bv.length];
                float[] dw = randomFloats(blocks * ob * ib, r.nextLong());
                float[] dx4 = randomFloats(batch * blocks * ib, r.nextLong());
                float[] dy4 = randomFloats(batch * blocks * ob, r.nextLong());
                float[] dwg = new float[dw.length];
                for (int call = 0; call < calls; call++) {
                    c.forward(csr, v, 0, batch, x, 0, y, 0, false);
                    c.backward(csr, v, 0, batch, dy, 0, x, 0, dx, 0, false, dv, 0, false);
                    c.transposedBackward(csr, v, 0, batch, x, 0, dy, 0, y, 0, false, dv, 0, true);
                    c.weightGrad(csr, batch, dy, 0, x, 0, dv, 0, false);
                    b.forward(bsr, 8, 8, bv, 0, batch, x, 0, by, 0, false);
                    b.backward(bsr, 8, 8, bv, 0, batch, bdy, 0, x, 0, bdx, 0, false, bdv, 0, false);
                    d.forward(blocks, ob, ib, dw, 0, batch, dx4, 0, dy4, 0, false);
                    d.inputGrad(blocks, ob, ib, dw, 0, batch, dy4, 0, dx4, 0, false);
                    d.weightGrad(blocks, ob, ib, batch, dy4, 0, dx4, 0, dwg, 0, false);
                }
            }
        }
    }

    /**
     * Every unary and binary op (the broadcast ones by a row and by a scalar too) and the row
     * reductions (sums along each axis, max, logsumexp, softmax, log-softmax) on {@code rows × cols}.
     */
    private static void pointwiseAndRows(int rows, int cols, int calls, SplittableRandom r) {
        Tensor a = Tensor.wrap(randomFloats(rows * cols, r.nextLong()), Shape.of(rows, cols));
        Tensor b = Tensor.wrap(randomFloats(rows * cols, r.nextLong()), Shape.of(rows, cols));
        Tensor row = Tensor.wrap(randomFloats(cols, r.nextLong()), Shape.of(1, cols));
        Tensor scalar = Tensor.wrap(randomFloats(1, r.nextLong()), Shape.of(1, 1));
        for (int call = 0; call < calls; call++) {
            for (UnaryOp op : UnaryOp.values()) {
                Elementwise.apply(op, a, 0.5, 1.5); // p, q valid for every op (softplus: β > 0)
            }
            for (BinaryOp op : BinaryOp.values()) {
                Elementwise.apply(op, a, b);
                Elementwise.apply(op, a, row);
                Elementwise.apply(op, a, scalar);
            }
            for (int axis = 0; axis < 2; axis++) {
                Reductions.sum(a, false, axis);
                Reductions.max(a, axis, false);
                Reductions.logsumexp(a, axis, false);
                Reductions.softmax(a, axis);
                Reductions.logSoftmax(a, axis);
            }
        }
    }

    /** The GEMM at {@code m × n × k}, each transpose of A and of B. */
    private static void gemm(int m, int n, int k, int calls, SplittableRandom r) {
        GemmKernel g = GemmKernel.active();
        float[] a = randomFloats(m * k, r.nextLong());
        float[] b = randomFloats(k * n, r.nextLong());
        float[] c = new float[m * n];
        for (int call = 0; call < calls; call++) {
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    g.gemm(ta, tb, m, n, k, 1f, a, 0, ta ? m : k, b, 0, tb ? k : n, 0f, c, 0, n);
                }
            }
        }
    }
}
