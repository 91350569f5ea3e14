import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a HotSpot {@code -XX:+LogCompilation} file and reports what makes a Vector API kernel box
 * its vectors: a C2 compile that did not inline a Ganglion method taking or returning a vector (the
 * call then passes boxed vectors, a few allocations per loop step), and the Ganglion vector helpers C2
 * compiled on their own, by code size. A helper whose own compile exceeds {@code InlineSmallCode}
 * (2,500 bytes on x86-64) is refused at every later call site as "already compiled into a big
 * method"; HotSpot's invocation thresholds compile a helper called once per loop step before the
 * loop that calls it, so that size is what decides.
 *
 * <p>Usage: {@code java scripts/jit/InliningReport.java LOGFILE [INLINE_SMALL_CODE]} (a single-file
 * program, no build step). {@code scripts/jit-report.sh} runs a test suite with the log and then
 * this.
 */
public final class InliningReport {
    private static final Pattern TASK = Pattern.compile(
            "<task compile_id='(\\d+)' method='([^']*)'([^>]*)>(.*?)</task>", Pattern.DOTALL);
    private static final Pattern NAME = Pattern.compile("<(?:klass|type) id='(\\d+)' name='([^']*)'");
    private static final Pattern METHOD = Pattern.compile(
            "<method id='(\\d+)' holder='(\\d+)' name='([^']*)' return='(\\d+)'(?: arguments='([^']*)')?");
    private static final Pattern EVENT = Pattern.compile("<call method='(\\d+)'|<inline_fail reason='([^']*)'");
    private static final Pattern DONE = Pattern.compile("<task_done success='1' nmsize='(\\d+)'");
    private static final Pattern TIER = Pattern.compile("level='[123]'");

    private InliningReport() {}

    private record Callee(String name, boolean vectors) {}

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: java InliningReport.java LOGFILE [INLINE_SMALL_CODE]");
            System.exit(2);
        }
        String log = Files.readString(Path.of(args[0]));
        int inlineSmallCode = args.length > 1 ? Integer.parseInt(args[1]) : 2500;
        Map<String, Integer> refused = new TreeMap<>();
        Map<String, List<Integer>> standalone = new TreeMap<>();
        Matcher task = TASK.matcher(log);
        while (task.find()) {
            if (TIER.matcher(task.group(3)).find()) {
                continue;   // a C1 compile: its inlining limits are not C2's
            }
            String method = shortName(task.group(2));
            String body = task.group(4);
            if (task.group(2).startsWith("dev.ganglion") && task.group(2).contains("jdk/incubator/vector")) {
                Matcher done = DONE.matcher(body);
                if (done.find()) {
                    standalone.computeIfAbsent(method, k -> new ArrayList<>()).add(Integer.parseInt(done.group(1)));
                }
            }
            Map<String, Callee> callees = callees(body);
            Callee last = null;
            Matcher event = EVENT.matcher(body);
            while (event.find()) {
                if (event.group(1) != null) {
                    last = callees.get(event.group(1));
                } else if (last != null && last.vectors() && last.name().startsWith("dev.ganglion")) {
                    refused.merge(method + " -> " + last.name() + ": " + event.group(2), 1, Integer::sum);
                }
            }
        }
        System.out.println("C2 compiles that left a Ganglion method taking or returning vectors as a call (count):");
        refused.forEach((k, v) -> System.out.printf("  %3d  %s%n", v, k));
        if (refused.isEmpty()) {
            System.out.println("  none");
        }
        System.out.printf("%nGanglion vector helpers C2 compiled on their own, largest first (bytes; above %d"
                + " is refused at later call sites, marked !; within a tenth of it, marked ~):%n", inlineSmallCode);
        standalone.entrySet().stream()
                .sorted((a, b) -> Integer.compare(max(b.getValue()), max(a.getValue())))
                .forEach(e -> System.out.printf("  %6d %s %s%n", max(e.getValue()),
                        mark(max(e.getValue()), inlineSmallCode), e.getKey()));
    }

    /** The methods a compile's log names, by id, with whether a vector type is in the signature. */
    private static Map<String, Callee> callees(String body) {
        Map<String, String> names = new HashMap<>();
        Matcher n = NAME.matcher(body);
        while (n.find()) {
            names.put(n.group(1), n.group(2));
        }
        Map<String, Callee> out = new HashMap<>();
        Matcher m = METHOD.matcher(body);
        while (m.find()) {
            boolean vectors = names.getOrDefault(m.group(4), "").startsWith("jdk.incubator.vector");
            if (m.group(5) != null) {
                for (String arg : m.group(5).split(" ")) {
                    vectors |= names.getOrDefault(arg, "").startsWith("jdk.incubator.vector");
                }
            }
            out.put(m.group(1), new Callee(names.getOrDefault(m.group(2), "?") + "." + m.group(3), vectors));
        }
        return out;
    }

    /** {@code pkg.Class name (sig)} as {@code Class.name}. */
    private static String shortName(String method) {
        String[] parts = method.split(" ");
        String holder = parts[0].substring(parts[0].lastIndexOf('.') + 1);
        return holder + "." + (parts.length > 1 ? parts[1] : "?");
    }

    /** {@code !} over the limit, {@code ~} within a tenth below it (one more edit may cross it), else blank. */
    private static String mark(int size, int limit) {
        return size > limit ? "!" : size > limit - limit / 10 ? "~" : " ";
    }

    private static int max(List<Integer> sizes) {
        return sizes.stream().mapToInt(Integer::intValue).max().orElse(0);
    }
}
