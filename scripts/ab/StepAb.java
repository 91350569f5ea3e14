import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Times two builds of a whole training step against each other in one JVM: each build's engine,
 * autodiff, models and bench classes through its own class loader, one model built in each from the
 * same seed ({@code dev.ganglion.bench.ModelStepCase}, the case of {@code ganglion bench step-MODEL}),
 * and their steps run in turn (which of the two goes first alternates). The figure is the median of
 * the paired ratios new/base over the second half of the steps. Separate runs on a shared host drift
 * by 5–10 % between them, more than the step-level changes worth settling; paired in one JVM the
 * ratio settles to 1–2 %. The two builds' losses are compared at every step: the same bits, or the
 * largest relative difference.
 *
 * <p>Usage: {@code java --add-modules jdk.incubator.vector -Dganglion.threads=1
 * scripts/ab/StepAb.java BASE_TREE NEW_TREE [model batch steps [key=value ...]]} (a source-file
 * program; the launcher compiles {@code Paired.java} from the same folder). Each tree is a checkout
 * with its modules' {@code target/classes} built; {@code scripts/step-ab.sh} builds a commit's tree
 * and runs this. Defaults: {@code g2gnet}, batch 64, 600 steps, and {@code hidden_size=1024} when no
 * model is named.
 */
public final class StepAb {
    private static final String CASE = "dev.ganglion.bench.ModelStepCase";
    private static final List<String> MODULES = List.of("engine", "autodiff", "models", "bench");

    public static void main(String[] args) throws Exception {
        if (args.length != 2 && args.length < 5) {
            System.err.println("usage: StepAb BASE_TREE NEW_TREE [model batch steps [key=value ...]]");
            System.exit(2);
        }
        String model = args.length > 2 ? args[2] : "g2gnet";
        int batch = args.length > 2 ? Integer.parseInt(args[3]) : 64;
        int steps = args.length > 2 ? Integer.parseInt(args[4]) : 600;
        Map<String, String> sets = new LinkedHashMap<>();
        if (args.length == 2) {
            sets.put("hidden_size", "1024");
        }
        for (int i = 5; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("expected key=value, got '" + args[i] + "'");
            }
            sets.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        Build[] builds = {new Build(Path.of(args[0]), model, batch, sets), new Build(Path.of(args[1]), model, batch, sets)};
        System.out.printf("step-%s, batch %d, %s, threads %s; %s against %s, %d steps each%n", model, batch, sets,
                System.getProperty("ganglion.threads", "(default)"), args[1], args[0], steps);
        long[][] nanos = new long[2][steps];
        double worst = 0;
        for (int i = 0; i < steps; i++) {
            for (int turn = 0; turn < 2; turn++) {
                int b = (i + turn) % 2; // who goes first alternates
                long t0 = System.nanoTime();
                builds[b].step();
                nanos[b][i] = System.nanoTime() - t0;
            }
            double l0 = builds[0].loss();
            double l1 = builds[1].loss();
            if (Double.doubleToLongBits(l0) != Double.doubleToLongBits(l1)) {
                worst = Math.max(worst, Math.abs(l1 - l0) / Math.max(Math.abs(l0), Double.MIN_NORMAL));
            }
        }
        System.out.printf("%s; losses %s%n", Paired.report(nanos, 1e6, "ms"),
                worst == 0 ? "the same bits" : String.format("differ by up to %.2e (relative)", worst));
    }

    /** One tree's step case, built through a class loader of its own. */
    private static final class Build {
        private final Object step;
        private final Method run;
        private final Method lastLoss;

        Build(Path tree, String model, int batch, Map<String, String> sets) throws Exception {
            Class<?> c = Paired.loader(tree, MODULES).loadClass(CASE);
            step = c.getConstructor(String.class, int.class, int.class, String.class, double.class, long.class, Map.class)
                    .newInstance(model, batch, 1, "adam", 1e-3, 0L, sets);
            run = c.getMethod("run");
            lastLoss = c.getMethod("lastLoss");
        }

        void step() throws Exception {
            run.invoke(step);
        }

        double loss() throws Exception {
            return (double) lastLoss.invoke(step);
        }
    }
}
