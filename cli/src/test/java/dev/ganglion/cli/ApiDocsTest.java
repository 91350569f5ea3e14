package dev.ganglion.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.PrintWriter;
import java.io.Writer;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.tools.Diagnostic;
import javax.tools.DocumentationTool;
import javax.tools.JavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The Javadoc of every module builds, and the embedding API is documented: the JDK's javadoc runs over
 * all main sources with doclint on. Any doclint error (malformed HTML, a broken {@code {@link}}) fails
 * the test; in the library modules, so does a public or protected member with no comment at all. Missing
 * {@code @param}/{@code @return} tags do not: the project documents parameters in prose.
 */
class ApiDocsTest {
    /** The modules a user embeds; {@code bench} and {@code cli} are applications, held to doclint errors only. */
    private static final Set<String> LIBRARIES = Set.of("engine", "autodiff", "models", "native-bindings");
    private static final List<String> MODULES = List.of("engine", "autodiff", "models", "native-bindings", "bench", "cli");
    /** doclint's messages for an undocumented declaration (Locale.ROOT). */
    private static final List<String> UNDOCUMENTED = List.of("no comment", "use of default constructor", "no main description");

    private static String jarOf(Class<?> c) throws URISyntaxException {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    @Test
    void javadocBuildsAndThePublicApiIsDocumented(@TempDir Path out) throws Exception {
        Path root = RepositoryRoot.find();
        DocumentationTool tool = ToolProvider.getSystemDocumentationTool();
        assumeTrue(root != null && Files.isDirectory(root.resolve("engine/src/main/java")) && tool != null,
                "sources or the javadoc tool not found");
        List<String> sourcePath = new ArrayList<>();
        for (String m : MODULES) {
            sourcePath.add(root.resolve(m).resolve("src/main/java").toString());
        }
        List<String> options = List.of("-Xdoclint:all", "-Xmaxwarns", "1000000", "-Xmaxerrs", "10000", "-quiet",
                "--add-modules", "jdk.incubator.vector", "-d", out.toString(),
                "-classpath", String.join(java.io.File.pathSeparator, jarOf(CommandLine.class),
                        jarOf(org.openjdk.jmh.annotations.Benchmark.class)),
                "-sourcepath", String.join(java.io.File.pathSeparator, sourcePath), "-subpackages", "dev.ganglion");
        List<String> problems = new ArrayList<>();
        tool.getTask(new PrintWriter(Writer.nullWriter()), null, d -> {
            String problem = problem(root, d);
            if (problem != null) {
                problems.add(problem);
            }
        }, null, options, null).call();
        assertThat(problems).as("javadoc problems (run javadoc -Xdoclint:all over the sources to see them)").isEmpty();
    }

    /** The diagnostic as {@code path:line: message} when it counts against the documentation, else null. */
    private static String problem(Path root, Diagnostic<? extends JavaFileObject> d) {
        String message = d.getMessage(Locale.ROOT);
        if (d.getSource() == null) {
            return d.getKind() == Diagnostic.Kind.ERROR ? message : null; // e.g. an option the tool rejects
        }
        String where = root.relativize(Path.of(d.getSource().toUri())).toString();
        boolean error = d.getKind() == Diagnostic.Kind.ERROR;
        boolean undocumented = d.getKind() == Diagnostic.Kind.WARNING
                && LIBRARIES.contains(where.substring(0, where.indexOf('/')))
                && UNDOCUMENTED.stream().anyMatch(message::startsWith);
        return error || undocumented ? where + ":" + d.getLineNumber() + ": " + message : null;
    }
}
