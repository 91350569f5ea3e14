package dev.ganglion.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigJsonTest {
    @Test
    void parsesEveryValueKind() {
        Object v = ConfigJson.parse(" {\"a\": 1, \"b\": -2.5e1, \"c\": [true, false, null], \"d\": \"x\\n\\u00e9\", \"e\": {}} ");
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("a", 1L);
        expected.put("b", -25.0);
        expected.put("c", Arrays.asList(true, false, null));
        expected.put("d", "x\né");
        expected.put("e", Map.of());
        assertThat(v).isEqualTo(expected);
        assertThat(ConfigJson.write(v)).isEqualTo("{\"a\":1,\"b\":-25.0,\"c\":[true,false,null],\"d\":\"x\\n\\u00e9\",\"e\":{}}");
    }

    @Test
    void writesDoublesLikePythonRepr() {
        assertThat(List.of(5.0, 0.15, 1000.0, 1e-5, 1e-4, 1e16, 1e15, 1.2345678901234568e17, -0.5, 0.0))
                .extracting(ConfigJson::pythonRepr)
                .containsExactly("5.0", "0.15", "1000.0", "1e-05", "0.0001", "1e+16", "1000000000000000.0",
                        "1.2345678901234568e+17", "-0.5", "0.0");
    }

    @Test
    void errorsNameThePositionAndKey() {
        assertThatThrownBy(() -> ConfigJson.parse("{\"lambda\": 5.}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("key 'lambda'").hasMessageContaining("position");
        assertThatThrownBy(() -> ConfigJson.parse("{\"a\":1,\"a\":2}")).hasMessageContaining("duplicate key");
        assertThatThrownBy(() -> ConfigJson.parse("[1,2] x")).hasMessageContaining("trailing text");
        assertThatThrownBy(() -> ConfigJson.parse("{\"a\":tru}")).hasMessageContaining("unexpected character");
        assertThatThrownBy(() -> ConfigJson.parse("\"abc")).hasMessageContaining("unterminated string");
        assertThatThrownBy(() -> ConfigJson.parse("012")).hasMessageContaining("leading zero");
        assertThatThrownBy(() -> ConfigJson.parseObject("[1]")).hasMessageContaining("expected a JSON object");
        assertThatThrownBy(() -> ConfigJson.write(Map.of("k", new Object()))).hasMessageContaining("cannot write");
    }
}
