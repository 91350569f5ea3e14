package dev.ganglion.engine.io;

import static dev.ganglion.engine.io.IdxReaderTest.gzip;
import static dev.ganglion.engine.io.IdxReaderTest.idx;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ganglion.engine.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxDatasetTest {
    @TempDir
    Path dir;

    private static final byte[] PIXELS = {0, (byte) 255, 51, 102, 1, 2, 3, 4, (byte) 128, 0, 0, 0};

    private Path put(String name, byte[] content) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, content);
        return p;
    }

    private Path images(String name) throws IOException {
        return put(name, gzip(idx(0x08, new int[] {3, 2, 2}, PIXELS)));
    }

    private Path labels(String name, int... values) throws IOException {
        byte[] b = new byte[values.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) values[i];
        }
        return put(name, idx(0x08, new int[] {values.length}, b));
    }

    @Test
    void loadsScaledImagesAndLabels() throws IOException {
        IdxDataset d = IdxDataset.load(images("x-images-idx3-ubyte.gz"), labels("x-labels-idx1-ubyte", 3, 0, 9));
        assertThat(d.size()).isEqualTo(3);
        assertThat(d.rows()).isEqualTo(2);
        assertThat(d.cols()).isEqualTo(2);
        assertThat(d.images().shape()).isEqualTo(Shape.of(3, 4));
        assertThat(d.images().toFloatArray()).startsWith(0f, 1f, 0.2f, 0.4f, 1 / 255f);
        assertThat(d.images().get(2, 0)).isEqualTo(128 / 255f);
        assertThat(d.labels()).containsExactly(3, 0, 9);
        assertThat(d.numClasses()).isEqualTo(10);
    }

    @Test
    void validatesCountsTypesAndLabelRange() throws IOException {
        Path img = images("i-images-idx3-ubyte.gz");
        Path two = labels("two", 1, 2);
        assertThatThrownBy(() -> IdxDataset.load(img, two)).isInstanceOf(IdxFormatException.class)
                .hasMessageContaining("2 labels").hasMessageContaining("3 images");
        Path big = labels("big", 1, 2, 10);
        assertThatThrownBy(() -> IdxDataset.load(img, big, 10)).hasMessageContaining("label 2 is 10, outside [0, 10)");
        Path negative = put("neg", idx(0x0C, new int[] {3}, ByteBuffer.allocate(12).putInt(0).putInt(-1).putInt(2).array()));
        assertThatThrownBy(() -> IdxDataset.load(img, negative)).hasMessageContaining("label 1 is -1");
        Path flat = put("flat", idx(0x08, new int[] {3, 4}, PIXELS));
        assertThatThrownBy(() -> IdxDataset.load(flat, big)).hasMessageContaining("u8 [N, rows, cols]").hasMessageContaining("[3, 4]");
        Path matrixLabels = put("ml", idx(0x08, new int[] {3, 1}, new byte[3]));
        assertThatThrownBy(() -> IdxDataset.load(img, matrixLabels)).hasMessageContaining("integers [N]");
        Path floatLabels = put("fl", idx(0x0D, new int[] {3}, new byte[12]));
        assertThatThrownBy(() -> IdxDataset.load(img, floatLabels)).hasMessageContaining("F32");
        assertThatThrownBy(() -> IdxDataset.load(img, big, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void loadFolderFindsTheOnePair() throws IOException {
        images("t10k-images-idx3-ubyte.gz");
        labels("t10k-labels-idx1-ubyte", 1, 2, 3);
        put("README.md", new byte[] {'x'});
        assertThat(IdxDataset.loadFolder(dir).labels()).containsExactly(1, 2, 3);
    }

    @Test
    void loadFolderExplainsAmbiguityAndAbsence() throws IOException {
        images("t10k-images-idx3-ubyte.gz");
        labels("t10k-labels-idx1-ubyte.gz", 1, 2, 3);
        images("train-images-idx3-ubyte");
        labels("train-labels-idx1-ubyte", 4, 5, 6);
        assertThatThrownBy(() -> IdxDataset.loadFolder(dir)).isInstanceOf(IOException.class)
                .hasMessageContaining("2 *images*idx3* files match")
                .hasMessageContaining("t10k-images-idx3-ubyte.gz, train-images-idx3-ubyte")
                .hasMessageContaining("\"train\"");
        assertThat(IdxDataset.loadFolder(dir, "train").labels()).containsExactly(4, 5, 6);
        assertThat(IdxDataset.loadFolder(dir, "t10k").labels()).containsExactly(1, 2, 3);
        assertThatThrownBy(() -> IdxDataset.loadFolder(dir, "valid")).hasMessageContaining("no *images*idx3* file")
                .hasMessageContaining("it has: t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz");
        Files.delete(dir.resolve("train-labels-idx1-ubyte"));
        assertThatThrownBy(() -> IdxDataset.loadFolder(dir, "train")).hasMessageContaining("no *labels*idx1* file");
        assertThatThrownBy(() -> IdxDataset.loadFolder(dir.resolve("missing"))).hasMessageContaining("not a directory");
    }

    @Test
    void aMissingFileInALargeFolderListsTwelveNamesAndCountsTheRest() throws IOException {
        for (int i = 0; i < 20; i++) {
            Files.writeString(dir.resolve(String.format("note%02d.txt", i)), "");
        }
        assertThatThrownBy(() -> IdxDataset.loadFolder(dir)).hasMessageContaining("no *images*idx3* file")
                .hasMessageEndingWith("it has: note00.txt, note01.txt, note02.txt, note03.txt, note04.txt, note05.txt, "
                        + "note06.txt, note07.txt, note08.txt, note09.txt, note10.txt, note11.txt and 8 more");
    }

    /** The shared data folder, or a skipped test when this checkout has none. */
    private static Path shared(String sub) {
        String root = System.getProperty("ganglion.shared");
        Assumptions.assumeTrue(root != null, "ganglion.shared not set");
        Path p = Path.of(root, "data", sub);
        Assumptions.assumeTrue(Files.isDirectory(p), p + " absent");
        return p;
    }

    @Test
    void readsTheRealMnistTestSet() throws IOException {
        IdxDataset d = IdxDataset.loadFolder(shared("mnist-t10k"));
        assertThat(d.size()).isEqualTo(10_000);
        assertThat(d.rows()).isEqualTo(28);
        assertThat(d.cols()).isEqualTo(28);
        assertThat(d.images().shape()).isEqualTo(Shape.of(10_000, 784));
        int[] counts = new int[10];
        for (int y : d.labels()) {
            counts[y]++;
        }
        // the well-known class frequencies of MNIST t10k; the first digit is a 7
        assertThat(counts).containsExactly(980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009);
        assertThat(d.labels()[0]).isEqualTo(7);
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (float v : d.images().floatArray()) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertThat(min).isZero();
        assertThat(max).isEqualTo(1f);
    }

    @Test
    void readsTheFashionMnistSubset() throws IOException {
        IdxDataset d = IdxDataset.loadFolder(shared("fashion-mnist-subset"), "train");
        assertThat(d.size()).isEqualTo(3615);
        assertThat(d.numClasses()).isEqualTo(10);
    }
}
