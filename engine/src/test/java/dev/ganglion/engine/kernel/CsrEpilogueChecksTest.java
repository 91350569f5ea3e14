package dev.ganglion.engine.kernel;

import static dev.ganglion.engine.testing.Fixtures.randomIndex;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** A row epilogue handed to {@link CsrProducts} it cannot apply is refused, naming the product. */
class CsrEpilogueChecksTest {
    private static final SparseIndex W = randomIndex(6, 4, 0.5, 1);
    private static final float[] V = new float[W.entries()];

    @Test
    void batchMajorProductsRefuseAnEpilogue() {
        RowEpilogue relu = new RowEpilogue(null, 0, true);
        CsrProducts bm = new CsrProducts(new ScalarCsr(), BatchLayout.BATCH_MAJOR);
        assertThatThrownBy(() -> bm.forward(W, V, 0, 3, new float[12], 0, new float[18], 0, false, relu))
                .hasMessage("csr forward: a row epilogue needs feature-major operands, got BATCH_MAJOR");
        assertThatThrownBy(() -> bm.inputGrad(W, V, 0, 3, new float[18], 0, new float[12], 0, false, relu))
                .hasMessage("csr input-grad: a row epilogue needs feature-major operands, got BATCH_MAJOR");
    }

    @Test
    void aBiasShorterThanTheOutputRowsIsRefused() {
        CsrProducts fm = new CsrProducts(new ScalarCsr(), BatchLayout.FEATURE_MAJOR);
        RowEpilogue shortBias = new RowEpilogue(new float[7], 2, false);
        assertThatThrownBy(() -> fm.forward(W, V, 0, 3, new float[12], 0, new float[18], 0, false, shortBias))
                .hasMessage("csr forward: bias of 7 floats from offset 2 is too short for 6 output rows");
        RowEpilogue negative = new RowEpilogue(new float[9], -1, false);
        assertThatThrownBy(() -> fm.inputGrad(W, V, 0, 3, new float[18], 0, new float[12], 0, false, negative))
                .hasMessageContaining("from offset -1");
    }
}
