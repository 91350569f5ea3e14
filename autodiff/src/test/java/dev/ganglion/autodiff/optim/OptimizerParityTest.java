package dev.ganglion.autodiff.optim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ganglion.autodiff.Var;
import dev.ganglion.engine.DType;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.io.SafetensorsFile;
import dev.ganglion.engine.io.SafetensorsReader;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every optimizer against trajectories recorded from PyTorch 1.13 ({@code src/test/python/optim_reference.py}):
 * 14 configs × 6 steps over three parameters, with skipped gradients, an exact-zero and an outlier
 * gradient entry, and a learning-rate change mid-run. The configs are read from the file's
 * metadata, so both sides run the same hyperparameters. Parameters must agree to float32 rounding
 * (relative 2e-6 of the element, or 1e-7 absolute for elements near zero); state buffers and step
 * counts after the last step too. The same configs on float64 parameters against PyTorch's float64
 * kernels agree to 1e-14.
 */
class OptimizerParityTest {
    static final String[] PARAMS = {"a", "b", "c"};
    static final double RTOL = 2e-6;
    static final double ATOL = 1e-7;

    static SafetensorsFile file;
    static int steps;
    static Map<Integer, Double> lrChange = new HashMap<>();

    @BeforeAll
    static void open() throws IOException, URISyntaxException {
        file = SafetensorsReader.open(resource("optim/optim_reference.safetensors"));
        steps = Integer.parseInt(file.metadata().get("steps"));
        // {"3": 0.5}
        String s = file.metadata().get("lr_change").replaceAll("[{}\" ]", "");
        for (String kv : s.split(",")) {
            String[] p = kv.split(":");
            lrChange.put(Integer.parseInt(p[0]), Double.parseDouble(p[1]));
        }
    }

    @AfterAll
    static void close() throws IOException {
        file.close();
    }

    static Path resource(String name) throws URISyntaxException {
        return Path.of(OptimizerParityTest.class.getClassLoader().getResource(name).toURI());
    }

    @Test
    void everyKindIsCovered() {
        Set<String> kinds = new TreeSet<>();
        for (String cfg : configs().values()) {
            kinds.add(cfg.split(" ")[0]);
        }
        assertThat(kinds).containsExactlyInAnyOrderElementsOf(Optimizers.NAMES);
        assertThat(configs()).hasSizeGreaterThanOrEqualTo(14);
    }

    @Test
    void trajectoriesMatchPyTorch() throws IOException {
        Stats stats = new Stats(RTOL, ATOL);
        for (Map.Entry<String, String> cfg : configs().entrySet()) {
            replay(cfg.getKey(), cfg.getValue(), DType.F32, stats);
        }
        System.out.printf("optimizer parity: %d elements, %d bit-identical, max relative error %.3g%n",
                stats.count, stats.identical, stats.maxRel);
        assertThat(stats.identical).isGreaterThan(stats.count / 2);
    }

    @Test
    void float64TrajectoriesMatchPyTorchsFloat64Kernels() throws IOException {
        // the same configs on float64 parameters and gradients: state in float64, constants unrounded
        Stats stats = new Stats(1e-14, 1e-300);
        for (Map.Entry<String, String> cfg : configs().entrySet()) {
            replay(cfg.getKey(), cfg.getValue(), DType.F64, stats);
        }
        System.out.printf("optimizer parity in float64: %d elements, %d bit-identical, max relative error %.3g%n",
                stats.count, stats.identical, stats.maxRel);
        assertThat(stats.identical).isGreaterThan(stats.count * 9 / 10);
    }

