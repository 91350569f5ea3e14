package dev.ganglion.engine.kernel;

import dev.ganglion.engine.Parallel;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * The feature-major "panel" layout the BSR and CSR kernels compute in: a row-major batch matrix
 * {@code X[batch × features]} becomes {@code P[f·ld + b] = X[b, f]} with the batch padded with
 * zeros to {@code ld = ⌈batch/16⌉·16}.
 *
 * <p>Why: a sparse weight row gathers whole feature rows, and in this layout each one is a
 * contiguous run over the batch, so kernels vectorise over the batch with plain loads (no
 * gathers) at any vector width up to 512 bits without tails. The two transposes cost
 * {@code O(batch·features)} against the product's {@code O(batch·nnz)}.
 *
 * <p>Panels live in native memory aligned to {@link #ALIGN_BYTES} (a cache line), so every vector
 * load of a panel row is aligned. A heap {@code float[]} starts wherever the GC put it, and a
 * 512-bit load that straddles two cache lines costs two: on Zen 5 (1 thread, CSR 1024×1024 at 13 %
 * density, batch 128) the same kernel ran at 59 GFLOP/s on a misaligned heap array and at 88 on an
 * aligned one, and which of the two a run got changed whenever the GC moved the array.
 */
public final class SparsePanel {
    /** Batch padding: a multiple of every supported vector length (16 floats = 512 bits). */
    public static final int ALIGN = 16;

    /** Alignment of a panel's first float in bytes: one cache line. */
    public static final long ALIGN_BYTES = 64;

    /** A panel element: a float in native byte order. */
    public static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT;

    /** Floats of a task's staging buffer (64 KiB). */
    private static final int STAGING_FLOATS = 1 << 14;

    private static final TransposeKernel TRANSPOSE = TransposeKernel.active();

    /** Staging buffers, one per running task (and one kept by each engine pool thread). */
    private static final ScratchPool<float[]> STAGING = new ScratchPool<>(() -> new float[0], true);

    /**
     * Elements per parallel task, so small transposes stay on the calling thread. At 1 << 16 a
     * G2GNet layer's panel (1,024 features × batch 64) was one task, packed by the caller alone while
     * the other threads waited for the sweep: 1 << 14 took the step on 2 threads 0.957 and 0.971 of
     * the time, CircuitNet's 0.981 ({@code AB_THREADS=2 scripts/step-ab.sh}, batch 64).
     */
    private static final int GRAIN_ELEMENTS = 1 << 14;

    private SparsePanel() {}

    /** Padded panel width for {@code batch} rows. */
    public static int width(int batch) {
        return (batch + ALIGN - 1) / ALIGN * ALIGN;
    }

    /** A new zeroed panel for {@code features} rows over {@code batch}. */
    public static MemorySegment allocate(int features, int batch) {
        return allocateFloats(size(features, batch));
    }

    /**
     * {@code n} zeroed floats of native memory aligned to {@link #ALIGN_BYTES}, freed by the GC once
     * unreachable.
     */
    public static MemorySegment allocateFloats(long n) {
        return Arena.ofAuto().allocate(n * Float.BYTES, ALIGN_BYTES);
    }

    /** Floats in a panel of {@code features} rows over {@code batch}. */
    public static int size(int features, int batch) {
        return Math.multiplyExact(features, width(batch));
    }

    /**
     * {@code P[f·ld + b] = X[xOff + b·features + f]} for {@code b < batch}, and 0 in the padding
     * columns {@code batch ≤ b < ld} (the SDDMM sums over them).
     */
    public static void pack(float[] x, int xOff, int batch, int features, MemorySegment p, int ld) {
        inStages(features, batch, ld, (t, f0, f1) -> packStage(x, xOff, batch, features, p, ld, t, f0, f1));
    }

    /**
     * {@link #pack} of panel rows {@code [f0, f1)} only, on the calling thread: for the parallel task of
     * a kernel that reads only those rows of the panel ({@link #copyOutRows}'s note).
     */
    public static void packRows(float[] x, int xOff, int batch, int features, MemorySegment p, int ld, int f0, int f1) {
        onThisThread(f0, f1, ld, (t, g0, g1) -> packStage(x, xOff, batch, features, p, ld, t, g0, g1));
    }

    private static void packStage(float[] x, int xOff, int batch, int features, MemorySegment p, int ld,
                                  float[] t, int f0, int f1) {
        TRANSPOSE.transpose(x, xOff, features, 0, batch, f0, f1, t, -f0 * ld, ld, false);
        for (int f = f0; f < f1; f++) {
            Arrays.fill(t, (f - f0) * ld + batch, (f - f0) * ld + ld, 0f);
        }
        MemorySegment.copy(t, 0, p, FLOAT, (long) f0 * ld * Float.BYTES, (f1 - f0) * ld);
    }

    /**
     * {@code Y[yOff + b·features + f] = P[f·ld + b]} (or {@code +=} when {@code accumulate}) for
     * {@code b < batch} and panel rows {@code [f0, f1)}, on the calling thread: the inverse of
     * {@link #pack}, for the parallel task of a kernel that has just computed those rows
     * ({@link #copyOutRows}'s note).
     */
    public static void unpackRows(MemorySegment p, int ld, int batch, int features, float[] y, int yOff,
                                  boolean accumulate, int f0, int f1) {
        onThisThread(f0, f1, ld, (t, g0, g1) -> {
            MemorySegment.copy(p, FLOAT, (long) g0 * ld * Float.BYTES, t, 0, (g1 - g0) * ld);
            TRANSPOSE.transpose(t, -g0 * ld, ld, g0, g1, 0, batch, y, yOff, features, accumulate);
        });
    }

    /**
     * {@code P[f·ld + b] = Xᵀ[xOff + f·batch + b]} for {@code b < batch}, 0 in the padding: the
     * panel of a feature-major operand, a copy of contiguous rows (one bulk copy per task's group of
     * rows when {@code ld == batch}), with no staging buffer.
     */
    public static void copyIn(float[] xt, int xOff, int batch, int features, MemorySegment p, int ld) {
        inRowGroups(features, batch, ld, (f0, f1) -> copyInRows(xt, xOff, batch, p, ld, f0, f1));
    }

    /** {@link #copyIn} of panel rows {@code [f0, f1)} only, on the calling thread (it needs no staging). */
    public static void copyInRows(float[] xt, int xOff, int batch, MemorySegment p, int ld, int f0, int f1) {
        if (ld == batch) {
            MemorySegment.copy(xt, xOff + f0 * batch, p, FLOAT, (long) f0 * ld * Float.BYTES, (f1 - f0) * batch);
            return;
        }
        for (int f = f0; f < f1; f++) {
            long row = (long) f * ld * Float.BYTES;
            MemorySegment.copy(xt, xOff + f * batch, p, FLOAT, row, batch);
            p.asSlice(row + (long) batch * Float.BYTES, (long) (ld - batch) * Float.BYTES).fill((byte) 0);
        }
    }

    /**
     * {@code Yᵀ[yOff + f·batch + b] = P[f·ld + b]} (or {@code +=} when {@code accumulate}) for
     * {@code b < batch} and panel rows {@code [f0, f1)}, on the calling thread: the inverse of
     * {@link #copyIn}: copied straight out of the panel (one bulk copy when the rows need no
     * padding cut), or added through the staging buffer.
     *
     * <p>Why per row range: a kernel's parallel task that unpacks the rows it has just computed finds
     * them in its own core's cache. Unpacked by the caller after the product, the rows another thread
     * computed came from that core's cache line by line: on 2 threads (Intel Xeon, G2GNet step, batch
     * 64) the caller spent ~15 % of its samples in these copies while the helper sat idle.
     */
    public static void copyOutRows(MemorySegment p, int ld, int batch, float[] yt, int yOff, boolean accumulate,
                                   int f0, int f1) {
        if (!accumulate) {
            if (ld == batch) {
                MemorySegment.copy(p, FLOAT, (long) f0 * ld * Float.BYTES, yt, yOff + f0 * batch, (f1 - f0) * batch);
                return;
            }
            for (int f = f0; f < f1; f++) {
                MemorySegment.copy(p, FLOAT, (long) f * ld * Float.BYTES, yt, yOff + f * batch, batch);
            }
            return;
        }
        onThisThread(f0, f1, ld, (t, g0, g1) -> {
            MemorySegment.copy(p, FLOAT, (long) g0 * ld * Float.BYTES, t, 0, (g1 - g0) * ld);
            for (int f = g0; f < g1; f++) {
                int src = (f - g0) * ld;
                int dst = yOff + f * batch;
                for (int b = 0; b < batch; b++) {
                    yt[dst + b] += t[src + b];
                }
            }
        });
    }

    /** One stage of a transpose or copy: panel rows {@code [f0, f1)} staged in {@code t} ({@code t[(f−f0)·ld + b]}). */
    private interface Stage {
        void run(float[] t, int f0, int f1);
    }

    /** Panel rows {@code [f0, f1)} for one task. */
    private interface RowRange {
        void run(int f0, int f1);
    }

    /** Runs {@code stage} over the panel rows in groups of {@link #rowsPerTask}, in parallel. */
    private static void inStages(int features, int batch, int ld, Stage stage) {
        inRowGroups(features, batch, ld, (f0, f1) -> onThisThread(f0, f1, ld, stage));
    }

    /** Splits the panel rows over the pool in whole groups of {@link #rowsPerTask}; small panels stay on the caller. */
    private static void inRowGroups(int features, int batch, int ld, RowRange body) {
        int rows = rowsPerTask(ld);
        Parallel.forRange((features + rows - 1) / rows, grain(batch, rows), (from, to) ->
                body.run(from * rows, Math.min(features, to * rows)));
    }

    /** Runs {@code stage} over panel rows {@code [f0, f1)} in groups of {@link #rowsPerTask}, on the calling thread. */
    private static void onThisThread(int f0, int f1, int ld, Stage stage) {
        int rows = rowsPerTask(ld);
        float[] t = STAGING.acquire();
        if (t.length < rows * ld) {
            t = new float[rows * ld];
        }
        for (int f = f0; f < f1; f += rows) {
            stage.run(t, f, Math.min(f1, f + rows));
        }
        if (ScratchLimit.keeps(t.length)) {
            STAGING.release(t); // not on an exception: the pool makes a new one when short
        }
    }

    /**
     * Panel rows per task: the task transposes them in a heap staging buffer of at most
     * {@link #STAGING_FLOATS} (L2-resident) and moves them to or from the panel in one bulk copy;
     * element-wise access to native memory costs a bounds check per float (measured 2–2.5× slower).
     */
    private static int rowsPerTask(int ld) {
        return Math.max(4, STAGING_FLOATS / Math.max(1, ld) / 4 * 4);
    }

    private static int grain(int batch, int rows) {
        return Math.max(1, GRAIN_ELEMENTS / Math.max(1, batch * rows));
    }
}
