package dev.ganglion.models.g2gnet;

import dev.ganglion.engine.DType;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.sparse.BlockDiagonal;
import dev.ganglion.engine.sparse.Csr;
import java.util.Arrays;

/**
 * The execution form of one G2GNet connection mask {@code M [out, in]}: in permuted coordinates
 * ({@code W' = W[outPerm][:, inPerm]}) the live entries inside the G diagonal blocks of
 * {@code (out/G)×(in/G)} run on the block-diagonal kernel, every other live entry on the CSR kernel.
 *
 * <p>Parameter layout ({@code [nnz]} values): first the live block entries in block order
 * {@code (g, row, col)}, then the off-block entries O in permuted coordinates, row-major (CSR
 * order), or column-major for a layer whose input needs a gradient ({@link #offTransposed}: the
 * CSR matrix is then {@code Oᵀ}, whose backward sweep reads and writes that order in place, see
 * {@code SparseOps.linearTransposedInto}).
 * NOTE: holes — masked-off entries inside a block (after pruning or in a loaded mask) — have no
 * parameter: the block values are scattered from the parameter with a 0 at each hole, so the
 * product is exactly {@code x·(W ⊙ M)ᵀ} and no gradient reaches a masked weight. When G does not
 * divide both widths the blocks are not uniform and every live entry runs on the CSR kernel.
 *
 * <p>Immutable; dynamic sparse training builds a new layout per rewiring.
 */
final class SparseLayout {
    final int in;
    final int out;
    /** Number of diagonal blocks on the block-diagonal kernel; 0 when everything runs as CSR. */
    final int blocks;
    final int[] inPerm;
    final int[] outPerm;
    final int[] outInverse;
    private final int[] inInverse;
    final boolean identityIn;
    final boolean identityOut;
    /** The mask in original coordinates, row-major {@code [out, in]}. */
    private final boolean[] mask;
    /** Live entries inside the blocks (the first {@code diagLive} parameter entries). */
    final int diagLive;
    final int nnz;
    /** Entries of the diagonal blocks, live or not: {@code blocks·(out/blocks)·(in/blocks)}. */
    private final int blockEntries;
    /** For each of the first {@code diagLive} parameter positions, its place among the block entries. */
    private final int[] blockPosition;
    final boolean holes;
    final BlockDiagonal diag;
    /**
     * Off-block entries in permuted coordinates, or null when there are none: O {@code [out × in]},
     * or with {@link #offTransposed} its transpose {@code Oᵀ [in × out]}.
     */
    final Csr off;
    /** The off-block values in O's column order, {@link #off} holding {@code Oᵀ}. */
    final boolean offTransposed;
    /** Original (row, col) of each parameter entry. */
    final int[] rowOf;
    final int[] colOf;

    /**
     * The layout of {@code mask [out, in]} (row-major, original coordinates) under the grouping
     * permutations and G = {@code groups}; {@code offTransposed}: the off-block values in column order.
     */
    SparseLayout(boolean[] mask, int out, int in, int groups, int[] inPerm, int[] outPerm, boolean offTransposed) {
        if (mask.length != out * in) {
            throw new IllegalArgumentException("g2gnet layer: mask of " + mask.length + " entries; expected ["
                    + out + ", " + in + "]");
        }
        if (inPerm.length != in || outPerm.length != out) {
            throw new IllegalArgumentException("g2gnet layer: in_perm of " + inPerm.length + " and out_perm of "
                    + outPerm.length + " entries for a layer " + in + " → " + out);
        }
        this.in = in;
        this.out = out;
        this.mask = mask.clone();
        this.inPerm = inPerm.clone();
        this.outPerm = outPerm.clone();
        this.inInverse = Groupings.inverse(inPerm, "in_perm");
        this.outInverse = Groupings.inverse(outPerm, "out_perm");
        this.identityIn = Groupings.isIdentity(inPerm);
        this.identityOut = Groupings.isIdentity(outPerm);
        this.blocks = groups >= 1 && in % groups == 0 && out % groups == 0 && in > 0 && out > 0 ? groups : 0;
        int count = 0;
        for (boolean m : mask) {
            count += m ? 1 : 0;
        }
        this.nnz = count;
        this.rowOf = new int[nnz];
        this.colOf = new int[nnz];
        this.blockEntries = blocks == 0 ? 0 : (out / blocks) * in;
        this.blockPosition = placeBlocks();
        this.diagLive = blockPosition.length;
        this.holes = diagLive < blockEntries;
        this.diag = blocks == 0 ? null : BlockDiagonal.zeros(blocks, out, in, DType.F32);
        this.offTransposed = offTransposed;
        this.off = placeOffBlock();
    }

