import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * What {@code CsrKernelAb} and {@code StepAb} share: a build's class loader, and the medians and
 * quantiles of paired timings.
 */
final class Paired {
    private Paired() {}

    /**
     * A class loader over {@code tree}'s built {@code modules} ({@code MODULE/target/classes} each),
     * its parent the launcher's, so that two trees' classes never mix.
     */
    static ClassLoader loader(Path tree, List<String> modules) throws Exception {
        URL[] urls = new URL[modules.size()];
        for (int i = 0; i < urls.length; i++) {
            Path classes = tree.resolve(modules.get(i)).resolve("target/classes");
            if (!Files.isDirectory(classes)) {
                throw new IllegalArgumentException(classes + " does not exist: build the tree first");
            }
            urls[i] = classes.toUri().toURL();
        }
        return new URLClassLoader(urls, Paired.class.getClassLoader().getParent());
    }

    /**
     * "base …, new … (medians); new/base … (median of n paired ratios, quartiles …)" over the second
     * half of the pairs ({@code nanos[0]} the base's, {@code nanos[1]} the new build's), times in
     * {@code unit} nanoseconds written as {@code unitName}.
     */
    static String report(long[][] nanos, double unit, String unitName) {
        int from = nanos[0].length / 2;
        double[] ratios = ratios(nanos, from);
        return String.format("base %.3f %s, new %.3f %s (medians); new/base %.3f (median of %d paired ratios, "
                        + "quartiles %.3f–%.3f)", median(nanos[0], from) / unit, unitName, median(nanos[1], from) / unit,
                unitName, quantile(ratios, 0.5), ratios.length, quantile(ratios, 0.25), quantile(ratios, 0.75));
    }

    /** The median of {@code nanos[from …]}. */
    private static double median(long[] nanos, int from) {
        long[] tail = Arrays.copyOfRange(nanos, from, nanos.length);
        Arrays.sort(tail);
        return tail[tail.length / 2];
    }

    /** The {@code q} quantile of {@code values} (nearest rank). */
    private static double quantile(double[] values, double q) {
        double[] s = values.clone();
        Arrays.sort(s);
        return s[(int) Math.min(s.length - 1, Math.round(q * (s.length - 1)))];
    }

    /** {@code nanos[1][i] / nanos[0][i]} for the pairs from {@code from} on. */
    private static double[] ratios(long[][] nanos, int from) {
        double[] ratios = new double[nanos[0].length - from];
        for (int i = from; i < nanos[0].length; i++) {
            ratios[i - from] = (double) nanos[1][i] / nanos[0][i];
        }
        return ratios;
    }
}
