package dev.ganglion.models.training;

import dev.ganglion.models.ConfigJson;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run's per-epoch results as checkpoint metadata ({@link Trainer#HISTORY_KEY}), so that a resumed run
 * knows its earlier epochs (its learning curves start at epoch 1): a JSON array of objects with the
 * keys of {@code ganglion train --json}, numbers exact (shortest round-trip digits), a non-finite
 * one written as {@code null} and read back as NaN.
 */
final class EpochHistory {
    private static final List<String> NUMBERS = List.of("loss", "metric", "train_metric", "test_loss", "seconds", "samples_per_s", "lr");

    private EpochHistory() {}

    static String write(List<EpochResult> results) {
        List<Object> rows = new ArrayList<>();
        for (EpochResult r : results) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("epoch", r.epoch());
            row.put("metric_name", r.metricName());
            double[] values = {r.loss(), r.metric(), r.trainMetric(), r.testLoss(), r.seconds(), r.samplesPerSecond(), r.lr()};
            for (int i = 0; i < values.length; i++) {
                row.put(NUMBERS.get(i), Double.isFinite(values[i]) ? values[i] : null);
            }
            rows.add(row);
        }
        return ConfigJson.write(rows);
    }

    /**
     * Parses {@link #write}'s text, which must hold epochs 1 to {@code epochsDone} in order.
     *
     * @throws IllegalArgumentException naming {@code file} and the key when it does not
     */
    static List<EpochResult> read(String text, Path file, int epochsDone) {
        List<EpochResult> out = new ArrayList<>();
        try {
            if (!(ConfigJson.parse(text) instanceof List<?> rows)) {
                throw new IllegalArgumentException("not an array");
            }
            for (Object row : rows) {
                if (!(row instanceof Map<?, ?> m) || !(m.get("epoch") instanceof Long epoch) || epoch != out.size() + 1
                        || !(m.get("metric_name") instanceof String name)) {
                    throw new IllegalArgumentException("entry " + (out.size() + 1) + " is not epoch " + (out.size() + 1)
                            + " with a metric_name");
                }
                double[] v = new double[NUMBERS.size()];
                for (int i = 0; i < v.length; i++) {
                    Object x = m.get(NUMBERS.get(i));
                    if (x != null && !(x instanceof Number)) {
                        throw new IllegalArgumentException("epoch " + epoch + ": " + NUMBERS.get(i) + " is " + ConfigJson.describe(x));
                    }
                    v[i] = x == null ? Double.NaN : ((Number) x).doubleValue();
                }
                out.add(new EpochResult(epoch.intValue(), v[0], v[1], v[2], name, v[3], v[4], v[5], v[6]));
            }
            if (out.size() != epochsDone) {
                throw new IllegalArgumentException(out.size() + " epochs listed, " + epochsDone + " done");
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": malformed training history " + Trainer.HISTORY_KEY + " ("
                    + e.getMessage() + ")", e);
        }
        return out;
    }
}
