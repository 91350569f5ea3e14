package dev.ganglion.engine.simd;

import java.util.Arrays;

/**
 * Cuts the entries of each major of a compressed index (indexes ascending within a major) into
 * {@link #count} runs by ranges of the gathered panel's rows, so that a sweep over the majors in
 * {@code count} passes gathers from about {@link #PART_BYTES} of the panel per pass. A pass takes,
 * for each major, the next run: the runs of a major are its entries in order, so a kernel that goes
 * on from where the run before stopped sums exactly as in one pass.
 *
 * <p>Why: gathering random rows from a panel of 512 KiB or more cost {@link SimdCsr}'s fused backward
 * sweep and its SDDMM 10–20 % more per entry than from 256 KiB (Zen 3, batch 128, 13.4 % density,
 * measured in one JVM): in passes of 256 KiB a 1,024-row sweep ran in 1.94–2.12 against 2.30–2.53 ms,
 * a 1,024-row SDDMM in 1.54–1.56 against 1.72–1.73 ms. Passes of 128 KiB were level with these; of
 * 64 KiB they lost to the extra loads and stores of the outputs carried between passes. The forward
 * {@link SimdCsr#spmm} gained nothing from the same cut, so it keeps one pass.
 */
final class GatherParts {
    /** Bytes of the gathered panel one pass may touch: half of Zen 3's 512 KiB L2. */
    static final long PART_BYTES = 256 << 10;

    /** Passes: 1 when the panel rows the index reaches fit in {@link #PART_BYTES}. */
    final int count;
    private final int from;
    private final int[] ptr;
    private final int[] idx;
    /** One past the largest panel row the index reaches; 0 (unused) for one pass. */
    private final int reach;
    /** Per major in {@code [from, to)}, its first entry no pass has taken yet; null for one pass. */
    private final int[] next;

    /**
     * Parts for majors {@code [from, to)} of ({@code ptr}, {@code idx}) over panel rows of {@code ld}
     * floats, in a gathered panel of {@code panelBytes}. A panel that fits one part is one pass with
     * no scan of the index: the scan reads each major's last index, a cache miss apiece, which cost
     * ~0.7 % of a G2GNet step (JFR, 1,024 majors a call).
     */
    GatherParts(int from, int to, int[] ptr, int[] idx, int ld, long panelBytes) {
        this.from = from;
        this.ptr = ptr;
        this.idx = idx;
        if (panelBytes <= PART_BYTES) {
            this.count = 1;
            this.reach = 0;
            this.next = null;
            return;
        }
        int reach = 0;
        for (int q = from; q < to; q++) {
            if (ptr[q + 1] > ptr[q]) {
                reach = Math.max(reach, idx[ptr[q + 1] - 1] + 1);
            }
        }
        long bytes = (long) reach * ld * Float.BYTES;
        this.count = (int) Math.max(1, Math.min(reach, (bytes + PART_BYTES - 1) / PART_BYTES));
        this.reach = reach;
        this.next = Arrays.copyOfRange(ptr, from, to);
    }

    /** The first entry of major q's run in the current pass. */
    int start(int q) {
        return next == null ? ptr[q] : next[q - from];
    }

    /** Takes major q's run in pass {@code h} (passes in order) and returns its end. */
    int take(int h, int q) {
        if (next == null) {
            return ptr[q + 1];
        }
        int p = next[q - from];
        int end = ptr[q + 1];
        if (h < count - 1) {
            int limit = (int) ((long) reach * (h + 1) / count);
            while (p < end && idx[p] < limit) {
                p++;
            }
        } else {
            p = end;
        }
        next[q - from] = p;
        return p;
    }
}