    /** Replays config {@code name} on {@code dtype} parameters against its PyTorch trajectory of that dtype. */
    private void replay(String name, String config, DType dtype, Stats stats) throws IOException {
        String ref = dtype == DType.F64 ? "f64." + name : name;
        List<Var> params = new ArrayList<>();
        for (String p : PARAMS) {
            params.add(Var.parameter(file.tensor("init." + p).to(dtype).copy()));
        }
        Optimizer opt = build(config, params);
        for (int s = 0; s < steps; s++) {
            if (lrChange.containsKey(s)) {
                opt.setLr(opt.lr() * lrChange.get(s));
            }
            for (int i = 0; i < PARAMS.length; i++) {
                String g = "grad." + s + "." + PARAMS[i];
                params.get(i).setGrad(file.contains(g) ? file.tensor(g).to(dtype).copy() : null);
            }
            opt.step();
            for (int i = 0; i < PARAMS.length; i++) {
                compare(ref + " step " + s + " " + PARAMS[i], params.get(i).value(),
                        file.tensor(ref + "." + s + "." + PARAMS[i]), stats);
            }
        }
        OptimizerState state = opt.stateDict();
        int[] torchSteps = file.ints(ref + ".steps");
        for (int i = 0; i < PARAMS.length; i++) {
            assertThat(state.steps()[i]).as(ref + " steps of " + PARAMS[i]).isEqualTo(torchSteps[i]);
            for (Map.Entry<String, Tensor> b : state.buffers().get(i).entrySet()) {
                String buffer = ref + ".state." + PARAMS[i] + "." + b.getKey();
                assertThat(file.contains(buffer)).as(buffer + " exists in PyTorch's state").isTrue();
                compare(buffer, b.getValue(), file.tensor(buffer), stats);
            }
        }
    }

    /** Element by element within the stats' tolerance; the dtypes must agree. */
    static void compare(String what, Tensor actual, Tensor expected, Stats stats) {
        assertThat(actual.dtype()).as(what).isEqualTo(expected.dtype());
        double[] a = actual.toDoubleArray();
        double[] e = expected.toDoubleArray();
        assertThat(a.length).as(what).isEqualTo(e.length);
        for (int k = 0; k < a.length; k++) {
            double err = Math.abs(a[k] - e[k]);
            stats.count++;
            stats.identical += Double.doubleToLongBits(a[k]) == Double.doubleToLongBits(e[k]) ? 1 : 0;
            stats.maxRel = Math.max(stats.maxRel, err / Math.max(Math.abs(e[k]), 1e-30));
            if (err > stats.atol + stats.rtol * Math.abs(e[k])) {
                throw new AssertionError(what + " [" + k + "]: " + a[k] + " vs PyTorch " + e[k]);
            }
        }
    }

    static final class Stats {
        final double rtol;
        final double atol;
        long count;
        long identical;
        double maxRel;

        Stats(double rtol, double atol) {
            this.rtol = rtol;
            this.atol = atol;
        }
    }

    /** {@code config.NAME → "kind key=value ..."}, in file order. */
    static Map<String, String> configs() {
        Map<String, String> out = new LinkedHashMap<>();
        file.metadata().forEach((k, v) -> {
            if (k.startsWith("config.")) {
                out.put(k.substring("config.".length()), v);
            }
        });
        return out;
    }

    /** The optimizer a config line describes, e.g. {@code "adam betas=0.9,0.999 eps=1e-08 lr=0.01 weight_decay=0.0"}. */
    static Optimizer build(String config, List<Var> params) {
        String[] parts = config.split(" ");
        Map<String, String> kv = new HashMap<>();
        for (int i = 1; i < parts.length; i++) {
            String[] p = parts[i].split("=");
            kv.put(p[0], p[1]);
        }
        double lr = Double.parseDouble(kv.get("lr"));
        double wd = Double.parseDouble(kv.get("weight_decay"));
        return switch (parts[0]) {
            case "sgd" -> new Sgd(params, lr, d(kv, "momentum"), d(kv, "dampening"), wd, Boolean.parseBoolean(kv.get("nesterov")));
            case "adam" -> new Adam(params, lr, beta(kv, 0), beta(kv, 1), d(kv, "eps"), wd);
            case "adamw" -> new AdamW(params, lr, beta(kv, 0), beta(kv, 1), d(kv, "eps"), wd);
            case "adamax" -> new Adamax(params, lr, beta(kv, 0), beta(kv, 1), d(kv, "eps"), wd);
            case "rmsprop" -> new RmsProp(params, lr, d(kv, "alpha"), d(kv, "eps"), wd, d(kv, "momentum"),
                    Boolean.parseBoolean(kv.get("centered")));
            default -> throw new AssertionError("unknown kind in " + config);
        };
    }

    private static double d(Map<String, String> kv, String key) {
        return Double.parseDouble(kv.get(key));
    }

    private static double beta(Map<String, String> kv, int i) {
        return Double.parseDouble(kv.get("betas").split(",")[i]);
    }
}
