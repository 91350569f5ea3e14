package dev.ganglion.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void writesInInsertionOrderWithEscapes() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("b", 1);
        m.put("a", "x\"y\\z\n");
        m.put("n", null);
        m.put("l", List.of(true, 2.5, Double.NaN));
        assertThat(Json.write(m)).isEqualTo("{\"b\":1,\"a\":\"x\\\"y\\\\z\\n\",\"n\":null,\"l\":[true,2.5,null]}");
    }

    @Test
    void integralDoublesKeepTheirPoint() {
        assertThat(Json.write(List.of(4.0, 1e-4, 7, 2.5f, Float.POSITIVE_INFINITY))).isEqualTo("[4.0,0.0001,7,2.5,null]");
    }

    @Test
    @SuppressWarnings("unchecked")
    void parsesWhatItWritesAndPythonStyleSpacing() {
        Object v = Json.parse("{\"kernel\": \"gemm\", \"shape\": {\"m\": 8}, \"x\": [1, -2.5e3, null, false], \"s\": \"\\u00e9\"}");
        assertThat(v).isInstanceOf(Map.class);
        Map<?, ?> m = (Map<?, ?>) v;
        assertThat(m.get("kernel")).isEqualTo("gemm");
        assertThat(((Map<?, ?>) m.get("shape")).get("m")).isEqualTo(8L);
        assertThat((List<Object>) m.get("x")).containsExactly(1L, -2500.0, null, false);
        assertThat(m.get("s")).isEqualTo("é");
        assertThat(Json.parse(Json.write(m))).isEqualTo(m);
    }

    @Test
    void rejectsMalformedInputWithOffset() {
        for (String bad : Arrays.asList("{", "{\"a\" 1}", "[1,]", "tru", "\"open", "{} x", "1.2.3")) {
            assertThatThrownBy(() -> Json.parse(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at position");
        }
    }
}