    /**
     * Pass 1: the block entries in block order (row-major over permuted rows, block columns only);
     * returns the place of each live one among the block entries (holes have none).
     */
    private int[] placeBlocks() {
        int ob = blocks == 0 ? 0 : out / blocks;
        int ib = blocks == 0 ? 0 : in / blocks;
        int[] position = new int[blockEntries];
        int d = 0;
        for (int k = 0; k < blocks * ob; k++) {
            int g = k / ob;
            for (int m = g * ib; m < (g + 1) * ib; m++) {
                int pos = (g * ob + k % ob) * ib + (m - g * ib);
                if (live(k, m)) {
                    record(d, k, m);
                    position[d++] = pos;
                }
            }
        }
        return Arrays.copyOf(position, d);
    }

    /**
     * Pass 2: the off-block live entries after the block ones, O in CSR order (or Oᵀ, O's columns
     * as its rows); null when there are none.
     */
    private Csr placeOffBlock() {
        int ob = blocks == 0 ? 0 : out / blocks;
        int ib = blocks == 0 ? 0 : in / blocks;
        int majors = offTransposed ? in : out;
        int minors = offTransposed ? out : in;
        int[] ptr = new int[majors + 1];
        int[] minor = new int[nnz - diagLive];
        int o = 0;
        for (int a = 0; a < majors; a++) {
            for (int b = 0; b < minors; b++) {
                int k = offTransposed ? b : a;
                int m = offTransposed ? a : b;
                if (!inBlock(k, m, ob, ib) && live(k, m)) {
                    record(diagLive + o, k, m);
                    minor[o++] = b;
                }
            }
            ptr[a + 1] = o;
        }
        return o == 0 ? null : Csr.of(majors, minors, ptr, minor, Tensor.zeros(Shape.of(o), DType.F32));
    }

    private boolean inBlock(int k, int m, int ob, int ib) {
        return blocks > 0 && k / ob == m / ib;
    }

    private boolean live(int k, int m) {
        return mask[outPerm[k] * in + inPerm[m]];
    }

    private void record(int p, int k, int m) {
        rowOf[p] = outPerm[k];
        colOf[p] = inPerm[m];
    }

    /** Entries on the CSR kernel. */
    int offLive() {
        return nnz - diagLive;
    }

    /**
     * The block values {@code [blockEntries]} (the layout of {@link #diag}'s values) from parameter
     * values {@code [nnz]}: the live block entries, 0 at each hole.
     */
    Tensor blockValues(Tensor values) {
        // NOTE: plain loops over the positions, not Indexing.indexAdd/indexSelect, whose per-row
        // walk took ~4 % of a training step after pruning (a row is one float here).
        Tensor v = values.contiguous();
        int o = v.offset();
        if (v.dtype() == DType.F32) {
            float[] src = v.floatArray();
            float[] blocks = new float[blockEntries];
            for (int d = 0; d < diagLive; d++) {
                blocks[blockPosition[d]] = src[o + d];
            }
            return Tensor.wrap(blocks, Shape.of(blockEntries));
        }
        double[] src = v.doubleArray();
        double[] blocks = new double[blockEntries];
        for (int d = 0; d < diagLive; d++) {
            blocks[blockPosition[d]] = src[o + d];
        }
        return Tensor.wrap(blocks, Shape.of(blockEntries));
    }

    /**
     * The adjoint of {@link #blockValues}: writes (or with {@code accumulate} adds) the live entries
     * of {@code blockGrad} (laid out like the block values) to the first {@code diagLive} positions
     * of {@code dst} (contiguous, of blockGrad's dtype); the holes' entries are dropped.
     */
    void liveBlockEntries(Tensor blockGrad, Tensor dst, boolean accumulate) {
        if (!dst.isContiguous() || dst.dtype() != blockGrad.dtype()) {
            throw new IllegalArgumentException("liveBlockEntries: destination " + dst.shape() + " " + dst.dtype()
                    + " must be contiguous and of the gradient's dtype " + blockGrad.dtype());
        }
        Tensor g = blockGrad.contiguous();
        int go = g.offset();
        int o = dst.offset();
        if (g.dtype() == DType.F32) {
            float[] src = g.floatArray();
            float[] out = dst.floatArray();
            for (int d = 0; d < diagLive; d++) {
                float v = src[go + blockPosition[d]];
                out[o + d] = accumulate ? out[o + d] + v : v;
            }
        } else {
            double[] src = g.doubleArray();
            double[] out = dst.doubleArray();
            for (int d = 0; d < diagLive; d++) {
                double v = src[go + blockPosition[d]];
                out[o + d] = accumulate ? out[o + d] + v : v;
            }
        }
        dst.markWritten();
    }

