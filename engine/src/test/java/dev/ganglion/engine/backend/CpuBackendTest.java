package dev.ganglion.engine.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ganglion.engine.DType;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.kernel.GemmKernel;
import dev.ganglion.engine.kernel.RoutedGemm;
import dev.ganglion.engine.sparse.BlockDiagonal;
import dev.ganglion.engine.sparse.Bsr;
import dev.ganglion.engine.sparse.Csr;
import dev.ganglion.engine.sparse.SparseMatrix;
import dev.ganglion.engine.sparse.SparseOps;
import dev.ganglion.engine.testing.Fixtures;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The CPU backend against direct products (a triple loop, SparseOps), and the shared operand errors. */
class CpuBackendTest {
    private final ComputeBackend cpu = Backends.get("cpu");

    @Test
    void matmulMatchesATripleLoopForEveryTranspose() {
        int m = 7;
        int n = 13;
        int k = 5;
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                Tensor a = random(ta ? Shape.of(k, m) : Shape.of(m, k), 1);
                Tensor b = random(tb ? Shape.of(n, k) : Shape.of(k, n), 2);
                try (PreparedOp op = cpu.prepareMatmul(a, ta, b, tb)) {
                    op.run();
                    Tensor c = op.result();
                    assertThat(c.shape()).isEqualTo(Shape.of(m, n));
                    Fixtures.assertClose(c.toFloatArray(), naive(a, ta, b, tb, m, n, k), 1e-5, 1e-5);
                    assertThat(op.flops()).isEqualTo(2.0 * m * n * k);
                }
            }
        }
    }

    @Test
    void sparseProductsMatchSparseOpsForEveryFormat() {
        int batch = 3;
        for (SparseMatrix w : weights()) {
            Tensor x = random(Shape.of(2, batch, w.cols()), 3);   // leading batch axes are kept
            Tensor dy = random(Shape.of(2, batch, w.rows()), 4);
            assertThat(cpu.linear(w, x).toFloatArray()).containsExactly(SparseOps.linear(x, w).toFloatArray());
            assertThat(cpu.linear(w, x).shape()).isEqualTo(Shape.of(2, batch, w.rows()));
            assertThat(cpu.linearInputGrad(w, dy).toFloatArray())
                    .containsExactly(SparseOps.linearInputGrad(dy, w).toFloatArray());
            Tensor dw = cpu.linearWeightGrad(w, dy, x);
            assertThat(dw.shape()).isEqualTo(w.values().shape());
            assertThat(dw.toFloatArray()).containsExactly(SparseOps.linearWeightGrad(dy, x, w).toFloatArray());
        }
    }

    @Test
    void aPreparedOpRepeatsAndResultIsACopy() {
        SparseMatrix w = weights().getFirst();
        Tensor x = random(Shape.of(4, w.cols()), 5);
        try (PreparedOp op = cpu.prepareLinear(w, x)) {
            assertThatThrownBy(op::result).isInstanceOf(IllegalStateException.class).hasMessageContaining("run()");
            op.run();
            Tensor first = op.result();
            op.run();
            assertThat(op.result().toFloatArray()).containsExactly(first.toFloatArray());
            first.set(42f, 0, 0);
            assertThat(op.result().get(0, 0)).isNotEqualTo(42f);
            op.close();
            assertThatThrownBy(op::run).isInstanceOf(IllegalStateException.class).hasMessageContaining("after close");
        }
    }

    @Test
    void badShapesAndDtypesNameTheOpAndTheShapes() {
        assertThatThrownBy(() -> cpu.prepareMatmul(Tensor.zeros(2, 3), false, Tensor.zeros(4, 5), false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("CpuBackend.matmul").hasMessageContaining("[2, 3]").hasMessageContaining("[4, 5]");
        assertThatThrownBy(() -> cpu.prepareMatmul(Tensor.zeros(2, 3, 4), false, Tensor.zeros(4, 5), false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("matrices");
        assertThatThrownBy(() -> cpu.prepareMatmul(Tensor.zeros(Shape.of(2, 3), DType.F64), false,
                Tensor.zeros(3, 5), false)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("float32");
        SparseMatrix w = weights().getLast();
        assertThatThrownBy(() -> cpu.prepareLinear(w, Tensor.zeros(2, w.cols() + 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CpuBackend.linear")
                .hasMessageContaining("last axis must be " + w.cols());
        assertThatThrownBy(() -> cpu.prepareLinearInputGrad(w, Tensor.zeros(2, w.cols() + 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CpuBackend.linearInputGrad");
        assertThatThrownBy(() -> cpu.prepareLinearWeightGrad(w, Tensor.zeros(3, w.rows()), Tensor.zeros(2, w.cols())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dy has shape [3, " + w.rows() + "]");
    }

    @Test
    void backendsNameTheProblem() {
        assertThat(cpu.name()).isEqualTo("cpu");
        assertThat(Backends.get("cpu")).isSameAs(cpu);
        assertThatThrownBy(() -> Backends.get("tpu")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown backend 'tpu'");
        // The engine alone has no CUDA provider: the reason says where one comes from.
        assertThatThrownBy(() -> Backends.get("cuda")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cuda backend unavailable: native-bindings not on the classpath");
    }

    @Test
    void offloadingToTheCpuLeavesTheEnginesGemmOnItsOwnAndTheWrongPolicyIsNamed() {
        assertThat(cpu.hostGemm()).isSameAs(GemmKernel.cpu());
        assertThat(Backends.offloadProducts("cpu")).isSameAs(cpu);
        assertThat(RoutedGemm.engine().offloading()).isFalse();
        assertThat(Backends.productsOn()).isEqualTo("cpu");
        assertThatThrownBy(() -> Backends.offloadProducts("cuda")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("native-bindings not on the classpath");
        assertThat(Backends.productsOn()).isEqualTo("cpu");
        String before = System.getProperty(Backends.OFFLOAD_PROPERTY);
        System.setProperty(Backends.OFFLOAD_PROPERTY, "sometimes");
        try {
            assertThatThrownBy(() -> Backends.offloadProducts("cpu")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("-Dganglion.offload=sometimes: expected measured or device");
        } finally {
            if (before == null) {
                System.clearProperty(Backends.OFFLOAD_PROPERTY);
            } else {
                System.setProperty(Backends.OFFLOAD_PROPERTY, before);
            }
        }
    }

    @Test
    void elapsedMillisRunsTheWork() {
        int[] calls = {0};
        assertThat(cpu.elapsedMillis(() -> calls[0]++)).isGreaterThanOrEqualTo(0);
        assertThat(calls[0]).isEqualTo(1);
    }

    /** A block-diagonal, a BSR and a CSR weight of 12×8 (awkward, rectangular blocks). */
    static List<SparseMatrix> weights() {
        BlockDiagonal bd = BlockDiagonal.of(4, 12, 8, random(Shape.of(4, 3, 2), 6));
        Bsr bsr = Bsr.of(12, 8, 3, 2, new int[] {0, 2, 2, 3, 4}, new int[] {0, 3, 1, 2}, random(Shape.of(4, 3, 2), 7));
        Csr csr = Csr.of(12, 8, new int[] {0, 1, 1, 3, 3, 4, 4, 4, 5, 5, 6, 6, 7},
                new int[] {7, 0, 5, 2, 1, 3, 4}, random(Shape.of(7), 8));
        return List.of(bd, bsr, csr);
    }

    static Tensor random(Shape s, long seed) {
        return Tensor.wrap(Fixtures.randomFloats(s.size(), seed), s);
    }

    private static float[] naive(Tensor a, boolean ta, Tensor b, boolean tb, int m, int n, int k) {
        float[] c = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    s += (ta ? a.get(p, i) : a.get(i, p)) * (tb ? b.get(j, p) : b.get(p, j));
                }
                c[i * n + j] = (float) s;
            }
        }
        return c;
    }
}
