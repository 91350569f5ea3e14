package dev.ganglion.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README's code examples are the ones the tests run: every test source with a block between
 * {@code // --- README: begin} and {@code // --- README: end} (a begin with a remark after it, such
 * as the embedding example's reduced sizes, is not verbatim and not checked) must appear in the
 * README as it stands there, less the test's indentation.
 */
class ReadmeExamplesTest {
    private static final String BEGIN = "// --- README: begin";
    private static final String END = "// --- README: end";

    @Test
    void everyVerbatimExampleIsInTheReadme() throws IOException {
        Path root = RepositoryRoot.find();
        assumeTrue(root != null, "not run from a checkout");
        String readme = Files.readString(root.resolve("README.md"));
        List<Path> sources;
        try (Stream<Path> s = Files.walk(root)) {
            sources = s.filter(p -> p.toString().endsWith("Test.java") && p.toString().contains("/src/test/")).toList();
        }
        int checked = 0;
        for (Path source : sources) {
            for (String block : verbatimBlocks(Files.readAllLines(source))) {
                assertThat(readme).as("README holds the example of " + source.getFileName()).contains(block);
                checked++;
            }
        }
        assertThat(checked).as("verbatim examples found").isGreaterThanOrEqualTo(2);
    }

    /** The blocks after a bare begin marker, each line less the marker's indentation. */
    private static List<String> verbatimBlocks(List<String> lines) {
        List<String> blocks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).strip().equals(BEGIN)) {
                continue;
            }
            int indent = lines.get(i).indexOf(BEGIN);
            StringBuilder b = new StringBuilder();
            for (i++; i < lines.size() && !lines.get(i).strip().equals(END); i++) {
                String line = lines.get(i);
                b.append(line.length() > indent ? line.substring(indent) : line.strip()).append('\n');
            }
            blocks.add(b.toString());
        }
        return blocks;
    }
}
