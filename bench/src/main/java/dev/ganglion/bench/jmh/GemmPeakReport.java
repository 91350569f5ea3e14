package dev.ganglion.bench.jmh;

import dev.ganglion.engine.Parallel;
import dev.ganglion.engine.kernel.GemmKernel;
import dev.ganglion.engine.kernel.PeakFlops;
import java.util.Arrays;

/**
 * Quick harness (no JMH): for each thread count, the measured FMA peak and the GFLOP/s of
 * {@code GemmKernel.cpu()} on the shapes, as a percentage of that peak.
 *
 * <p>Each shape is warmed up for {@code -Dwarmup=} seconds (default 1), then timed for
 * {@code -Dseconds=} seconds (default 3) in windows of at least 5 ms; the best window counts, since
 * on a shared machine disturbances only slow a window down. The peak is measured right before each
 * thread count's shapes, under the same conditions.
 *
 * <p>Args: thread counts then shapes {@code m,n,k[,NN|NT|TN|TT]}; defaults
 * {@code 1 2 1024,1024,1024 128,256,256 128,512,512 128,1024,1024} with NN and NT.
 */
public final class GemmPeakReport {
    private static final String[] DEFAULT_SHAPES = {
        "1024,1024,1024,NN", "1024,1024,1024,NT", "128,256,256,NN", "128,256,256,NT",
        "128,512,512,NN", "128,512,512,NT", "128,1024,1024,NN", "128,1024,1024,NT"};

    private GemmPeakReport() {}

    public static void main(String[] args) {
        int[] threads = Arrays.stream(args).filter(s -> !s.contains(",")).mapToInt(Integer::parseInt).toArray();
        String[] shapes = Arrays.stream(args).filter(s -> s.contains(",")).toArray(String[]::new);
        if (threads.length == 0) {
            threads = new int[] {1, 2};
        }
        if (shapes.length == 0) {
            shapes = DEFAULT_SHAPES;
        }
        System.out.println("peak method: " + PeakFlops.method());
        System.out.println("gemm kernel: " + GemmKernel.cpu().getClass().getSimpleName());
        for (int t : threads) {
            Parallel.setThreads(t);
            double peak = PeakFlops.measureGflops(t);
            System.out.printf("threads %d: FMA peak %.1f GFLOP/s%n", t, peak);
            for (String s : shapes) {
                double g = measure(s);
                System.out.printf("  %-20s %7.1f GFLOP/s  %5.1f %% of peak%n", s, g, 100 * g / peak);
            }
        }
    }

    /** Best-window GFLOP/s of one shape. */
    static double measure(String spec) {
        String[] f = spec.split(",");
        int m = Integer.parseInt(f[0]);
        int n = Integer.parseInt(f[1]);
        int k = Integer.parseInt(f[2]);
        String tr = f.length > 3 ? f[3] : "NN";
        boolean ta = tr.charAt(0) == 'T';
        boolean tb = tr.charAt(1) == 'T';
        float[] a = new float[m * k];
        float[] b = new float[k * n];
        float[] c = new float[m * n];
        Arrays.fill(a, 0.5f);
        Arrays.fill(b, 0.25f);
        GemmKernel g = GemmKernel.cpu();
        Runnable call = () -> g.gemm(ta, tb, m, n, k, 1f, a, 0, ta ? m : k, b, 0, tb ? k : n, 0f, c, 0, n);
        long warmEnd = System.nanoTime() + (long) (Double.parseDouble(System.getProperty("warmup", "1")) * 1e9);
        while (System.nanoTime() < warmEnd) {
            call.run();
        }
        long end = System.nanoTime() + (long) (Double.parseDouble(System.getProperty("seconds", "3")) * 1e9);
        double best = 0;
        while (System.nanoTime() < end) {
            long t0 = System.nanoTime();
            long calls = 0;
            do {
                call.run();
                calls++;
            } while (System.nanoTime() - t0 < 5_000_000L);
            best = Math.max(best, 2.0 * m * n * k * calls / (System.nanoTime() - t0));
        }
        return best;
    }
}
