package dev.ganglion.cli;

import dev.ganglion.engine.io.AtomicFiles;
import dev.ganglion.models.training.EpochResult;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;

/**
 * Learning curves of a run: two panels against the epoch, left the training and test loss, right the
 * test metric. Written as SVG by hand, or as PNG through {@code javax.imageio}; no dependency. A
 * non-finite value (a diverged test loss) leaves a gap in its curve, and a point with no finite
 * neighbour (a one-epoch run) is drawn as a dot.
 */
final class CurvePlot {
    private static final int W = 900;
    private static final int H = 360;
    private static final int PANEL = W / 2;
    private static final int M = 50;
    private static final String[] COLORS = {"#1f77b4", "#ff7f0e", "#2ca02c"};
    /** Radius in pixels of an isolated point. */
    private static final int DOT = 3;

    private CurvePlot() {}

    /** Writes {@code path} (.svg or .png), atomically. */
    static void write(Path path, String title, List<EpochResult> rs) throws IOException {
        if (path.toString().endsWith(".png")) {
            BufferedImage img = png(title, rs);
            AtomicFiles.write(path, os -> ImageIO.write(img, "png", os));
        } else {
            AtomicFiles.writeString(path, svg(title, rs));
        }
    }

    /** {x0, y0, width, height} of panel {@code p}. */
    private static int[] box(int p) {
        return new int[] {p * PANEL + M, M, PANEL - M - 20, H - 2 * M};
    }

    private static double[] range(List<EpochResult> rs, List<ToDoubleFunction<EpochResult>> fs) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (EpochResult r : rs) {
            for (ToDoubleFunction<EpochResult> f : fs) {
                double v = f.applyAsDouble(r);
                if (Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        if (!(lo <= hi)) {
            return new double[] {0, 1};
        }
        double pad = hi > lo ? 0.05 * (hi - lo) : Math.max(1e-9, Math.abs(hi) * 0.05 + 1e-9);
        return new double[] {lo - pad, hi + pad};
    }

    /**
     * The curve of series {@code f} in panel {@code p}: the pixel coordinates of its points, cut into
     * runs of consecutive finite values.
     */
    private static List<List<double[]>> curve(List<EpochResult> rs, ToDoubleFunction<EpochResult> f, int p, double[] yr) {
        int[] b = box(p);
        int first = rs.getFirst().epoch();
        int span = Math.max(1, rs.getLast().epoch() - first);
        List<List<double[]>> runs = new ArrayList<>();
        List<double[]> run = new ArrayList<>();
        for (EpochResult r : rs) {
            double v = f.applyAsDouble(r);
            if (!Double.isFinite(v)) {
                run = new ArrayList<>();
                continue;
            }
            if (run.isEmpty()) {
                runs.add(run);
            }
            run.add(new double[] {b[0] + b[2] * (double) (r.epoch() - first) / span, b[1] + b[3] * (1 - (v - yr[0]) / (yr[1] - yr[0]))});
        }
        return runs;
    }

    private record Series(String name, ToDoubleFunction<EpochResult> f, int panel, int row) {}

    private static List<Series> series(List<EpochResult> rs) {
        return List.of(new Series("train loss", EpochResult::loss, 0, 0), new Series("test loss", EpochResult::testLoss, 0, 1),
                new Series("test " + rs.getFirst().metricName(), EpochResult::metric, 1, 0));
    }

    /** The value range of each panel: the two losses, then the metric. */
    private static double[][] ranges(List<EpochResult> rs) {
        return new double[][] {range(rs, List.of(EpochResult::loss, EpochResult::testLoss)), range(rs, List.of(EpochResult::metric))};
    }

    static String svg(String title, List<EpochResult> rs) {
        double[][] ranges = ranges(rs);
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"12\">%n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n", W, H));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"20\" font-size=\"14\">%s</text>%n", M, escape(title)));
        for (int p = 0; p < 2; p++) {
            int[] b = box(p);
            double[] yr = ranges[p];
            s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#888\"/>%n",
                    b[0], b[1], b[2], b[3]));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n", b[0] - 4, b[1] + 10, fmt(yr[1])));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n", b[0] - 4, b[1] + b[3], fmt(yr[0])));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">epoch %d–%d</text>%n",
                    b[0] + b[2] / 2, b[1] + b[3] + 20, rs.getFirst().epoch(), rs.getLast().epoch()));
        }
        List<Series> ss = series(rs);
        for (int i = 0; i < ss.size(); i++) {
            Series se = ss.get(i);
            for (List<double[]> run : curve(rs, se.f(), se.panel(), ranges[se.panel()])) {
                if (run.size() == 1) {
                    s.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%d\" fill=\"%s\"/>%n",
                            run.getFirst()[0], run.getFirst()[1], DOT, COLORS[i]));
                    continue;
                }
                StringBuilder pts = new StringBuilder();
                for (double[] pt : run) {
                    pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", pt[0], pt[1]));
                }
                s.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>%n",
                        COLORS[i], pts.toString().trim()));
            }
            int[] b = box(se.panel());
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"%s\">%s</text>%n",
                    b[0] + b[2] - 110, legendY(b, se), COLORS[i], escape(se.name())));
        }
        return s.append("</svg>\n").toString();
    }

    static BufferedImage png(String title, List<EpochResult> rs) {
        double[][] ranges = ranges(rs);
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H);
        g.setColor(Color.BLACK);
        g.drawString(title, M, 20);
        for (int p = 0; p < 2; p++) {
            int[] b = box(p);
            double[] yr = ranges[p];
            g.setColor(Color.GRAY);
            g.drawRect(b[0], b[1], b[2], b[3]);
            g.drawString(fmt(yr[1]), b[0] - 4 - g.getFontMetrics().stringWidth(fmt(yr[1])), b[1] + 10);
            g.drawString(fmt(yr[0]), b[0] - 4 - g.getFontMetrics().stringWidth(fmt(yr[0])), b[1] + b[3]);
            g.drawString("epoch " + rs.getFirst().epoch() + "-" + rs.getLast().epoch(), b[0] + b[2] / 2 - 30, b[1] + b[3] + 20);
        }
        List<Series> ss = series(rs);
        g.setStroke(new BasicStroke(2f));
        for (int i = 0; i < ss.size(); i++) {
            Series se = ss.get(i);
            g.setColor(Color.decode(COLORS[i]));
            for (List<double[]> run : curve(rs, se.f(), se.panel(), ranges[se.panel()])) {
                if (run.size() == 1) {
                    g.fillOval((int) Math.round(run.getFirst()[0]) - DOT, (int) Math.round(run.getFirst()[1]) - DOT, 2 * DOT, 2 * DOT);
                }
                for (int k = 1; k < run.size(); k++) {
                    g.drawLine((int) run.get(k - 1)[0], (int) run.get(k - 1)[1], (int) run.get(k)[0], (int) run.get(k)[1]);
                }
            }
            int[] b = box(se.panel());
            g.drawString(se.name(), b[0] + b[2] - 110, legendY(b, se));
        }
        g.dispose();
        return img;
    }

    /** The baseline of a series' legend entry: one row per series of its panel. */
    private static int legendY(int[] box, Series se) {
        return box[1] + 16 + 14 * se.row();
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.3g", v);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
