package dev.ganglion.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelConfigTest {
    private static final ConfigSchema SCHEMA = ConfigSchema.builder("toy")
            .required("input_size", ConfigSchema.Type.INT)
            .derived("hidden", ConfigSchema.Type.INT)
            .optional("lambda", ConfigSchema.Type.FLOAT, 5)
            .optional("learn", ConfigSchema.Type.BOOL, false)
            .choice("act", "relu", "relu", "silu")
            .build();

    @Test
    void defaultsDerivedFieldsAndJsonRoundTrip() {
        ModelConfig c = ModelConfig.of(SCHEMA, Map.of("input_size", 3));
        assertThat(c.isSet("hidden")).isFalse();
        c = c.withDefault("hidden", 2 * c.getInt("input_size")).withText("learn", "true").withText("act", "silu");
        assertThat(c.toJson()).isEqualTo("{\"input_size\":3,\"hidden\":6,\"lambda\":5.0,\"learn\":true,\"act\":\"silu\"}");
        assertThat(ModelConfig.parse(SCHEMA, c.toJson())).isEqualTo(c);
        assertThat(c.getDouble("lambda")).isEqualTo(5.0);
        assertThat(c.withDefault("hidden", 99).getInt("hidden")).isEqualTo(6);
    }

    @Test
    void strictErrorsNameTheKey() {
        assertThatThrownBy(() -> ModelConfig.parse(SCHEMA, "{\"input_size\":3,\"hiden\":4}"))
                .hasMessageContaining("unknown key 'hiden'").hasMessageContaining("valid keys: input_size, hidden, lambda, learn, act");
        assertThatThrownBy(() -> ModelConfig.of(SCHEMA, Map.of())).hasMessageContaining("required key(s) missing: input_size");
        assertThatThrownBy(() -> ModelConfig.parse(SCHEMA, "{\"input_size\":3.5}")).hasMessageEndingWith("'input_size' must be an integer, got the number 3.5");
        assertThatThrownBy(() -> ModelConfig.parse(SCHEMA, "{\"input_size\":3,\"learn\":1}")).hasMessageEndingWith("'learn' must be true or false, got the integer 1");
        assertThatThrownBy(() -> ModelConfig.parse(SCHEMA, "{\"input_size\":3,\"act\":\"gelu\"}")).hasMessageContaining("'act' = 'gelu' is not one of relu, silu");
        assertThatThrownBy(() -> ModelConfig.parse(SCHEMA, "{\"input_size\":3,\"lambda\":\"x\"}")).hasMessageEndingWith("'lambda' must be a number, got the string \"x\"");
        assertThatThrownBy(() -> ModelConfig.parse(SCHEMA, "{\"input_size\":")).hasMessageContaining("toy config: ConfigJson");
        assertThatThrownBy(() -> ModelConfig.parse(SCHEMA, "[1, 2]")).hasMessage("toy config: expected a JSON object, got an array of 2");
        ModelConfig c = ModelConfig.of(SCHEMA, Map.of("input_size", 3));
        assertThatThrownBy(() -> c.getInt("hidden")).hasMessageContaining("'hidden' is unset");
        assertThatThrownBy(() -> c.getDouble("input_size")).hasMessageContaining("is INT, not FLOAT");
        assertThatThrownBy(() -> c.withText("lambda", "abc")).hasMessageContaining("cannot read 'abc' as FLOAT");
    }

    @Test
    void registryListsKnownModels() {
        ModelRegistry r = new ModelRegistry();
        r.register("toy", ModelFactory.of(SCHEMA, (cfg, ints, rng) -> { throw new UnsupportedOperationException(); }));
        assertThat(r.names()).containsExactly("toy");
        assertThatThrownBy(() -> r.factory("nope")).hasMessageContaining("unknown model 'nope'; known models: toy");
        assertThatThrownBy(() -> r.register("toy", r.factory("toy"))).hasMessageContaining("already registered");
    }
}
