package dev.ganglion.cuda;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Plain-loop CPU references for the device operations, accumulating in double: a column-major
 * BLAS-style sgemm (what cuBLAS computes), the block-diagonal product and its gradients, and
 * dense expansions of sparse patterns.
 */
final class CpuReference {
    private CpuReference() {}

    /** Column-major {@code C = α·op(A)·op(B) + β·C}, as cuBLAS defines it (op = CuBlas.OP_N / OP_T). */
    static void columnMajorGemm(int opA, int opB, int m, int n, int k, float alpha,
                                float[] a, long aOff, int lda, float[] b, long bOff, int ldb,
                                float beta, float[] c, long cOff, int ldc) {
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < m; i++) {
                double acc = 0;
                for (int p = 0; p < k; p++) {
                    double av = opA == CuBlas.OP_N ? a[(int) (aOff + (long) p * lda + i)] : a[(int) (aOff + (long) i * lda + p)];
                    double bv = opB == CuBlas.OP_N ? b[(int) (bOff + (long) j * ldb + p)] : b[(int) (bOff + (long) p * ldb + j)];
                    acc += av * bv;
                }
                int ci = (int) (cOff + (long) j * ldc + i);
                c[ci] = (float) (beta == 0f ? alpha * acc : alpha * acc + beta * c[ci]);
            }
        }
    }

    /** {@code Y = X·BD(W)ᵀ}: X [batch, G·ib], W [G, ob, ib], Y [batch, G·ob]. */
    static float[] blockDiagForward(float[] x, float[] w, int batch, int groups, int ob, int ib) {
        float[] y = new float[batch * groups * ob];
        for (int s = 0; s < batch; s++) {
            for (int g = 0; g < groups; g++) {
                for (int o = 0; o < ob; o++) {
                    double acc = 0;
                    for (int i = 0; i < ib; i++) {
                        acc += (double) x[s * groups * ib + g * ib + i] * w[(g * ob + o) * ib + i];
                    }
                    y[s * groups * ob + g * ob + o] = (float) acc;
                }
            }
        }
        return y;
    }

    /** {@code dX = dY·BD(W)}. */
    static float[] blockDiagInputGrad(float[] dy, float[] w, int batch, int groups, int ob, int ib) {
        float[] dx = new float[batch * groups * ib];
        for (int s = 0; s < batch; s++) {
            for (int g = 0; g < groups; g++) {
                for (int i = 0; i < ib; i++) {
                    double acc = 0;
                    for (int o = 0; o < ob; o++) {
                        acc += (double) dy[s * groups * ob + g * ob + o] * w[(g * ob + o) * ib + i];
                    }
                    dx[s * groups * ib + g * ib + i] = (float) acc;
                }
            }
        }
        return dx;
    }

    /** {@code dW_g = dY_gᵀ·X_g}, W's layout [G, ob, ib]. */
    static float[] blockDiagWeightGrad(float[] dy, float[] x, int batch, int groups, int ob, int ib) {
        float[] dw = new float[groups * ob * ib];
        for (int g = 0; g < groups; g++) {
            for (int o = 0; o < ob; o++) {
                for (int i = 0; i < ib; i++) {
                    double acc = 0;
                    for (int s = 0; s < batch; s++) {
                        acc += (double) dy[s * groups * ob + g * ob + o] * x[s * groups * ib + g * ib + i];
                    }
                    dw[(g * ob + o) * ib + i] = (float) acc;
                }
            }
        }
        return dw;
    }

    /** The dense {@code rows×cols} row-major matrix of a sparse pattern and its values. */
    static float[] dense(SparsePattern p, float[] values) {
        float[] d = new float[p.rows() * p.cols()];
        int[] offsets = p.rowOffsets();
        int[] cols = p.colIndices();
        int r = p.rowBlock();
        int c = p.colBlock();
        for (int br = 0; br < p.blockRows(); br++) {
            for (int q = offsets[br]; q < offsets[br + 1]; q++) {
                for (int i = 0; i < r; i++) {
                    for (int j = 0; j < c; j++) {
                        d[(br * r + i) * p.cols() + cols[q] * c + j] = values[(q * r + i) * c + j];
                    }
                }
            }
        }
        return d;
    }

    /** Row-major {@code C[m×n] = op(A)·op(B)} with plain loops (op = transpose flags). */
    static float[] matmul(boolean transA, boolean transB, float[] a, float[] b, int m, int n, int k) {
        float[] c = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double acc = 0;
                for (int p = 0; p < k; p++) {
                    acc += (double) (transA ? a[p * m + i] : a[i * k + p]) * (transB ? b[j * k + p] : b[p * n + j]);
                }
                c[i * n + j] = (float) acc;
            }
        }
        return c;
    }

    /** {@code (dYᵀ·X)} restricted to the pattern, in the pattern's value order. */
    static float[] sparseWeightGrad(SparsePattern p, float[] dy, float[] x, int batch) {
        float[] full = matmul(true, false, dy, x, p.rows(), p.cols(), batch);
        float[] out = new float[p.values()];
        int[] offsets = p.rowOffsets();
        int[] cols = p.colIndices();
        int r = p.rowBlock();
        int c = p.colBlock();
        for (int br = 0; br < p.blockRows(); br++) {
            for (int q = offsets[br]; q < offsets[br + 1]; q++) {
                for (int i = 0; i < r; i++) {
                    for (int j = 0; j < c; j++) {
                        out[(q * r + i) * c + j] = full[(br * r + i) * p.cols() + cols[q] * c + j];
                    }
                }
            }
        }
        return out;
    }

    /** A random pattern with each block present with probability {@code density}, sorted columns. */
    static SparsePattern randomPattern(int rows, int cols, int rowBlock, int colBlock, double density, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int blockRows = rows / rowBlock;
        int blockCols = cols / colBlock;
        int[] offsets = new int[blockRows + 1];
        List<Integer> indices = new ArrayList<>();
        for (int br = 0; br < blockRows; br++) {
            for (int bc = 0; bc < blockCols; bc++) {
                if (rnd.nextDouble() < density) {
                    indices.add(bc);
                }
            }
            offsets[br + 1] = indices.size();
        }
        return new SparsePattern(rows, cols, rowBlock, colBlock, offsets,
                indices.stream().mapToInt(Integer::intValue).toArray());
    }
}
