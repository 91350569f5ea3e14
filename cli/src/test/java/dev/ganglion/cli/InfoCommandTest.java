package dev.ganglion.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ganglion.bench.Json;
import dev.ganglion.engine.Parallel;
import dev.ganglion.engine.Vectorization;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InfoCommandTest {
    @Test
    void versionIsTheProjectVersionAndTheJdk() {
        CliRun r = CliRun.of("--version");
        assertThat(r.status()).isZero();
        assertThat(r.outLines()).hasSize(2);
        assertThat(r.outLines().get(0)).matches("ganglion \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
        assertThat(r.outLines().get(1)).startsWith("JDK " + Runtime.version());
        for (String command : new String[] {"info", "bench", "train", "eval"}) {
            assertThat(CliRun.of(command, "-V").outLines()).as(command + " -V").isEqualTo(r.outLines());
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void jsonIsOneObjectWithTheDocumentedFields() {
        CliRun r = CliRun.of("info", "--json");
        assertThat(r.status()).isZero();
        assertThat(r.outLines()).hasSize(1);
        Map<String, Object> info = (Map<String, Object>) Json.parse(r.outLines().getFirst());
        assertThat(info).containsKeys("jdk", "os", "processors", "vector", "threads", "cuda");

        Map<String, Object> jdk = (Map<String, Object>) info.get("jdk");
        assertThat(((Number) jdk.get("feature")).intValue()).isGreaterThanOrEqualTo(25);
        assertThat(jdk.get("vendor")).isEqualTo(System.getProperty("java.vendor"));

        Map<String, Object> vec = (Map<String, Object>) info.get("vector");
        assertThat(vec.get("enabled")).isEqualTo(Vectorization.enabled());
        assertThat(vec.get("reason")).isEqualTo(Vectorization.reason());
        long lanes = ((Number) vec.get("float_lanes")).longValue();
        long bits = ((Number) vec.get("bits")).longValue();
        assertThat(lanes * 32).isEqualTo(bits);
        assertThat(lanes > 1).isEqualTo(Vectorization.enabled());
        assertThat(vec).containsKey("forced_bits");

        assertThat(((Number) info.get("threads")).intValue()).isEqualTo(Parallel.threads());

        Map<String, Object> cuda = (Map<String, Object>) info.get("cuda");
        assertThat(cuda).containsKeys("available", "reason", "device", "compute_capability", "memory_bytes",
                "runtime_version", "driver_version", "cublas_version", "cusparse_version");
        assertThat((String) cuda.get("reason")).isNotBlank();
        if (!(Boolean) cuda.get("available")) {
            assertThat(cuda.get("device")).isNull();
        }
    }

    @Test
    void humanOutputNamesEachSection() {
        CliRun r = CliRun.of("info");
        assertThat(r.status()).isZero();
        assertThat(r.out()).contains("JDK", "Vector API", "Threads", "CUDA");
    }

    @Test
    void unknownFlagIsAUsageError() {
        CliRun r = CliRun.of("info", "--jsn");
        assertThat(r.status()).isEqualTo(Main.USAGE);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.errLines().getFirst()).startsWith("ganglion info: Unknown option: '--jsn'");
    }
}