    /** A copy of the mask, row-major {@code [out, in]} in original coordinates. */
    boolean[] mask() {
        return mask.clone();
    }

    /** {@code W ⊙ M} as a dense {@code [out, in]} float32 tensor from parameter values {@code [nnz]}. */
    Tensor dense(Tensor values) {
        float[] v = values.contiguous().toFloatArray();
        float[] w = new float[out * in];
        for (int p = 0; p < nnz; p++) {
            w[rowOf[p] * in + colOf[p]] = v[p];
        }
        return Tensor.wrap(w, Shape.of(out, in));
    }

    /** The parameter values {@code [nnz]} read from a dense {@code [out, in]} weight (entries off the mask ignored). */
    float[] values(Tensor dense) {
        float[] w = dense.to(DType.F32).contiguous().toFloatArray();
        float[] v = new float[nnz];
        for (int p = 0; p < nnz; p++) {
            v[p] = w[rowOf[p] * in + colOf[p]];
        }
        return v;
    }

    /** Original entry {@code row·in + col} of each parameter position. */
    int[] entries() {
        int[] e = new int[nnz];
        for (int p = 0; p < nnz; p++) {
            e[p] = rowOf[p] * in + colOf[p];
        }
        return e;
    }

    /**
     * For each entry of {@code next}'s parameter order, the position of the same entry here, or −1.
     * Both layouts list their entries in one canonical order ({@link #orderKey}: the block entries,
     * then the others, row-major in permuted coordinates, the others column-major when transposed) as
     * long as they share permutations, groups and value order, so this is a merge of two ascending
     * lists: linear, and no {@code [out, in]} array.
     */
    int[] sourcesOf(SparseLayout next) {
        if (next.in != in || next.out != out || next.blocks != blocks || !Arrays.equals(next.inPerm, inPerm)
                || !Arrays.equals(next.outPerm, outPerm) || next.offTransposed != offTransposed) {
            throw new IllegalArgumentException(
                    "g2gnet layer: a rewired layout must keep the widths, groups, permutations and value order");
        }
        int[] from = new int[next.nnz];
        int p = 0;
        for (int q = 0; q < next.nnz; q++) {
            long key = next.orderKey(q);
            while (p < nnz && orderKey(p) < key) {
                p++;
            }
            from[q] = p < nnz && orderKey(p) == key ? p : -1;
        }
        return from;
    }

    /** Sort key of parameter position p: ascending with p (the order the layout placed its entries in). */
    private long orderKey(int p) {
        long k = outInverse[rowOf[p]];
        long m = inInverse[colOf[p]];
        if (p < diagLive) {
            return k * in + m;
        }
        return (long) out * in + (offTransposed ? m * out + k : k * in + m);
    }

    /** Parameter position of original entry {@code (row, col)} per entry, −1 where not live. */
    int[] positions() {
        int[] at = new int[out * in];
        Arrays.fill(at, -1);
        for (int p = 0; p < nnz; p++) {
            at[rowOf[p] * in + colOf[p]] = p;
        }
        return at;
    }

    /**
     * Every live entry in the layer function's (permuted) coordinates, for its recorded backward
     * ({@link G2GLayerFunction#backwardGraph}): {@code rows[p]}, {@code cols[p]} of parameter position
     * p in {@code W [out × in]}, and {@code Wᵀ [in × out]} as one CSR pattern whose stored entry q
     * holds parameter {@code transposedOrder[q]}.
     */
    record LiveEntries(int[] rows, int[] cols, Csr transposed, int[] transposedOrder) {}

    private volatile LiveEntries liveEntries;

    /** {@link LiveEntries}, built on first use (a layout is immutable, so once). */
    LiveEntries liveEntries() {
        LiveEntries e = liveEntries;
        if (e == null) {
            liveEntries = e = buildLiveEntries();
        }
        return e;
    }

    private LiveEntries buildLiveEntries() {
        int[] rows = new int[nnz];
        int[] cols = new int[nnz];
        double[] position = new double[nnz];
        for (int p = 0; p < nnz; p++) {
            rows[p] = outInverse[rowOf[p]];
            cols[p] = inInverse[colOf[p]];
            position[p] = p;
        }
        // Wᵀ from its triplets (W's columns as its rows), each carrying its parameter position as
        // its value: no two entries share a place, so none is summed, and the stored values are
        // the order
        Csr transposed = Csr.fromCoo(in, out, cols, rows, Tensor.wrap(position, Shape.of(nnz)));
        double[] stored = transposed.values().toDoubleArray();
        int[] order = new int[nnz];
        for (int q = 0; q < nnz; q++) {
            order[q] = (int) stored[q];
        }
        return new LiveEntries(rows, cols, transposed, order);
    }
}
