package dev.ganglion.engine.io;

import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * An image classification set from a pair of IDX files (MNIST layout): images {@code u8 [N, rows, cols]}
 * become {@code x = pixel / 255} in an F32 tensor {@code [N, rows·cols]}; labels are an integer
 * {@code [N]} file.
 *
 * @param images F32 {@code [N, rows·cols]}, values in [0, 1]
 * @param labels class index per image
 * @param rows image height
 * @param cols image width
 */
public record IdxDataset(Tensor images, int[] labels, int rows, int cols) {
    /** File names an error lists at most: a folder of thousands of files would make it a screenful. */
    private static final int LISTED = 12;

    /** Labels must lie in {@code [0, MAX_LABEL]} unless a class count is given. */
    public static final int MAX_LABEL = 255;

    /** Number of examples. */
    public int size() {
        return labels.length;
    }

    /** {@code max(label) + 1} (0 for an empty set). */
    public int numClasses() {
        int max = -1;
        for (int l : labels) {
            max = Math.max(max, l);
        }
        return max + 1;
    }

    /** Loads an image file and a label file (raw or gzip), labels in {@code [0, 255]}. */
    public static IdxDataset load(Path images, Path labels) throws IOException {
        return load(images, labels, MAX_LABEL + 1);
    }

    /**
     * Loads an image file and a label file (raw or gzip), labels in {@code [0, numClasses)}.
     *
     * @throws IdxFormatException when a file is malformed, the image file is not {@code u8 [N, rows, cols]},
     *     the label file is not an integer {@code [N]} with the same N, or a label is out of range
     */
    public static IdxDataset load(Path images, Path labels, int numClasses) throws IOException {
        if (numClasses < 1) {
            throw new IllegalArgumentException("IdxDataset.load: numClasses must be ≥ 1, got " + numClasses);
        }
        IdxArray img = IdxReader.read(images);
        if (img.type() != IdxType.U8 || img.shape().rank() != 3) {
            throw new IdxFormatException(images, "expected an image file of u8 [N, rows, cols], found "
                    + img.type() + " " + img.shape());
        }
        IdxArray lab = IdxReader.read(labels);
        if (!lab.type().isInteger() || lab.shape().rank() != 1) {
            throw new IdxFormatException(labels, "expected a label file of integers [N], found "
                    + lab.type() + " " + lab.shape());
        }
        int n = img.shape().dim(0);
        if (lab.shape().dim(0) != n) {
            throw new IdxFormatException(labels, "has " + lab.shape().dim(0) + " labels but " + images
                    + " has " + n + " images");
        }
        int[] y = lab.toInts();
        for (int i = 0; i < y.length; i++) {
            if (y[i] < 0 || y[i] >= numClasses) {
                throw new IdxFormatException(labels, "label " + i + " is " + y[i] + ", outside [0, "
                        + numClasses + ")");
            }
        }
        int rows = img.shape().dim(1);
        int cols = img.shape().dim(2);
        if ((long) rows * cols > IdxReader.MAX_PAYLOAD) {
            throw new IdxFormatException(images, "images of " + rows + "×" + cols + " pixels are too large");
        }
        return new IdxDataset(Tensor.wrap(scaled(img.raw()), Shape.of(n, rows * cols)), y, rows, cols);
    }

    /** {@link #loadFolder(Path, String)} with no prefix: the folder must hold exactly one pair. */
    public static IdxDataset loadFolder(Path dir) throws IOException {
        return loadFolder(dir, "");
    }

    /**
     * Finds {@code *images*idx3*} and {@code *labels*idx1*} (raw or {@code .gz}) among the files of
     * {@code dir} whose names start with {@code prefix} (e.g. {@code "train"}, {@code "t10k"}) and
     * loads them.
     *
     * @throws IOException listing what was found when a file is missing or more than one matches
     */
    public static IdxDataset loadFolder(Path dir, String prefix) throws IOException {
        List<Path> pair = folderFiles(dir, prefix);
        return load(pair.get(0), pair.get(1));
    }

    /**
     * The images and labels files {@link #loadFolder(Path, String)} reads, in that order, without
     * reading them (a caller that writes files beside them checks it replaces neither).
     *
     * @throws IOException listing what was found when a file is missing or more than one matches
     */
    public static List<Path> folderFiles(Path dir, String prefix) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException(dir + ": not a directory");
        }
        List<String> all;
        try (Stream<Path> s = Files.list(dir)) {
            all = s.filter(Files::isRegularFile).map(p -> p.getFileName().toString())
                    .filter(f -> !f.startsWith(".")).sorted().toList();
        }
        List<String> names = all.stream().filter(f -> f.startsWith(prefix)).toList();
        Path images = dir.resolve(pick(dir, prefix, names, all, "images", "idx3"));
        Path labels = dir.resolve(pick(dir, prefix, names, all, "labels", "idx1"));
        return List.of(images, labels);
    }

    private static String pick(Path dir, String prefix, List<String> names, List<String> all,
                               String kind, String idx) throws IOException {
        List<String> hits = names.stream().filter(f -> {
            String l = f.toLowerCase(Locale.ROOT);
            return l.contains(kind) && l.contains(idx);
        }).toList();
        if (hits.size() == 1) {
            return hits.getFirst();
        }
        String where = dir + (prefix.isEmpty() ? "" : " (names starting with '" + prefix + "')");
        String found = all.isEmpty() ? "it is empty" : "it has: " + String.join(", ", all.subList(0, Math.min(LISTED, all.size())))
                + (all.size() > LISTED ? " and " + (all.size() - LISTED) + " more" : "");
        if (hits.isEmpty()) {
            throw new IOException(where + ": no *" + kind + "*" + idx + "* file; " + found);
        }
        throw new IOException(where + ": " + hits.size() + " *" + kind + "*" + idx + "* files match ("
                + hits.stream().collect(Collectors.joining(", ")) + "); pass a prefix such as \"train\" or "
                + "\"t10k\", or name the files with load(images, labels)");
    }

    private static float[] scaled(byte[] pixels) {
        float[] out = new float[pixels.length];
        for (int i = 0; i < pixels.length; i++) {
            // NOTE: division, not multiplication by 1/255f, so 255 maps to exactly 1.0f
            out[i] = (pixels[i] & 0xFF) / 255f;
        }
        return out;
    }
}
