package dev.ganglion.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The non-GEMM cases: useful-flop counts, shapes, one call each, and their input errors. */
class KernelBenchTest {
    @Test
    void blockDiagonalCountsOnlyTheBlocks() {
        for (String pass : SparseLinearBench.PASSES) {
            SparseLinearBench b = SparseLinearBench.blockDiag(3, 12, 4, pass);
            assertThat(b.kernel()).isEqualTo("blockdiag");
            assertThat(b.pass()).isEqualTo(pass);
            assertThat(b.shape()).containsEntry("batch", 3).containsEntry("dim", 12).containsEntry("blocks", 4);
            assertThat(b.flops()).isEqualTo(2.0 * 3 * 12 * (12 / 4));
            b.run();
        }
    }

    @Test
    void bsrAndCsrOfTheSameBlockPatternDoTheSameWork() {
        // round(0.5 · 16/4) = 2 blocks of 4×4 in each of the 2 block-rows: 64 non-zeros.
        SparseLinearBench bsr = SparseLinearBench.sparse("bsr", 5, 8, 16, 4, 0.5, "forward");
        SparseLinearBench csr = SparseLinearBench.sparse("csr", 5, 8, 16, 4, 0.5, "weight-grad");
        assertThat(bsr.flops()).isEqualTo(2.0 * 5 * 64);
        assertThat(csr.flops()).isEqualTo(bsr.flops());
        assertThat(csr.shape()).containsEntry("block", 4).containsEntry("density", 0.5);
        bsr.run();
        csr.run();
        // Element sparsity: round(0.25 · 16) = 4 per row.
        SparseLinearBench plain = SparseLinearBench.sparse("csr", 2, 8, 16, 1, 0.25, "input-grad");
        assertThat(plain.flops()).isEqualTo(2.0 * 2 * 8 * 4);
        plain.run();
    }

    @Test
    void sparseInputErrorsNameTheOption() {
        assertThatThrownBy(() -> SparseLinearBench.blockDiag(2, 10, 4, "forward"))
                .hasMessage("blockdiag: --dim 10 is not a multiple of --blocks 4");
        assertThatThrownBy(() -> SparseLinearBench.blockDiag(2, 8, 4, "backward"))
                .hasMessageContaining("--pass must be forward, input-grad, weight-grad or all");
        assertThatThrownBy(() -> SparseLinearBench.sparse("bsr", 2, 8, 12, 8, 0.5, "forward"))
                .hasMessage("bsr: --block 8 does not divide --rows 8 and --cols 12");
        assertThatThrownBy(() -> SparseLinearBench.sparse("csr", 2, 8, 8, 1, 0, "forward"))
                .hasMessage("csr: --density must be in (0, 1], got 0.0");
        assertThatThrownBy(() -> SparseLinearBench.sparse("csr", 2, 8, 4, 1, 0.1, "forward"))
                .hasMessage("csr: --density 0.1 leaves no non-zero block in a row of 4 blocks "
                        + "(each row gets round(density·cols/block) of them)");
        assertThatThrownBy(() -> SparseLinearBench.sparse("csr", 0, 8, 8, 1, 0.5, "forward"))
                .hasMessage("csr: --batch must be ≥ 1, got 0");
    }

    @Test
    void elementwiseBinaryAndUnaryOps() {
        for (String op : ElementwiseBench.BINARY) {
            new ElementwiseBench(op, 3, 5).run();
        }
        for (String op : ElementwiseBench.UNARY) {
            ElementwiseBench e = new ElementwiseBench(op, 3, 5);
            assertThat(e.flops()).isEqualTo(15);
            assertThat(e.shape()).containsEntry("op", op);
            e.run();
        }
        assertThatThrownBy(() -> new ElementwiseBench("frob", 2, 2))
                .hasMessageStartingWith("elementwise: unknown --op 'frob'; expected one of: add, sub");
        assertThatThrownBy(() -> new ElementwiseBench("add", 2, 0)).hasMessage("elementwise: --cols must be ≥ 1, got 0");
    }

    @Test
    void softmaxCountsFiveFlopsPerElement() {
        SoftmaxBench s = new SoftmaxBench(4, 7);
        assertThat(s.flops()).isEqualTo(5.0 * 4 * 7);
        assertThat(s.shape()).containsEntry("rows", 4).containsEntry("cols", 7);
        s.run();
        assertThatThrownBy(() -> new SoftmaxBench(0, 7)).hasMessage("softmax: --rows must be ≥ 1, got 0");
    }
}
