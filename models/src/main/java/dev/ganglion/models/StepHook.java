package dev.ganglion.models;

import java.util.List;
import java.util.Map;

/**
 * Work a model does between optimizer steps while it trains, such as G2GNet's dynamic sparse
 * training (prune and regrow connections every {@code update_interval} steps). The training loop
 * calls it after every optimizer step.
 */
@FunctionalInterface
public interface StepHook {
    /** A hook that does nothing. */
    StepHook NONE = step -> List.of();

    /**
     * Called after optimizer step {@code step}, counted from 1 over the whole run (a resumed run
     * continues the count, so a hook that depends only on {@code step} resumes exactly).
     *
     * @return one record per unit of work done at this step (e.g. per rewired layer: {@code layer},
     *         {@code pruned}, {@code regrown}, {@code nnz}, {@code sparsity}), empty when it did nothing
     */
    List<Map<String, Object>> afterStep(long step);
}
