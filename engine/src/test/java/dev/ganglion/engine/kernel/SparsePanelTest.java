package dev.ganglion.engine.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ganglion.engine.testing.Fixtures;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

class SparsePanelTest {
    @Test
    void packAndUnpackAreTransposesAtAwkwardAndParallelSizes() {
        int[][] shapes = {{1, 1}, {3, 5}, {17, 33}, {129, 7}, {300, 517}, {1000, 70}, {64, 1025}};
        for (int[] s : shapes) {
            int batch = s[0];
            int features = s[1];
            float[] x = Fixtures.randomFloats(batch * features + 3, batch);
            int ld = SparsePanel.width(batch);
            assertThat(ld % SparsePanel.ALIGN).isZero();
            assertThat(ld).isBetween(batch, batch + 15);
            MemorySegment panel = SparsePanel.allocateFloats(SparsePanel.size(features, batch) + 5);
            for (long i = 0; i < panel.byteSize() / Float.BYTES; i++) {
                panel.setAtIndex(SparsePanel.FLOAT, i, Float.NaN); // a reused buffer: pack must zero the padding itself
            }
            assertThat(panel.address() % SparsePanel.ALIGN_BYTES).isZero();
            SparsePanel.pack(x, 3, batch, features, panel, ld);
            float[] p = panel.toArray(SparsePanel.FLOAT);
            for (int f = 0; f < features; f++) {
                for (int b = 0; b < ld; b++) {
                    float expected = b < batch ? x[3 + b * features + f] : 0f;
                    if (p[f * ld + b] != expected) {
                        throw new AssertionError("pack " + batch + "×" + features + " at f=" + f + ", b=" + b);
                    }
                }
            }
            float[] y = new float[batch * features + 2];
            SparsePanel.unpackRows(panel, ld, batch, features, y, 2, false, 0, features);
            for (int i = 0; i < batch * features; i++) {
                assertThat(y[2 + i]).isEqualTo(x[3 + i]);
            }
            SparsePanel.unpackRows(panel, ld, batch, features, y, 2, true, 0, features);
            for (int i = 0; i < batch * features; i++) {
                assertThat(y[2 + i]).isEqualTo(2 * x[3 + i]);
            }
        }
    }

    @Test
    void copyInAndOutMoveFeatureMajorRowsAtAwkwardAndParallelSizes() {
        int[][] shapes = {{1, 1}, {3, 5}, {16, 33}, {129, 7}, {128, 1024}, {300, 517}, {64, 1025}};
        for (int[] s : shapes) {
            int batch = s[0];
            int features = s[1];
            float[] xt = Fixtures.randomFloats(batch * features + 3, features);
            int ld = SparsePanel.width(batch);
            MemorySegment panel = SparsePanel.allocateFloats(SparsePanel.size(features, batch));
            for (long i = 0; i < panel.byteSize() / Float.BYTES; i++) {
                panel.setAtIndex(SparsePanel.FLOAT, i, Float.NaN); // a reused buffer: copyIn must zero the padding itself
            }
            SparsePanel.copyIn(xt, 3, batch, features, panel, ld);
            float[] p = panel.toArray(SparsePanel.FLOAT);
            for (int f = 0; f < features; f++) {
                for (int b = 0; b < ld; b++) {
                    float expected = b < batch ? xt[3 + f * batch + b] : 0f;
                    if (p[f * ld + b] != expected) {
                        throw new AssertionError("copyIn " + batch + "×" + features + " at f=" + f + ", b=" + b);
                    }
                }
            }
            float[] yt = new float[batch * features + 2];
            yt[0] = 7f;
            SparsePanel.copyOutRows(panel, ld, batch, yt, 2, false, 0, features);
            for (int i = 0; i < batch * features; i++) {
                assertThat(yt[2 + i]).isEqualTo(xt[3 + i]);
            }
            SparsePanel.copyOutRows(panel, ld, batch, yt, 2, true, 0, features);
            for (int i = 0; i < batch * features; i++) {
                assertThat(yt[2 + i]).isEqualTo(2 * xt[3 + i]);
            }
            assertThat(yt[0]).isEqualTo(7f);
            assertThat(yt[1]).isZero();
        }
    }

