package dev.ganglion.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ganglion.models.training.EpochResult;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Learning curves: gaps where a value is not finite, dots for points with no finite neighbour. */
class CurvePlotTest {
    private static EpochResult epoch(int e, double loss, double testLoss, double metric) {
        return new EpochResult(e, loss, metric, metric, "accuracy", testLoss, 1, 100, 1e-3);
    }

    @Test
    void aNonFiniteValueLeavesAGapInsteadOfAPointAtTheBottom() {
        List<EpochResult> rs = List.of(epoch(1, 2.0, 2.5, 0.2), epoch(2, 1.0, Double.NaN, Double.POSITIVE_INFINITY),
                epoch(3, 0.5, 1.5, 0.6), epoch(4, 0.4, 1.2, 0.7));
        String svg = CurvePlot.svg("t", rs);
        // the train loss is one line; the test loss a dot at epoch 1 and a line over epochs 3-4; the metric likewise
        assertThat(svg.lines().filter(l -> l.startsWith("<polyline")).toList()).hasSize(3)
                .allMatch(l -> l.split(",").length - 1 == (l.contains("#1f77b4") ? 4 : 2));
        assertThat(svg.lines().filter(l -> l.startsWith("<circle")).toList()).hasSize(2);
        assertThat(svg).doesNotContain("NaN").doesNotContain("Infinity");
    }

    @Test
    void aOneEpochRunShowsItsPointsInBothFormats() {
        List<EpochResult> one = List.of(epoch(1, 2.0, 2.5, 0.2));
        assertThat(CurvePlot.svg("t", one).lines().filter(l -> l.startsWith("<circle")).toList()).hasSize(3);
        BufferedImage img = CurvePlot.png("t", one);
        int orange = 0xff7f0e;
        boolean found = false;
        for (int y = 0; y < img.getHeight() && !found; y++) {
            for (int x = 0; x < 70 && !found; x++) {   // the left panel's first epoch, away from the legend
                found = (img.getRGB(x, y) & 0xffffff) == orange;
            }
        }
        assertThat(found).as("the test loss's dot in the left panel").isTrue();
    }

    @Test
    void eachPanelsLegendStartsAtItsTop() {
        String svg = CurvePlot.svg("t", List.of(epoch(1, 2.0, 2.5, 0.2), epoch(2, 1.0, 1.5, 0.4)));
        assertThat(svg).contains("y=\"66\" fill=\"#1f77b4\">train loss").contains("y=\"80\" fill=\"#ff7f0e\">test loss")
                .contains("y=\"66\" fill=\"#2ca02c\">test accuracy");
    }
}
