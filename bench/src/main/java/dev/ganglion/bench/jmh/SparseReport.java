package dev.ganglion.bench.jmh;

import dev.ganglion.bench.SparseLinearBench;
import dev.ganglion.engine.Parallel;
import dev.ganglion.engine.kernel.BlockDiagProducts;
import dev.ganglion.engine.kernel.BsrProducts;
import dev.ganglion.engine.kernel.CsrProducts;
import dev.ganglion.engine.kernel.GemmKernel;
import dev.ganglion.engine.kernel.SparseIndex;
import dev.ganglion.engine.sparse.Bsr;
import dev.ganglion.engine.sparse.Csr;
import java.util.SplittableRandom;

/**
 * Quick harness (no JMH) for the sparse products against the dense product of the same shape
 * through {@code GemmKernel.cpu()}: GFLOP/s of useful flops and the ratio to dense, per pass.
 * <ul>
 *   <li>block-diagonal, {@code batch = 128, dim = 1024}, 4 and 16 blocks (flops {@code 2·B·dim²/G});</li>
 *   <li>CSR and BSR (4×4, 16×16 blocks), {@code 128 × 1024 × 1024}, densities 5, 10, 25, 50 %
 *   (flops {@code 2·B·nnz}).</li>
 * </ul>
 * The contestants of one line are timed in alternating windows of at least 20 ms for
 * {@code -Dseconds=} seconds (default 2), after {@code -Dwarmup=} seconds each (default 0.5); the best
 * window of each counts, so on a shared machine they meet the same disturbances. Args: thread counts
 * (default {@code 1 2}).
 */
public final class SparseReport {
    private static final int BATCH = 128;
    private static final int DIM = 1024;
    private static final double[] DENSITIES = {0.05, 0.1, 0.25, 0.5};

    private final SplittableRandom random = new SplittableRandom(42);
    private final float[] x = BlockDiagonalBenchmark.random(random, BATCH * DIM);
    private final float[] dy = BlockDiagonalBenchmark.random(random, BATCH * DIM);
    private final float[] dense = BlockDiagonalBenchmark.random(random, DIM * DIM);
    private final float[] out = new float[BATCH * DIM];
    private final float[] grad = new float[DIM * DIM];

    private SparseReport() {}

    public static void main(String[] args) {
        int[] threads = args.length == 0 ? new int[] {1, 2} : java.util.Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        SparseReport r = new SparseReport();
        System.out.println("gemm kernel: " + GemmKernel.cpu().getClass().getSimpleName());
        for (int t : threads) {
            Parallel.setThreads(t);
            System.out.printf("threads %d%n", t);
            for (String pass : SparseLinearBench.PASSES) {
                r.blockDiagonal(pass);
            }
            for (String pass : SparseLinearBench.PASSES) {
                for (double d : DENSITIES) {
                    r.sparse(pass, d);
                }
            }
        }
    }

    private Runnable denseCall(String pass) {
        GemmKernel g = GemmKernel.cpu();
        return switch (pass) {
            case "forward" -> () -> g.gemm(false, true, BATCH, DIM, DIM, 1f, x, 0, DIM, dense, 0, DIM, 0f, out, 0, DIM);
            case "input-grad" -> () -> g.gemm(false, false, BATCH, DIM, DIM, 1f, dy, 0, DIM, dense, 0, DIM, 0f, out, 0, DIM);
            default -> () -> g.gemm(true, false, DIM, DIM, BATCH, 1f, dy, 0, DIM, x, 0, DIM, 0f, grad, 0, DIM);
        };
    }

    private void blockDiagonal(String pass) {
        BlockDiagProducts p = BlockDiagProducts.active();
        Runnable[] calls = {denseCall(pass), blockCall(p, pass, 4), blockCall(p, pass, 16)};
        double denseFlops = 2.0 * BATCH * DIM * DIM;
        double[] g = best(calls, new double[] {denseFlops, denseFlops / 4, denseFlops / 16});
        System.out.printf("  blockdiag %-11s dense %6.1f | 4 blocks %6.1f GFLOP/s (%3.0f %%) | 16 blocks %6.1f GFLOP/s (%3.0f %%)%n",
                pass, g[0], g[1], 100 * g[1] / g[0], g[2], 100 * g[2] / g[0]);
    }