    @Test
    void rowRangePacksAndUnpacksTouchTheirRowsOnly() {
        // ranges that start and end inside a staging group (256 rows at batch 64) and across several
        int[][] cases = {{64, 1024, 0, 1024}, {64, 1024, 5, 300}, {64, 1024, 1000, 1024}, {3, 70, 17, 18},
            {129, 600, 100, 599}, {16, 33, 0, 0}};
        for (int[] c : cases) {
            for (BatchLayout layout : BatchLayout.values()) {
                checkPackRows(layout, c[0], c[1], c[2], c[3]);
                checkUnpackRows(layout, c[0], c[1], c[2], c[3]);
            }
        }
    }

    /** packRows over [f0, f1) fills those panel rows as pack does and leaves the others. */
    private static void checkPackRows(BatchLayout layout, int batch, int features, int f0, int f1) {
        int ld = SparsePanel.width(batch);
        float[] x = Fixtures.randomFloats(batch * features + 2, features - batch);
        MemorySegment whole = SparsePanel.allocateFloats(SparsePanel.size(features, batch));
        MemorySegment ranged = SparsePanel.allocateFloats(SparsePanel.size(features, batch));
        for (long i = 0; i < ranged.byteSize() / Float.BYTES; i++) {
            ranged.setAtIndex(SparsePanel.FLOAT, i, Float.NaN);
        }
        layout.pack(x, 2, batch, features, whole, ld);
        layout.packRows(x, 2, batch, features, ranged, ld, f0, f1);
        for (int f = 0; f < features; f++) {
            for (int b = 0; b < ld; b++) {
                float got = ranged.getAtIndex(SparsePanel.FLOAT, (long) f * ld + b);
                float expected = f >= f0 && f < f1 ? whole.getAtIndex(SparsePanel.FLOAT, (long) f * ld + b) : Float.NaN;
                if (Float.compare(got, expected) != 0) {
                    throw new AssertionError(layout + " pack rows [" + f0 + ", " + f1 + ") of " + batch + "×"
                            + features + " at f=" + f + ", b=" + b);
                }
            }
        }
    }

    /** unpackRows over [f0, f1) writes (or adds) those rows of the packed X and leaves the others. */
    private static void checkUnpackRows(BatchLayout layout, int batch, int features, int f0, int f1) {
        int ld = SparsePanel.width(batch);
        float[] x = Fixtures.randomFloats(batch * features, features + batch);
        MemorySegment panel = SparsePanel.allocateFloats(SparsePanel.size(features, batch));
        SparsePanel.pack(x, 0, batch, features, panel, ld);
        float[] base = Fixtures.randomFloats(batch * features + 1, 11);
        for (boolean accumulate : new boolean[] {false, true}) {
            float[] ranged = base.clone();
            layout.unpackRows(panel, ld, batch, features, ranged, 1, accumulate, f0, f1);
            for (int b = 0; b < batch; b++) {
                for (int f = 0; f < features; f++) {
                    int at = 1 + (layout == BatchLayout.BATCH_MAJOR ? b * features + f : f * batch + b);
                    float value = x[b * features + f];
                    float expected = f < f0 || f >= f1 ? base[at] : accumulate ? base[at] + value : value;
                    if (Float.compare(ranged[at], expected) != 0) {
                        throw new AssertionError(layout + " unpack rows [" + f0 + ", " + f1 + ") of " + batch + "×"
                                + features + (accumulate ? " accumulated" : "") + " at f=" + f + ", b=" + b);
                    }
                }
            }
            assertThat(ranged[0]).isEqualTo(base[0]);
        }
    }
}
