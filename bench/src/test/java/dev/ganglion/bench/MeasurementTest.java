package dev.ganglion.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MeasurementTest {
    private static Measurement sample() {
        Map<String, Object> shape = new LinkedHashMap<>();
        shape.put("m", 1024);
        shape.put("n", 1024);
        shape.put("k", 1024);
        return new Measurement("gemm", shape, "forward", "cpu", 1, "ganglion", 4.912345,
                Measurement.gflopsOf(2.0 * 1024 * 1024 * 1024, 4.912345), 498.04, Map.of());
    }

    @Test
    void jsonLineHasTheCliSpecFieldsInOrder() {
        assertThat(sample().toJson()).isEqualTo("{\"kernel\":\"gemm\",\"shape\":{\"m\":1024,\"n\":1024,\"k\":1024},"
                + "\"pass\":\"forward\",\"device\":\"cpu\",\"threads\":1,\"impl\":\"ganglion\","
                + "\"median_ms\":4.912,\"gflops\":437.2,\"peak_gflops\":498.0}");
    }

    @Test
    void readsAReferenceLineKeepingExtras() {
        String py = "{\"kernel\": \"blockdiag\", \"shape\": {\"batch\": 4}, \"pass\": \"input-grad\", "
                + "\"device\": \"cpu\", \"threads\": 2, \"impl\": \"torch\", \"median_ms\": 0.5, "
                + "\"gflops\": 3, \"peak_gflops\": null, \"variant\": \"bmm\"}";
        Measurement m = Measurement.fromJson(py);
        assertThat(m.impl()).isEqualTo("torch");
        assertThat(m.pass()).isEqualTo("input-grad");
        assertThat(m.threads()).isEqualTo(2);
        assertThat(m.gflops()).isEqualTo(3.0);
        assertThat(m.peakGflops()).isNull();
        assertThat(m.extra()).containsEntry("variant", "bmm");
        assertThat(Measurement.fromJson(m.toJson())).isEqualTo(m);
    }

    @Test
    void rejectsLinesThatAreNotMeasurements() {
        assertThatThrownBy(() -> Measurement.fromJson("[1]")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Measurement.fromJson("{\"kernel\":\"gemm\"}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a measurement");
    }

    @Test
    void peakFractionAndNullGflops() {
        assertThat(sample().fractionOfPeak()).isBetween(0.87, 0.88);
        assertThat(Measurement.gflopsOf(Double.NaN, 1.0)).isNull();
        assertThat(sample().withPeak(null).fractionOfPeak()).isNull();
    }
}
