package dev.ganglion.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ganglion.bench.Measurement;
import dev.ganglion.bench.PythonReference;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code --compare} against the local PyTorch or NumPy; skipped where neither is installed. */
class CompareTest {
    @Test
    void referenceLineFollowsWithTheSameShapeAndARatio() {
        var python = PythonReference.find();
        assumeTrue(python.isPresent(), "no python3 with torch or numpy");
        CliRun r = CliRun.of("bench", "gemm", "--m", "16", "--n", "8", "--k", "4", "--threads", "1",
                "--repeat", "2", "--warmup-ms", "20", "--json", "--compare");
        assertThat(r.status()).as(r.err()).isZero();
        List<Measurement> ms = r.outLines().stream().map(Measurement::fromJson).toList();
        assertThat(ms).hasSize(2);
        Measurement ours = ms.get(0);
        Measurement ref = ms.get(1);
        assertThat(ours.impl()).isEqualTo("ganglion");
        assertThat(ref.impl()).isEqualTo(python.get().library());
        assertThat(ref.shape()).isEqualTo(ours.shape());
        assertThat(ref.threads()).isEqualTo(1);
        assertThat(ref.gflops()).isPositive();
        double speedup = ((Number) ref.extra().get("ganglion_speedup")).doubleValue();
        assertThat(speedup).isCloseTo(ref.medianMs() / ours.medianMs(),
                org.assertj.core.data.Percentage.withPercentage(1));
    }

    @Test
    void blockDiagonalReferenceNamesItsFastestFormulation() {
        var python = PythonReference.find();
        assumeTrue(python.isPresent(), "no python3 with torch or numpy");
        CliRun r = CliRun.of("bench", "blockdiag", "--batch", "4", "--dim", "16", "--blocks", "4",
                "--pass", "weight-grad", "--threads", "1", "--repeat", "2", "--warmup-ms", "20", "--json", "--compare");
        assertThat(r.status()).as(r.err()).isZero();
        List<Measurement> ms = r.outLines().stream().map(Measurement::fromJson).toList();
        assertThat(ms).hasSize(2);
        Measurement ref = ms.get(1);
        assertThat(ref.pass()).isEqualTo("weight-grad");
        assertThat(ref.extra()).containsKeys("variant", "variants", "ganglion_speedup");
        // Same useful work on both sides: gflops·ms is the flop count.
        assertThat(ref.gflops() * ref.medianMs()).isCloseTo(ms.get(0).gflops() * ms.get(0).medianMs(),
                org.assertj.core.data.Percentage.withPercentage(1));
    }

    @Test
    void aPythonWithOnlyNumpyLeavesTheStepMeasurementAndSaysWhy() {
        // reference.py refuses a step without torch; that failure had thrown the measurement away (exit 1)
        Comparison.usePython(new PythonReference.Interpreter("python3", "numpy"));
        try {
            CliRun r = CliRun.of("bench", "step-mlp", "--batch", "4", "--set", "hidden_size=16", "--set", "num_layers=1",
                    "--threads", "1", "--repeat", "2", "--warmup-ms", "20", "--json", "--compare");
            assertThat(r.status()).as(r.err()).isZero();
            assertThat(r.outLines()).hasSize(1);
            assertThat(Measurement.fromJson(r.outLines().getFirst()).impl()).isEqualTo("ganglion");
            assertThat(r.err()).contains("--compare: step-mlp needs torch, and python3 has only numpy; no reference timings");
        } finally {
            Comparison.usePython(null);
        }
    }

    @Test
    void stepReferenceRunsThePyTorchModelOnTheSameShape() {
        var python = PythonReference.find();
        assumeTrue(python.isPresent() && python.get().library().equals("torch"), "no python3 with torch");
        CliRun r = CliRun.of("bench", "step-mlp", "--batch", "4", "--set", "hidden_size=16", "--set", "num_layers=1",
                "--threads", "1", "--repeat", "2", "--warmup-ms", "20", "--json", "--compare");
        assertThat(r.status()).as(r.err()).isZero();
        List<Measurement> ms = r.outLines().stream().map(Measurement::fromJson).toList();
        assertThat(ms).extracting(Measurement::impl).containsExactly("ganglion", "torch");
        assertThat(ms.get(1).shape()).isEqualTo(ms.get(0).shape());
        assertThat(ms.get(1).extra().get("parameters")).isEqualTo(ms.get(0).extra().get("parameters"));
        assertThat(ms.get(1).extra()).containsKey("ganglion_speedup");
    }
}
