package dev.ganglion.models.training;

import dev.ganglion.engine.Rng;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.io.IdxDataset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * IDX tasks ({@code mnist-rows}, {@code mnist-pixels}, {@code idx}): an image/label pair from a folder
 * ({@link IdxDataset#loadFolder}) or named by one of its files, split by a permutation drawn from the
 * seed: the first {@code train} indices train, the next {@code test} (default: all the rest) test.
 * The default training size is {@code round(0.8·N)}: MNIST t10k gives 8,000 / 2,000.
 */
final class IdxTasks {
    private IdxTasks() {}

    static TaskData load(TaskSpec spec) throws IOException {
        if (spec.data() == null) {
            throw new IllegalArgumentException("task '" + spec.task() + "' needs --data (an IDX folder or file)");
        }
        IdxDataset ds = read(spec.data());
        int n = ds.size();
        int train = spec.trainSize() == 0 ? (int) Math.round(0.8 * n) : spec.trainSize();
        int test = spec.testSize() == 0 ? n - train : spec.testSize();
        if (train < 1 || test < 1 || train + test > n) {
            throw new IllegalArgumentException(spec.data() + ": " + n + " samples cannot give " + train
                    + " training and " + test + " test samples");
        }
        int[] perm = Rng.forPurpose(spec.seed(), "task.split").permutation(n);
        Tensor x = shaped(ds, spec);
        Split all = new Split(x, null, ds.labels());
        int classes = Math.max(ds.numClasses(), 2);
        int in = x.shape().dim(x.shape().rank() - 1);
        return new TaskData(spec.task(), all.gather(perm, 0, train), all.gather(perm, train, train + test),
                Metric.ACCURACY, in, classes);
    }

    /** Feed-forward: {@code [N, rows·cols]}; recurrent: rows as steps, or pixels as steps for mnist-pixels. */
    private static Tensor shaped(IdxDataset ds, TaskSpec spec) {
        Tensor x = ds.images();
        int n = ds.size();
        if (!spec.recurrent()) {
            return x;
        }
        return spec.task().equals("mnist-pixels") ? x.reshape(n, ds.rows() * ds.cols(), 1) : x.reshape(n, ds.rows(), ds.cols());
    }

    /** A folder, or a file whose name gives the prefix of its pair ({@code t10k-images-idx3-ubyte.gz} → {@code t10k}). */
    static IdxDataset read(Path data) throws IOException {
        List<Path> pair = sourceFiles(data);
        return IdxDataset.load(pair.get(0), pair.get(1));
    }

    /**
     * The images and labels files {@code --data PATH} names (see {@link #read}), found without
     * reading them: a command checks that it writes over neither.
     *
     * @throws IOException when the path does not exist or the folder lacks or has several of a kind
     */
    static List<Path> sourceFiles(Path data) throws IOException {
        if (Files.isDirectory(data)) {
            return IdxDataset.folderFiles(data, "");
        }
        if (!Files.isRegularFile(data)) {
            throw new java.io.FileNotFoundException(data + ": no such file or folder");
        }
        String name = data.getFileName().toString();
        int cut = Math.max(name.indexOf("images"), name.indexOf("labels"));
        if (cut < 0) {
            throw new IllegalArgumentException(data + ": an IDX file name must contain 'images' or 'labels' (or give the folder)");
        }
        Path dir = data.toAbsolutePath().getParent();
        return IdxDataset.folderFiles(dir, name.substring(0, cut));
    }
}
