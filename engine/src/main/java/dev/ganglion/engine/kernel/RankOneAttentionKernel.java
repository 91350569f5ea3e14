package dev.ganglion.engine.kernel;

import dev.ganglion.engine.Vectorization;

/**
 * Softmax attention whose scores are rank one per row (CircuitNet's neuron-wise attention). For
 * each row r in {@code [from, to)} of n values {@code a, b, u} (row-major, {@code [rows·n]}):
 * <pre>
 *   p_ij = softmax_j(a_i·b_j),   o_i = Σ_j p_ij·u_j                                   (forward)
 *   du_j = Σ_i p_ij·g_i,   ds_ij = p_ij·g_i·(u_j − o_i),
 *   da_i = Σ_j ds_ij·b_j,  db_j = Σ_i ds_ij·a_i                                       (backward)
 * </pre>
 * {@code p} is {@code [rows·n·n]} (row r's n×n block at {@code r·n·n}), written by forward and read
 * by backward with {@code o}, so backward needs no exponential. The row maximum of a rank-one score
 * is {@code a_i·max b} or {@code a_i·min b} by the sign of a_i, so the shift costs no pass over the
 * scores. Backward writes da, db and du for its rows (no accumulation into earlier values). Rows are
 * independent: callers split them across threads.
 */
public interface RankOneAttentionKernel {
    /**
     * Forward of rows {@code [from, to)}: {@code p_ij = softmax_j(a_i·b_j)} into row r's n×n block
     * of {@code p}, {@code o_i = Σ_j p_ij·u_j} into {@code o}.
     */
    void forward(int from, int to, int n, float[] a, float[] b, float[] u, float[] p, float[] o);

    /**
     * Backward of rows {@code [from, to)} from forward's {@code p} and {@code o} and the output
     * gradient {@code g}: {@code du_j = Σ_i p_ij·g_i}, {@code da_i = Σ_j ds_ij·b_j},
     * {@code db_j = Σ_i ds_ij·a_i} with {@code ds_ij = p_ij·g_i·(u_j − o_i)}; overwrites da, db and
     * du for those rows.
     */
    void backward(int from, int to, int n, float[] a, float[] b, float[] u, float[] p, float[] o, float[] g,
                  float[] da, float[] db, float[] du);

    /** float64 (gradient checks): the scalar reference's arithmetic in every implementation. */
    void forward(int from, int to, int n, double[] a, double[] b, double[] u, double[] p, double[] o);

    /** float64 backward (gradient checks), as the float one: the scalar reference's arithmetic. */
    void backward(int from, int to, int n, double[] a, double[] b, double[] u, double[] p, double[] o, double[] g,
                  double[] da, double[] db, double[] du);

    /** The implementation picked at start-up (SIMD when enabled, else {@link ScalarRankOneAttention}). */
    static RankOneAttentionKernel active() {
        return RankOneAttentionActive.KERNEL;
    }
}

/** Lazy holder so that merely naming the interface loads no kernel. */
final class RankOneAttentionActive {
    static final RankOneAttentionKernel KERNEL = Vectorization.load(RankOneAttentionKernel.class,
            "dev.ganglion.engine.simd.SimdRankOneAttention", ScalarRankOneAttention::new);

    private RankOneAttentionActive() {}
}
