package dev.ganglion.models.g2gnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ganglion.autodiff.Autodiff;
import dev.ganglion.autodiff.GradCheck;
import dev.ganglion.autodiff.GraphProbe;
import dev.ganglion.autodiff.Op;
import dev.ganglion.autodiff.Var;
import dev.ganglion.engine.DType;
import dev.ganglion.engine.Rng;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.kernel.BatchLayout;
import dev.ganglion.models.testing.RecordedBackwardCheck;
import java.util.List;
import org.junit.jupiter.api.Test;

class G2GSparseLayerTest {
    /** A layer in → out with an interleaved grouping, G groups, p′ 0.3 and ~30 % holes in the blocks. */
    static G2GSparseLayer layer(int in, int out, int groups, long seed) {
        return layer(in, out, groups, seed, Groupings.Kind.INTERLEAVED, 0.7);
    }

    /** A layer in → out with the given grouping, G groups, p_intra and p′ 0.3. */
    static G2GSparseLayer layer(int in, int out, int groups, long seed, Groupings.Kind grouping, double pIntra) {
        return layer(in, out, groups, seed, grouping, pIntra, true);
    }

    /** The same, its values in the order for {@code inputGradient} ({@link G2GSparseLayer#fromDense}). */
    static G2GSparseLayer layer(int in, int out, int groups, long seed, Groupings.Kind grouping, double pIntra,
                                boolean inputGradient) {
        Rng rng = new Rng(seed);
        int[] gIn = Groupings.groups(grouping, in, groups, rng);
        int[] gOut = Groupings.groups(grouping, out, groups, rng);
        boolean[] mask = G2GNet.drawMask(gOut, gIn, pIntra, 0.3, rng);
        Tensor w = rng.uniform(Shape.of(out, in), -1, 1); // stale values off the mask: must be ignored
        return G2GSparseLayer.fromDense(w, G2GSparseLayer.maskTensor(mask, out, in), rng.uniform(Shape.of(out), -1, 1),
                Groupings.permutation(gIn), Groupings.permutation(gOut), groups, inputGradient);
    }

