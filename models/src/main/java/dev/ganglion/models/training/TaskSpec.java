package dev.ganglion.models.training;

import java.nio.file.Path;
import java.util.List;

/**
 * What to load: a task name, its seed, split sizes, sequence length and data path, and whether the
 * model reads sequences. Zero sizes mean the defaults: built-in tasks 8,000 / 2,000 samples; IDX data
 * a seeded 80 % / 20 % split of what is there (MNIST t10k: 8,000 / 2,000); {@code seqLen} 0 means
 * the task's default (adding 200, recall 100).
 *
 * @param task one of {@link #TASKS}
 * @param seed seeds the data generator (built-in) or the split permutation (IDX)
 * @param trainSize training samples (0: default)
 * @param testSize test samples (0: default)
 * @param seqLen T for adding/recall (0: default; must be 0 for the other tasks)
 * @param data IDX folder or file (IDX tasks only; must be null otherwise)
 * @param recurrent true when the model reads {@code [N, T, d]}
 */
public record TaskSpec(String task, long seed, int trainSize, int testSize, int seqLen, Path data, boolean recurrent) {
    /** The task names, built-in first. */
    public static final List<String> TASKS = List.of("function", "adding", "recall", "mnist-rows", "mnist-pixels", "idx");
    /** The tasks whose sequence length is a setting. */
    public static final List<String> SEQUENCE_TASKS = List.of("adding", "recall");

    /** Checks the name and sizes, and that a sequence length or data path is one the task reads. */
    public TaskSpec {
        if (!TASKS.contains(task)) {
            throw new IllegalArgumentException("unknown task '" + task + "'; tasks: " + String.join(", ", TASKS));
        }
        if (trainSize < 0 || testSize < 0 || seqLen < 0) {
            throw new IllegalArgumentException("task " + task + ": sizes must be ≥ 0, got train " + trainSize
                    + ", test " + testSize + ", seq-len " + seqLen);
        }
        if (seqLen != 0 && !SEQUENCE_TASKS.contains(task)) {
            throw new IllegalArgumentException("task " + task + ": a sequence length (seq-len " + seqLen + ") applies to "
                    + String.join(" and ", SEQUENCE_TASKS) + " only" + (task.startsWith("mnist") ? "; " + task
                    + " takes its steps from the images" : ""));
        }
        if (data != null && !isIdx(task)) {
            throw new IllegalArgumentException("task " + task + " generates its data; a data path (" + data
                    + ") is for the IDX tasks " + String.join(", ", TASKS.subList(3, TASKS.size())));
        }
    }

    /** True for tasks read from IDX files. */
    public boolean idx() {
        return isIdx(task);
    }

    /** True for the tasks read from IDX files ({@code mnist-rows}, {@code mnist-pixels}, {@code idx}). */
    public static boolean isIdx(String task) {
        return TASKS.indexOf(task) >= 3;
    }

    /** The default task of a model: with data {@code mnist-rows} (recurrent) or {@code idx}; else the model's own. */
    public static String defaultTask(boolean recurrent, boolean hasData, String modelDefault) {
        if (hasData) {
            return recurrent ? "mnist-rows" : "idx";
        }
        return modelDefault;
    }
}
