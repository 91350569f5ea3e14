package dev.ganglion.engine.kernel;

import static dev.ganglion.engine.testing.Fixtures.randomFloats;
import static dev.ganglion.engine.testing.Fixtures.randomIndex;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Products running at once on platform and virtual threads never share scratch: each result is
 * bit-for-bit the one computed alone. The sizes differ from product to product, so buffers are
 * regrown and handed on between them.
 */
class ConcurrentProductsTest {
    private record Case(String name, Supplier<float[]> run) {}

    @Test
    void concurrentProductsMatchTheirSingleThreadedResults() throws Exception {
        List<Case> cases = cases();
        List<float[]> expected = new ArrayList<>();
        for (Case c : cases) {
            expected.add(c.run().get());
        }
        ConcurrentLinkedQueue<String> mismatches = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 12; t++) {
            long seed = t;
            Runnable body = () -> {
                List<Integer> order = new ArrayList<>();
                for (int i = 0; i < cases.size(); i++) {
                    order.add(i);
                }
                Random r = new Random(seed);
                for (int round = 0; round < 2; round++) {
                    Collections.shuffle(order, r);
                    for (int i : order) {
                        if (!java.util.Arrays.equals(cases.get(i).run().get(), expected.get(i))) {
                            mismatches.add(cases.get(i).name());
                        }
                    }
                }
            };
            threads.add(t % 2 == 0 ? Thread.ofPlatform().start(body) : Thread.ofVirtual().start(body));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(mismatches).isEmpty();
    }

    private static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        int[][] shapes = {{300, 200, 16}, {1024, 512, 64}, {64, 700, 33}, {513, 513, 128}};
        for (int[] s : shapes) {
            int rows = s[0];
            int cols = s[1];
            int batch = s[2];
            SparseIndex w = randomIndex(rows, cols, 0.05, rows);
            float[] v = randomFloats(w.entries(), 1);
            float[] x = randomFloats(batch * cols, 2);
            float[] dy = randomFloats(batch * rows, 3);
            float[] xr = randomFloats(batch * rows, 4);
            String shape = rows + "x" + cols + " batch " + batch;
            for (BatchLayout layout : BatchLayout.values()) {
                CsrProducts csr = CsrProducts.active(layout);
                cases.add(new Case("csr forward " + layout + " " + shape, () -> {
                    float[] y = new float[batch * rows];
                    csr.forward(w, v, 0, batch, x, 0, y, 0, false);
                    return y;
                }));
                cases.add(new Case("csr backward " + layout + " " + shape, () -> {
                    float[] dx = new float[batch * cols];
                    float[] dv = new float[w.entries()];
                    csr.backward(w, v, 0, batch, dy, 0, x, 0, dx, 0, false, dv, 0, true);
                    return concat(dx, dv);
                }));
                // w read as T = Wᵀ: dy is [batch × cols], x and dx [batch × rows]
                cases.add(new Case("csr transposed backward " + layout + " " + shape, () -> {
                    float[] dx = new float[batch * rows];
                    float[] dv = new float[w.entries()];
                    csr.transposedBackward(w, v, 0, batch, x, 0, xr, 0, dx, 0, false, dv, 0, true);
                    return concat(dx, dv);
                }));
            }
            SparseIndex blocks = randomIndex(rows / 4, cols / 4, 0.1, cols);
            float[] bv = randomFloats(blocks.entries() * 16, 5);
            float[] bx = randomFloats(batch * (cols / 4) * 4, 6);
            float[] bdy = randomFloats(batch * (rows / 4) * 4, 7);
            BsrProducts bsr = BsrProducts.active(BatchLayout.BATCH_MAJOR);
            cases.add(new Case("bsr forward and backward " + shape, () -> {
                float[] y = new float[batch * (rows / 4) * 4];
                bsr.forward(blocks, 4, 4, bv, 0, batch, bx, 0, y, 0, false);
                float[] dx = new float[bx.length];
                float[] dv = new float[bv.length];
                bsr.backward(blocks, 4, 4, bv, 0, batch, bdy, 0, bx, 0, dx, 0, false, dv, 0, false);
                return concat(y, concat(dx, dv));
            }));
            // dense products on the same threads: packed, direct-A, transposed-C and matrix-vector paths
            float[] a = randomFloats(rows * cols, 8);
            float[] b = randomFloats(cols * batch, 9);
            cases.add(new Case("gemm " + shape, () -> {
                float[] c = new float[rows * batch];
                GemmKernel.active().gemm(false, false, rows, batch, cols, 1f, a, 0, cols, b, 0, batch, 0f, c, 0, batch);
                return c;
            }));
            cases.add(new Case("gemm x·Wᵀ " + shape, () -> {
                float[] c = new float[batch * rows];
                GemmKernel.active().gemm(false, true, batch, rows, cols, 1f, b, 0, cols, a, 0, cols, 0f, c, 0, rows);
                return c;
            }));
            cases.add(new Case("gemv strided " + shape, () -> {
                float[] c = new float[rows];
                GemmKernel.active().gemm(false, false, rows, 1, cols, 0.5f, a, 0, cols, b, 0, batch, 0f, c, 0, 1);
                return c;
            }));
            cases.add(new Case("gemv columns " + shape, () -> {
                float[] c = new float[cols];
                GemmKernel.active().gemm(false, false, 1, cols, rows, 1f, xr, 0, rows, a, 0, cols, 0f, c, 0, cols);
                return c;
            }));
        }
        return cases;
    }

    private static float[] concat(float[] p, float[] q) {
        float[] r = java.util.Arrays.copyOf(p, p.length + q.length);
        System.arraycopy(q, 0, r, p.length, q.length);
        return r;
    }
}
