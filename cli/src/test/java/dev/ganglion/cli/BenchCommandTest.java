package dev.ganglion.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ganglion.bench.Json;
import dev.ganglion.bench.Measurement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** End to end through {@link Main#run}, on tiny shapes with a short warm-up. */
class BenchCommandTest {
    static final String[] FAST = {"--repeat", "2", "--warmup-ms", "20"};

    static String[] args(String... a) {
        String[] r = new String[a.length + FAST.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(FAST, 0, r, a.length, FAST.length);
        return r;
    }

    @Test
    @SuppressWarnings("unchecked")
    void gemmJsonLineHasTheCliSpecFields() {
        CliRun r = CliRun.of(args("bench", "gemm", "--m", "8", "--n", "5", "--k", "3", "--threads", "1", "--json"));
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.outLines()).hasSize(1);
        Map<String, Object> line = (Map<String, Object>) Json.parse(r.outLines().getFirst());
        assertThat(line).containsKeys("kernel", "shape", "pass", "device", "threads", "impl",
                "median_ms", "gflops", "peak_gflops");
        assertThat(line).containsEntry("kernel", "gemm").containsEntry("pass", "forward")
                .containsEntry("device", "cpu").containsEntry("threads", 1L).containsEntry("impl", "ganglion");
        assertThat((Map<String, Object>) line.get("shape")).containsExactly(
                org.assertj.core.api.Assertions.entry("m", 8L), org.assertj.core.api.Assertions.entry("n", 5L),
                org.assertj.core.api.Assertions.entry("k", 3L));
        Measurement m = Measurement.fromJson(r.outLines().getFirst());
        assertThat(m.medianMs()).isPositive();
        assertThat(m.gflops()).isPositive();
        // gflops is the useful work 2·m·n·k over the median time (to the 4 printed digits).
        assertThat(m.gflops()).isCloseTo(2.0 * 8 * 5 * 3 / (m.medianMs() * 1e6), org.assertj.core.data.Percentage.withPercentage(0.2));
    }

    @Test
    void transposeFlagsAppearInTheShape() {
        CliRun r = CliRun.of(args("bench", "gemm", "--m", "4", "--n", "4", "--k", "4", "--trans-a", "--trans-b", "--json"));
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(Measurement.fromJson(r.outLines().getFirst()).shape())
                .containsEntry("trans_a", true).containsEntry("trans_b", true);
    }

    @Test
    void humanTableHasTheColumns() {
        CliRun r = CliRun.of(args("bench", "gemm", "--m", "4", "--n", "4", "--k", "4"));
        assertThat(r.status()).as(r.err()).isZero();
        List<String> lines = r.outLines();
        assertThat(lines.get(1)).contains("impl", "shape", "median ms", "GFLOP/s", "% of peak");
        assertThat(lines.get(2)).startsWith("ganglion").contains("m=4 n=4 k=4");
    }

    @Test
    void everyKernelPrintsParseableLinesWithItsShape() {
        record Case(List<String> args, int lines, Map<String, Object> shape) {}
        List<Case> cases = List.of(
                new Case(List.of("blockdiag", "--batch", "3", "--dim", "8", "--blocks", "2", "--pass", "all"), 3,
                        Map.of("batch", 3L, "dim", 8L, "blocks", 2L)),
                new Case(List.of("bsr", "--batch", "2", "--rows", "8", "--cols", "8", "--block", "4", "--density", "0.5"), 1,
                        Map.of("batch", 2L, "rows", 8L, "cols", 8L, "block", 4L, "density", 0.5)),
                new Case(List.of("csr", "--batch", "2", "--rows", "6", "--cols", "20", "--pass", "input-grad"), 1,
                        Map.of("batch", 2L, "rows", 6L, "cols", 20L, "block", 1L, "density", 0.1)),
                new Case(List.of("elementwise", "--op", "tanh", "--rows", "2", "--cols", "3"), 1,
                        Map.of("op", "tanh", "rows", 2L, "cols", 3L)),
                new Case(List.of("softmax", "--rows", "2", "--cols", "3"), 1, Map.of("rows", 2L, "cols", 3L)));
        for (Case c : cases) {
            List<String> a = new java.util.ArrayList<>(List.of("bench"));
            a.addAll(c.args());
            a.add("--json");
            CliRun r = CliRun.of(args(a.toArray(String[]::new)));
            assertThat(r.status()).as(c.args() + ": " + r.err()).isZero();
            assertThat(r.outLines()).as(c.args().toString()).hasSize(c.lines());
            List<Measurement> ms = r.outLines().stream().map(Measurement::fromJson).toList();
            assertThat(ms).allSatisfy(m -> {
                assertThat(m.kernel()).isEqualTo(c.args().getFirst());
                assertThat(m.shape()).isEqualTo(c.shape());
                assertThat(m.gflops()).isPositive();
                assertThat(m.peakGflops()).isPositive();
            });
            if (c.lines() == 3) {
                assertThat(ms).extracting(Measurement::pass).containsExactly("forward", "input-grad", "weight-grad");
            }
        }
    }

    @Test
    void kernelValueErrorsAreUsageErrors() {
        for (String[] a : List.of(new String[] {"bench", "blockdiag", "--dim", "10", "--blocks", "4"},
                new String[] {"bench", "blockdiag", "--pass", "backward"},
                new String[] {"bench", "bsr", "--rows", "10", "--block", "4"},
                new String[] {"bench", "csr", "--density", "1.5"},
                new String[] {"bench", "csr", "--cols", "4", "--density", "0.1"},
                new String[] {"bench", "elementwise", "--op", "frob"},
                new String[] {"bench", "softmax", "--op", "exp"})) {
            CliRun r = CliRun.of(a);
            assertThat(r.status()).as(String.join(" ", a)).isEqualTo(Main.USAGE);
            assertThat(r.errLines()).as(String.join(" ", a)).hasSize(1);
            assertThat(r.err()).as(String.join(" ", a)).doesNotContain("\tat ");
        }
    }

    @Test
    void unknownKernelIsOneLineAndUsageStatus() {
        CliRun r = CliRun.of("bench", "gemmm");
        assertThat(r.status()).isEqualTo(Main.USAGE);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().lines().toList()).containsExactly(
                "ganglion bench: unknown kernel 'gemmm'; expected one of: gemm, blockdiag, bsr, csr, elementwise,"
                        + " softmax, step-MODEL (MODEL: lstm, sublstm, fix-sublstm, elm, g2gnet, mlp, circuitnet)"
                        + " (see ganglion bench --help)");
    }

    @Test
    void optionsOfAnotherKernelAreRejected() {
        CliRun r = CliRun.of("bench", "gemm", "--density", "0.5", "--dim", "4");
        assertThat(r.status()).isEqualTo(Main.USAGE);
        assertThat(r.err()).startsWith("ganglion bench: --density, --dim do not apply to gemm");
        CliRun seq = CliRun.of("bench", "step-mlp", "--versus", "g2gnet", "--seq-len", "5");
        assertThat(seq.status()).isEqualTo(Main.USAGE);
        assertThat(seq.err()).startsWith("ganglion bench: --seq-len: step-mlp and --versus g2gnet read no sequences "
                + "(the recurrent models: lstm, sublstm, fix-sublstm, elm)");
    }

    @Test
    void badValuesAreUsageErrorsWithoutStackTraces() {
        for (String[] a : List.of(new String[] {"bench", "gemm", "--m", "x"},
                new String[] {"bench", "gemm", "--m", "0"},
                new String[] {"bench", "gemm", "--threads", "0"},
                new String[] {"bench", "gemm", "--repeat", "0"},
                new String[] {"bench", "gemm", "--warmup-ms", "9300000000000"},   // its nanoseconds overflowed
                new String[] {"bench", "gemm", "--device", "tpu"},
                new String[] {"bench"},
                new String[] {"bench", "step-nope"},
                new String[] {"bench", "step-mlp", "--m", "3"},
                new String[] {"bench", "step-mlp", "--optimizer", "lion"},
                new String[] {"bench", "step-mlp", "--set", "hidden_sizee=3"},
                new String[] {"bench", "step-mlp", "--versus", "nope"},
                new String[] {"bench", "gemm", "--versus", "mlp"},
                new String[] {"frobnicate"},
                new String[] {})) {
            CliRun r = CliRun.of(a);
            assertThat(r.status()).as(String.join(" ", a)).isEqualTo(Main.USAGE);
            assertThat(r.errLines()).as(String.join(" ", a)).hasSize(1);
            assertThat(r.err()).as(String.join(" ", a)).doesNotContain("Exception", "\tat ");
        }
    }

    @Test
    void verboseAddsTheStackTrace() {
        CliRun r = CliRun.of("bench", "gemm", "--m", "0", "--verbose");
        assertThat(r.status()).isEqualTo(Main.USAGE);
        assertThat(r.err()).contains("gemm: --m must be ≥ 1, got 0", "IllegalArgumentException", "\tat ");
    }

    @Test
    void cudaWithoutABackendIsAFailureNamingTheReason() {
        CliRun r = CliRun.of("bench", "gemm", "--device", "cuda");
        assertThat(r.status()).isNotZero();
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.errLines().getFirst()).startsWith("ganglion bench: error: --device cuda:");
    }

    @Test
    @SuppressWarnings("unchecked")
    void stepBenchTimesOneTrainingStepOfAModel() {
        CliRun r = CliRun.of(args("bench", "step-sublstm", "--batch", "3", "--seq-len", "5", "--set", "hidden_size=7",
                "--threads", "1", "--json"));
        assertThat(r.status()).as(r.err()).isZero();
        Measurement m = Measurement.fromJson(r.outLines().getFirst());
        assertThat(m.kernel()).isEqualTo("step-sublstm");
        assertThat(m.pass()).isEqualTo("all");
        assertThat(m.shape()).containsEntry("batch", 3L).containsEntry("seq_len", 5L)
                .containsEntry("optimizer", "adam").containsEntry("hidden_size", 7L);
        assertThat(m.medianMs()).isPositive();
        assertThat(m.gflops()).isNull();
        // subLSTM 28 → 7 (weight_ih, weight_hh, bias_ih, bias_hh) and the readout 7 → 10
        assertThat(m.extra().get("parameters")).isEqualTo((long) (4 * 7 * (28 + 7) + 2 * 4 * 7 + 7 * 10 + 10));
        assertThat((Map<String, Object>) m.extra().get("config")).containsEntry("variant", "sublstm");
    }

    @Test
    @SuppressWarnings("unchecked")
    void versusTimesASecondModelsStepBesideTheFirstWithTheSetsItHas() {
        CliRun r = CliRun.of(args("bench", "step-g2gnet", "--versus", "mlp", "--batch", "4", "--set", "hidden_size=16",
                "--set", "groups=2", "--threads", "1", "--json"));
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.err()).contains("ganglion bench: note: --versus mlp: not applied to mlp: groups");
        assertThat(r.outLines()).hasSize(2);
        Measurement g = Measurement.fromJson(r.outLines().get(0));
        Measurement m = Measurement.fromJson(r.outLines().get(1));
        assertThat(g.kernel()).isEqualTo("step-g2gnet");
        assertThat(g.extra()).containsEntry("versus", "step-mlp");
        assertThat(((Number) g.extra().get("speedup")).doubleValue()).isPositive().isFinite();
        assertThat((Map<String, Object>) g.extra().get("config")).containsEntry("groups", 2L);
        assertThat(m.kernel()).isEqualTo("step-mlp");
        assertThat(m.extra()).containsEntry("versus", "step-g2gnet").doesNotContainKey("speedup");
        assertThat((Map<String, Object>) m.extra().get("config")).containsEntry("hidden_size", 16L);
        assertThat(m.medianMs()).isPositive();
    }
}