    private Runnable blockCall(BlockDiagProducts p, String pass, int blocks) {
        int b = DIM / blocks;
        return switch (pass) {
            case "forward" -> () -> p.forward(blocks, b, b, dense, 0, BATCH, x, 0, out, 0, false);
            case "input-grad" -> () -> p.inputGrad(blocks, b, b, dense, 0, BATCH, dy, 0, out, 0, false);
            default -> () -> p.weightGrad(blocks, b, b, BATCH, dy, 0, x, 0, grad, 0, false);
        };
    }

    private void sparse(String pass, double density) {
        Csr csr = Csr.random(DIM, DIM, density, 1);
        Bsr bsr4 = Bsr.random(DIM, DIM, 4, 4, density, 2);
        Bsr bsr16 = Bsr.random(DIM, DIM, 16, 16, density, 3);
        Runnable[] calls = {denseCall(pass), csrCall(csr, pass), bsrCall(bsr4, pass), bsrCall(bsr16, pass)};
        double[] flops = {2.0 * BATCH * DIM * DIM, 2.0 * BATCH * csr.nnz(), 2.0 * BATCH * bsr4.nnz(), 2.0 * BATCH * bsr16.nnz()};
        double[] g = best(calls, flops);
        System.out.printf("  %-11s %4.0f %% | dense %6.1f | csr %6.1f GFLOP/s (%3.0f %%, %4.1f× faster) | bsr4 %6.1f (%3.0f %%, %4.1f×)"
                        + " | bsr16 %6.1f (%3.0f %%, %4.1f×)%n", pass, 100 * density, g[0],
                g[1], 100 * g[1] / g[0], speedup(g, flops, 1), g[2], 100 * g[2] / g[0], speedup(g, flops, 2),
                g[3], 100 * g[3] / g[0], speedup(g, flops, 3));
    }

    /** Dense time over sparse time. */
    private static double speedup(double[] gflops, double[] flops, int i) {
        return (flops[0] / gflops[0]) / (flops[i] / gflops[i]);
    }

    private Runnable csrCall(Csr w, String pass) {
        CsrProducts p = CsrProducts.active();
        SparseIndex ix = w.index();
        float[] v = w.values().floatArray();
        float[] dv = new float[v.length];
        return switch (pass) {
            case "forward" -> () -> p.forward(ix, v, 0, BATCH, x, 0, out, 0, false);
            case "input-grad" -> () -> p.inputGrad(ix, v, 0, BATCH, dy, 0, out, 0, false);
            default -> () -> p.weightGrad(ix, BATCH, dy, 0, x, 0, dv, 0, false);
        };
    }

    private Runnable bsrCall(Bsr w, String pass) {
        BsrProducts p = BsrProducts.active();
        SparseIndex ix = w.index();
        int r = w.blockRows();
        int c = w.blockCols();
        float[] v = w.values().floatArray();
        float[] dv = new float[v.length];
        return switch (pass) {
            case "forward" -> () -> p.forward(ix, r, c, v, 0, BATCH, x, 0, out, 0, false);
            case "input-grad" -> () -> p.inputGrad(ix, r, c, v, 0, BATCH, dy, 0, out, 0, false);
            default -> () -> p.weightGrad(ix, r, c, BATCH, dy, 0, x, 0, dv, 0, false);
        };
    }

    /** Best-window GFLOP/s of each call, the calls timed in alternating windows. */
    private static double[] best(Runnable[] calls, double[] flops) {
        long warm = (long) (Double.parseDouble(System.getProperty("warmup", "0.5")) * 1e9);
        for (Runnable c : calls) {
            for (long end = System.nanoTime() + warm; System.nanoTime() < end; ) {
                c.run();
            }
        }
        double[] best = new double[calls.length];
        long end = System.nanoTime() + (long) (Double.parseDouble(System.getProperty("seconds", "2")) * 1e9);
        while (System.nanoTime() < end) {
            for (int i = 0; i < calls.length; i++) {
                long t0 = System.nanoTime();
                long n = 0;
                do {
                    calls[i].run();
                    n++;
                } while (System.nanoTime() - t0 < 20_000_000L);
                best[i] = Math.max(best[i], flops[i] * n / (System.nanoTime() - t0));
            }
        }
        return best;
    }
}