    /** {@code x·(W ⊙ M)ᵀ + b} in double, the dense reference. */
    static double[] reference(G2GSparseLayer layer, Tensor x) {
        double[] w = layer.denseWeight().toDoubleArray();
        boolean[] m = layer.maskArray();
        double[] b = layer.bias().value().toDoubleArray();
        double[] xa = x.toDoubleArray();
        int in = layer.inFeatures();
        int out = layer.outFeatures();
        int rows = x.dim(0);
        double[] y = new double[rows * out];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < out; i++) {
                double s = b[i];
                for (int j = 0; j < in; j++) {
                    s += m[i * in + j] ? w[i * in + j] * xa[r * in + j] : 0;
                }
                y[r * out + i] = s;
            }
        }
        return y;
    }

    @Test
    void computesTheMaskedProductWithHolesAndPermutations() {
        for (int[] size : new int[][] {{12, 16, 4}, {10, 7, 3}}) { // the second: G ∤ n, all on CSR
            G2GSparseLayer layer = layer(size[0], size[1], size[2], 5);
            Tensor x = new Rng(9).uniform(Shape.of(3, size[0]), -1, 1);
            double[] y = layer.forward(Var.constant(x)).value().toDoubleArray();
            double[] ref = reference(layer, x);
            for (int i = 0; i < y.length; i++) {
                assertThat(y[i]).isCloseTo(ref[i], org.assertj.core.data.Offset.offset(1e-5));
            }
        }
        G2GSparseLayer blocked = layer(12, 16, 4, 5);
        assertThat(blocked.hasHoles()).isTrue();
        assertThat(blocked.blockDiagonalNnz()).isPositive().isLessThan(blocked.nnz());
        assertThat(layer(10, 7, 3, 5).blockDiagonalNnz()).isZero();
    }

    @Test
    void weightGradientIsZeroOffTheMaskAndMatchesTheDenseReference() {
        G2GSparseLayer layer = layer(12, 16, 4, 6);
        Tensor x = new Rng(3).uniform(Shape.of(5, 12), -1, 1);
        Tensor seed = new Rng(4).uniform(Shape.of(5, 16), -1, 1);
        layer.forward(Var.constant(x)).backward(seed);
        double[] g = layer.denseGrad().toDoubleArray();
        boolean[] m = layer.maskArray();
        double[] xa = x.toDoubleArray();
        double[] s = seed.toDoubleArray();
        for (int i = 0; i < 16; i++) {
            for (int j = 0; j < 12; j++) {
                double ref = 0;
                for (int r = 0; r < 5; r++) {
                    ref += s[r * 16 + i] * xa[r * 12 + j];
                }
                assertThat(g[i * 12 + j]).isCloseTo(m[i * 12 + j] ? ref : 0, org.assertj.core.data.Offset.offset(1e-5));
            }
        }
    }

    /**
     * The value order ({@code inputGradient}) changes the kernels' sweeps, not their sums: the same
     * output, input gradient and (dense) weight gradient, bit for bit, in both operand layouts, with
     * holes or without, on blocks or all on CSR.
     */
    @Test
    void valueOrderChangesNoResult() {
        Object[][] cases = {{24, 32, 4, Groupings.Kind.INTERLEAVED, 0.7}, {24, 32, 4, Groupings.Kind.INDEX, 1.0},
                {33, 20, 3, Groupings.Kind.RANDOM, 0.7}, {10, 7, 3, Groupings.Kind.INDEX, 1.0}};
        for (Object[] c : cases) {
            int in = (Integer) c[0];
            int out = (Integer) c[1];
            G2GSparseLayer columns = layer(in, out, (Integer) c[2], 8, (Groupings.Kind) c[3], (Double) c[4], true);
            G2GSparseLayer rows = layer(in, out, (Integer) c[2], 8, (Groupings.Kind) c[3], (Double) c[4], false);
            assertThat(columns.layout().offTransposed).isTrue();
            assertThat(rows.layout().offTransposed).isFalse();
            assertThat(columns.liveEntries()).as("the orders differ").isNotEqualTo(rows.liveEntries());
            for (BatchLayout operands : BatchLayout.values()) {
                boolean fm = operands == BatchLayout.FEATURE_MAJOR;
                Tensor x = new Rng(6).uniform(fm ? Shape.of(in, 37) : Shape.of(37, in), -1, 1);
                Tensor seed = new Rng(7).uniform(fm ? Shape.of(out, 37) : Shape.of(37, out), -1, 1);
                Tensor[] a = yAndGradients(columns, operands, x, seed);
                Tensor[] b = yAndGradients(rows, operands, x, seed);
                for (int k = 0; k < a.length; k++) {
                    assertThat(a[k].toFloatArray()).as(c[3] + " " + operands + " result " + k)
                            .containsExactly(b[k].toFloatArray());
                }
            }
        }
    }

    /** y, dx, the dense weight gradient and the bias gradient of {@code sum(y ⊙ seed)}. */
    private static Tensor[] yAndGradients(G2GSparseLayer layer, BatchLayout operands, Tensor x, Tensor seed) {
        layer.zeroGrad();
        Var xv = Var.parameter(x);
        Var y = operands == BatchLayout.FEATURE_MAJOR ? layer.forwardFeatureMajor(xv) : layer.forward(xv);
        y.mul(Var.constant(seed)).sum().backward();
        return new Tensor[] {y.value(), xv.grad(), layer.denseGrad(), layer.bias().grad()};
    }

    @Test
    void gradCheckInFloat64() {
        for (BatchLayout operands : BatchLayout.values()) {
            for (int[] size : new int[][] {{8, 12, 4}, {5, 7, 3}}) {
                for (boolean inputGradient : new boolean[] {true, false}) { // the values in column or row order
                    G2GSparseLayer layer = layer(size[0], size[1], size[2], 11, Groupings.Kind.INTERLEAVED, 0.7,
                            inputGradient);
                    SparseLayout layout = layer.layout();
                    Shape xs = operands == BatchLayout.FEATURE_MAJOR ? Shape.of(size[0], 3) : Shape.of(3, size[0]);
                    Tensor x = new Rng(2).uniform(xs, -1, 1);
                    GradCheck.Report r = GradCheck.check(
                            v -> G2GSparseLayer.apply(layout, operands, v[0], v[1], v[2]),
                            x, layer.weight().value(), layer.bias().value());
                    r.assertPassed();
                }
            }
        }
    }

    /**
     * The layer's backward recorded ({@code gradGraph}): its first derivatives equal the fused
     * backward's, and a function of them (a gradient penalty) passes GradCheck, so the second
     * derivatives through the layer are right; with holes and without, the off-block values in row
     * or column order, batch- or feature-major, the bias inside the function (index grouping) or
     * added after the output permutation (interleaved).
     */
    @Test
    void secondDerivativesThroughTheLayerAreRecorded() {
        for (BatchLayout operands : BatchLayout.values()) {
            for (double pIntra : new double[] {1.0, 0.7}) {
                for (boolean inputGradient : new boolean[] {true, false}) {
                    Groupings.Kind grouping = inputGradient ? Groupings.Kind.INTERLEAVED : Groupings.Kind.INDEX;
                    G2GSparseLayer layer = layer(8, 12, 4, 13, grouping, pIntra, inputGradient);
                    SparseLayout layout = layer.layout();
                    Shape xs = operands == BatchLayout.FEATURE_MAJOR ? Shape.of(8, 3) : Shape.of(3, 8);
                    Tensor x = new Rng(3).uniform(xs, -1, 1, DType.F64);
                    Tensor values = layer.weight().value().to(DType.F64);
                    Tensor bias = layer.bias().value().to(DType.F64);
                    RecordedBackwardCheck.check(operands + " " + grouping + " p_intra " + pIntra + " column order "
                            + inputGradient, v -> G2GSparseLayer.apply(layout, operands, v[0], v[1], v[2]).tanh().sum(),
                            x, values, bias);
                }
            }
        }
    }

    /**
     * {@code relu} asked of the layer gives the bits of the layer followed by {@code Var.relu}, output
     * and every gradient, in both operand layouts, with and without holes, for the fused form (index
     * grouping: no ReLU op recorded) and the one after the output permutation (interleaved).
     */
    @Test
    void fusedReluIsTheLayerThenReluBitForBit() {
        for (BatchLayout operands : BatchLayout.values()) {
            for (Groupings.Kind grouping : new Groupings.Kind[] {Groupings.Kind.INDEX, Groupings.Kind.INTERLEAVED}) {
                for (double pIntra : new double[] {1.0, 0.7}) {
                    G2GSparseLayer layer = layer(24, 32, 4, 17, grouping, pIntra);
                    SparseLayout layout = layer.layout();
                    boolean fm = operands == BatchLayout.FEATURE_MAJOR;
                    Tensor x = new Rng(18).uniform(fm ? Shape.of(24, 21) : Shape.of(21, 24), -1, 1);
                    Tensor seed = new Rng(19).uniform(fm ? Shape.of(32, 21) : Shape.of(21, 32), -1, 1);
                    String what = operands + " " + grouping + " p_intra " + pIntra;
                    Tensor[] fused = reluAndGradients(layout, operands, x, layer, seed, true);
                    Tensor[] separate = reluAndGradients(layout, operands, x, layer, seed, false);
                    for (int k = 0; k < fused.length; k++) {
                        assertThat(fused[k].toFloatArray()).as(what + " result " + k).isEqualTo(separate[k].toFloatArray());
                    }
                    assertThat(fused[0].toFloatArray()).as(what + ": some outputs cut to 0").contains(0f);
                    List<GraphProbe.Recorded> ops = GraphProbe.ops(G2GSparseLayer.apply(layout, operands,
                            Var.constant(x), layer.weight(), layer.bias(), true));
                    assertThat(ops).extracting(GraphProbe.Recorded::op).as(what)
                            .contains(layout.identityOut ? Op.CUSTOM : Op.RELU);
                    if (layout.identityOut) {
                        assertThat(ops).extracting(GraphProbe.Recorded::op).as(what).doesNotContain(Op.RELU);
                    }
                }
            }
        }
    }

    /**
     * The fused ReLU's backward keeps its masked gradient's storage for the next call, so no gradient
     * it hands on may share it: through two stacked layers, with functional gradients (which the walk
     * keeps to its end, after the first layer's backward has taken the storage again), at batch 1 and
     * on a vector, where the bias gradient needs no sum over a batch, every gradient has the bits of
     * the layers followed by {@code Var.relu}.
     */
    @Test
    void stackedFusedLayersGiveTheUnfusedGradients() {
        for (BatchLayout operands : BatchLayout.values()) {
            boolean fm = operands == BatchLayout.FEATURE_MAJOR;
            for (int[] xDims : fm ? new int[][] {{16, 1}, {16, 6}} : new int[][] {{16}, {1, 16}, {6, 16}}) {
                G2GSparseLayer first = layer(16, 24, 4, 29, Groupings.Kind.INDEX, 1.0);
                G2GSparseLayer second = layer(24, 24, 4, 30, Groupings.Kind.INDEX, 1.0);
                Tensor x = new Rng(31).uniform(Shape.of(xDims), -1, 1);
                Tensor[] fused = stackGradients(first, second, operands, x, true);
                Tensor[] separate = stackGradients(first, second, operands, x, false);
                for (int k = 0; k < fused.length; k++) {
                    assertThat(fused[k].toFloatArray()).as(operands + " x " + Shape.of(xDims) + " gradient " + k)
                            .isEqualTo(separate[k].toFloatArray());
                }
            }
        }
    }

    /** Functional gradients of {@code sum(relu(L₂(relu(L₁(x)))) ⊙ r)}: x, then each layer's values and bias. */
    private static Tensor[] stackGradients(G2GSparseLayer first, G2GSparseLayer second, BatchLayout operands, Tensor x,
                                           boolean fused) {
        Var xv = Var.parameter(x);
        Var[] p = {Var.parameter(first.weight().value()), Var.parameter(first.bias().value()),
            Var.parameter(second.weight().value()), Var.parameter(second.bias().value())};
        Var h = xv;
        for (int l = 0; l < 2; l++) {
            SparseLayout layout = (l == 0 ? first : second).layout();
            h = fused ? G2GSparseLayer.apply(layout, operands, h, p[2 * l], p[2 * l + 1], true)
                    : G2GSparseLayer.apply(layout, operands, h, p[2 * l], p[2 * l + 1]).relu();
        }
        return Autodiff.grad(h, new Rng(32).uniform(h.shape(), -1, 1), false, xv, p[0], p[1], p[2], p[3]);
    }

    /** relu(layer(x)) and the gradients of {@code sum(relu(layer(x)) ⊙ seed)}: dx, dvalues, dbias. */
    private static Tensor[] reluAndGradients(SparseLayout layout, BatchLayout operands, Tensor x, G2GSparseLayer layer,
                                             Tensor seed, boolean fused) {
        Var xv = Var.parameter(x);
        Var values = Var.parameter(layer.weight().value());
        Var bias = Var.parameter(layer.bias().value());
        Var h = fused ? G2GSparseLayer.apply(layout, operands, xv, values, bias, true)
                : G2GSparseLayer.apply(layout, operands, xv, values, bias).relu();
        h.mul(Var.constant(seed)).sum().backward();
        return new Tensor[] {h.value(), xv.grad(), values.grad(), bias.grad()};
    }

    /** The fused ReLU's first derivatives in float64, and its recorded backward's second ones. */
    @Test
    void fusedReluGradChecksAndItsRecordedBackwardToo() {
        for (BatchLayout operands : BatchLayout.values()) {
            for (double pIntra : new double[] {1.0, 0.7}) {
                G2GSparseLayer layer = layer(8, 12, 4, 23, Groupings.Kind.INDEX, pIntra);
                SparseLayout layout = layer.layout();
                Shape xs = operands == BatchLayout.FEATURE_MAJOR ? Shape.of(8, 3) : Shape.of(3, 8);
                Tensor x = new Rng(24).uniform(xs, -1, 1, DType.F64);
                Tensor values = layer.weight().value().to(DType.F64);
                Tensor bias = layer.bias().value().to(DType.F64);
                GradCheck.check(v -> G2GSparseLayer.apply(layout, operands, v[0], v[1], v[2], true), x, values, bias)
                        .assertPassed();
                RecordedBackwardCheck.check(operands + " relu p_intra " + pIntra,
                        v -> G2GSparseLayer.apply(layout, operands, v[0], v[1], v[2], true).tanh().sum(), x, values, bias);
            }
        }
    }

    @Test
    void featureMajorLayerIsTheTransposeWithTheSameGradients() {
        Object[][] cases = {{Groupings.Kind.INDEX, 1.0}, {Groupings.Kind.INTERLEAVED, 1.0},
                {Groupings.Kind.RANDOM, 0.7}, {Groupings.Kind.INTERLEAVED, 0.7}};
        for (Object[] c : cases) {
            G2GSparseLayer layer = layer(24, 32, 4, 5, (Groupings.Kind) c[0], (Double) c[1]);
            Tensor x = new Rng(6).uniform(Shape.of(19, 24), -1, 1);
            Tensor seed = new Rng(7).uniform(Shape.of(19, 32), -1, 1);
            Var xb = Var.parameter(x);
            Var yb = layer.forward(xb);
            yb.mul(Var.constant(seed)).sum().backward();
            Tensor gw = layer.weight().grad().copy();
            Tensor gb = layer.bias().grad().copy();
            layer.zeroGrad();
            Var xf = Var.parameter(x.mT().copy());
            Var yf = layer.forwardFeatureMajor(xf);
            assertThat(yf.shape()).isEqualTo(Shape.of(32, 19));
            yf.mul(Var.constant(seed.mT().copy())).sum().backward();
            String what = c[0] + " p_intra " + c[1];
            assertClose(what + " y", yf.value().mT(), yb.value());
            assertClose(what + " dx", xf.grad().mT(), xb.grad());
            assertClose(what + " dweight", layer.weight().grad(), gw);
            assertClose(what + " dbias", layer.bias().grad(), gb);
        }
        assertThatThrownBy(() -> layer(8, 12, 4, 1).forwardFeatureMajor(Var.constant(Tensor.zeros(3, 8))))
                .hasMessageContaining("feature-major input of shape [3, 8]; expected [8, batch]");
    }

    private static void assertClose(String what, Tensor actual, Tensor expected) {
        double[] a = actual.toDoubleArray();
        double[] e = expected.toDoubleArray();
        assertThat(a).as(what).hasSameSizeAs(e);
        for (int i = 0; i < e.length; i++) {
            assertThat(a[i]).as(what + " [" + i + "]").isCloseTo(e[i], org.assertj.core.data.Offset.offset(1e-5));
        }
    }

    @Test
    void withoutHolesTheLayerIsOneFusedOpThatMatchesTheDenseReferenceAndGradChecks() {
        for (Groupings.Kind grouping : new Groupings.Kind[] {Groupings.Kind.INDEX, Groupings.Kind.INTERLEAVED}) {
            G2GSparseLayer layer = layer(12, 16, 4, 8, grouping, 1.0);
            assertThat(layer.hasHoles()).isFalse();
            assertThat(layer.blockDiagonalNnz()).isEqualTo(16 * 12 / 4);
            assertThat(layer.nnz()).isGreaterThan(layer.blockDiagonalNnz());
            Tensor x = new Rng(9).uniform(Shape.of(3, 12), -1, 1);
            Var out = layer.forward(Var.parameter(x));
            double[] y = out.value().toDoubleArray();
            double[] ref = reference(layer, x);
            for (int i = 0; i < y.length; i++) {
                assertThat(y[i]).isCloseTo(ref[i], org.assertj.core.data.Offset.offset(1e-5));
            }
            // one op over the [nnz] values: no dense weight, no dense product
            List<GraphProbe.Recorded> ops = GraphProbe.ops(out);
            assertThat(ops).filteredOn(r -> r.op() == Op.CUSTOM).singleElement()
                    .satisfies(r -> assertThat(r.inputShapes().get(1)).isEqualTo(Shape.of(layer.nnz())));
            assertThat(ops).extracting(GraphProbe.Recorded::op).doesNotContain(Op.MATMUL, Op.LINEAR, Op.SLICE);
            SparseLayout layout = layer.layout();
            GradCheck.check(v -> G2GSparseLayer.apply(layout, BatchLayout.BATCH_MAJOR, v[0], v[1], v[2]),
                    x, layer.weight().value(), layer.bias().value())
                    .assertPassed();
        }
    }

    @Test
    void withHolesTooTheLayerIsOneFusedOpOverTheLiveValues() {
        G2GSparseLayer layer = layer(16, 16, 4, 2);
        assertThat(layer.hasHoles()).isTrue();
        List<GraphProbe.Recorded> ops = GraphProbe.ops(layer.forward(Var.parameter(Tensor.ones(2, 16))));
        assertThat(ops).filteredOn(r -> r.op() == Op.CUSTOM).singleElement()
                .satisfies(r -> assertThat(r.inputShapes().get(1)).isEqualTo(Shape.of(layer.nnz())));
        assertThat(ops).extracting(GraphProbe.Recorded::op).doesNotContain(Op.MATMUL, Op.LINEAR, Op.CONCAT);
    }

    /**
     * A training loop's {@code zeroGrad(false)}: the layer then writes its value gradient straight
     * into the kept {@code .grad} buffer (over it, then into it on a second backward), with and
     * without holes in the blocks, exactly as a backward from scratch would.
     */
    @Test
    void valueGradientWrittenIntoTheKeptBufferEqualsOneFromScratch() {
        for (double pIntra : new double[] {1.0, 0.7}) {
            G2GSparseLayer layer = layer(12, 16, 4, 6, Groupings.Kind.INDEX, pIntra);
            assertThat(layer.hasHoles()).isEqualTo(pIntra < 1);
            Var w = layer.weight();
            Tensor x = new Rng(3).uniform(Shape.of(5, 12), -1, 1);
            Tensor seed = new Rng(4).uniform(Shape.of(5, 16), -1, 1);
            Runnable backward = () -> layer.forward(Var.constant(x)).backward(seed);
            w.zeroGrad();
            backward.run();
            float[] once = w.grad().toFloatArray();
            backward.run(); // stale contents
            Tensor buffer = w.grad();
            w.zeroGrad(false);
            backward.run();
            assertThat(w.grad()).isSameAs(buffer);
            assertThat(w.grad().toFloatArray()).containsExactly(once);
            backward.run();
            float[] twice = w.grad().toFloatArray();
            for (int i = 0; i < once.length; i++) {
                assertThat(twice[i]).isEqualTo(2 * once[i]);
            }
        }
    }

    /** {@code mask} with {@code count} live connections moved to random dead places (inside and outside the blocks). */
    private static boolean[] moved(boolean[] mask, int count, Rng rng) {
        boolean[] m = mask.clone();
        for (int moved = 0; moved < count; ) {
            int a = rng.nextInt(m.length);
            int b = rng.nextInt(m.length);
            if (m[a] && !m[b]) {
                m[a] = false;
                m[b] = true;
                moved++;
            }
        }
        return m;
    }

    @Test
    void rewireMovesAGradientWithItsConnections() {
        G2GSparseLayer layer = layer(24, 16, 4, 3);
        layer.forward(Var.constant(new Rng(3).normal(Shape.of(4, 24), 0, 1))).square().sum().backward();
        float[] before = layer.denseGrad().toFloatArray();
        boolean[] old = layer.maskArray();
        boolean[] mask = moved(old, 40, new Rng(6));
        layer.rewire(mask);
        float[] after = layer.denseGrad().toFloatArray();
        for (int e = 0; e < mask.length; e++) {
            assertThat(after[e]).as("entry " + e).isEqualTo(mask[e] && old[e] ? before[e] : 0f);
        }
    }

    @Test
    void rewireKeepsValuesAndReportsSources() {
        G2GSparseLayer layer = layer(8, 8, 2, 1);
        boolean[] m = layer.maskArray();
        float[] before = layer.denseWeight().toFloatArray();
        int on = -1;
        int off = -1;
        for (int e = 0; e < m.length && (on < 0 || off < 0); e++) {
            on = on < 0 && m[e] ? e : on;
            off = off < 0 && !m[e] ? e : off;
        }
        m[on] = false;
        m[off] = true;
        int[] from = layer.rewire(m);
        float[] after = layer.denseWeight().toFloatArray();
        assertThat(after[on]).isZero();
        assertThat(after[off]).isZero();
        assertThat(from[layer.positions()[off]]).isEqualTo(-1);
        for (int e = 0; e < m.length; e++) {
            if (m[e] && e != off) {
                assertThat(after[e]).isEqualTo(before[e]);
            }
        }
        // many moves at once, inside and outside the blocks: every source is the entry's old position
        G2GSparseLayer big = layer(24, 16, 4, 3);
        int[] oldPositions = big.positions();
        boolean[] mask = moved(big.maskArray(), 40, new Rng(5));
        int[] sources = big.rewire(mask);
        int[] entries = big.liveEntries();
        for (int q = 0; q < sources.length; q++) {
            assertThat(sources[q]).as("position " + q).isEqualTo(oldPositions[entries[q]]);
        }
        boolean[] tooMany = layer.maskArray();
        tooMany[on] = true;
        assertThatThrownBy(() -> layer.rewire(tooMany)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("count is fixed");
    }

    @Test
    void errorsNameTheProblem() {
        Tensor w = Tensor.zeros(Shape.of(4, 6), DType.F32);
        Tensor b = Tensor.zeros(Shape.of(4), DType.F32);
        int[] id6 = {0, 1, 2, 3, 4, 5};
        int[] id4 = {0, 1, 2, 3};
        assertThatThrownBy(() -> G2GSparseLayer.fromDense(w, Tensor.zeros(Shape.of(4, 5), DType.F32), b, id6, id4, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("weight [4, 6] and mask [4, 5]");
        assertThatThrownBy(() -> G2GSparseLayer.fromDense(w, w, b, new int[] {0, 0, 1, 2, 3, 4}, id4, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("in_perm is not a permutation");
        assertThatThrownBy(() -> G2GSparseLayer.fromDense(w, w, Tensor.zeros(Shape.of(3), DType.F32), id6, id4, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bias of shape [3]");
        G2GSparseLayer ok = G2GSparseLayer.fromDense(w, w, b, id6, id4, 2);
        assertThatThrownBy(() -> ok.forward(Var.constant(Tensor.zeros(Shape.of(2, 5), DType.F32))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected [..., 6]");
    }
}
