package dev.ganglion.models.recurrent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ganglion.models.Golden;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every recurrent golden file: {@code y}, {@code grad.x} and every {@code grad.NAME} within a relative
 * error of 1e-4, measured as {@code max|actual − expected| / max|expected|} per tensor.
 */
class RecurrentGoldenTest {
    @ParameterizedTest
    @ValueSource(strings = {"lstm_1layer", "sublstm_2layer", "fix_sublstm_2layer", "sublstm_t1_b1",
            "elm_small", "elm_routed", "elm_silu_branches"})
    void matchesPyTorch(String golden) {
        Map<String, Double> err = Golden.run(golden);
        System.out.println("golden " + golden + " max rel err " + err.values().stream().mapToDouble(d -> d).max().orElse(0) + " " + err);
        assertThat(err).allSatisfy((name, e) -> assertThat(e).as(golden + " " + name).isLessThan(1e-4));
    }
}
