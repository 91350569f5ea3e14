package dev.ganglion.autodiff.checkpoint;

import dev.ganglion.autodiff.nn.Module;
import dev.ganglion.autodiff.optim.LrScheduler;
import dev.ganglion.autodiff.optim.Optimizer;
import dev.ganglion.autodiff.optim.OptimizerState;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.io.SafetensorsFile;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The reading half of {@link Checkpoint}: reads everything, then loads optimizer, scheduler and
 * module, restoring the optimizer and scheduler if the module rejects its state (the module
 * checks everything before writing), so a failed load changes nothing.
 */
final class CheckpointReading {
    private CheckpointReading() {}

    static Map<String, String> load(SafetensorsFile f, Module module, Optimizer opt, LrScheduler sched)
            throws IOException {
        Map<String, String> meta = new LinkedHashMap<>(f.metadata());
        Map<String, Tensor> moduleState = new LinkedHashMap<>();
        Set<String> optimNames = new LinkedHashSet<>();
        for (String name : f.names()) {
            if (name.startsWith(Checkpoint.OPTIM_PREFIX)) {
                optimNames.add(name);
            } else {
                moduleState.put(name, Checkpoint.readEntry(f, name));
            }
        }
        List<String> stored = Checkpoint.storedDtypeProblems(f, module);
        if (!stored.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", stored));
        }
        OptimizerState optState = opt == null ? null : optimizerState(f, meta, module, opt, optimNames);
        Map<String, String> schedState = sched == null ? null : prefixed(meta, Checkpoint.SCHEDULE_PREFIX);
        if (sched != null && schedState.isEmpty()) {
            throw new IllegalArgumentException("the file holds no learning-rate scheduler state");
        }
        OptimizerState optBefore = opt == null ? null : opt.stateDict();
        Map<String, String> schedBefore = sched == null ? null : sched.stateDict();
        try {
            if (opt != null) {
                opt.loadStateDict(optState);
            }
            if (sched != null) {
                sched.loadStateDict(schedState);
            }
            module.loadStateDict(moduleState, true);
        } catch (IllegalArgumentException e) {
            if (opt != null) {
                opt.loadStateDict(optBefore);
            }
            if (sched != null) {
                sched.loadStateDict(schedBefore);
            }
            throw e;
        }
        module.loadExtraState(prefixed(meta, Checkpoint.EXTRA_PREFIX), false);
        return meta;
    }

    private static OptimizerState optimizerState(SafetensorsFile f, Map<String, String> meta, Module module,
                                                 Optimizer opt, Set<String> optimNames) throws IOException {
        String kind = meta.get(Checkpoint.OPTIM_KIND);
        String lr = meta.get(Checkpoint.OPTIM_LR);
        if (kind == null || lr == null) {
            throw new IllegalArgumentException("the file holds no optimizer state (no " + Checkpoint.OPTIM_KIND + ")");
        }
        String[] names = Checkpoint.parameterNames(module, opt);
        long[] steps = new long[names.length];
        List<Map<String, Tensor>> buffers = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            String prefix = Checkpoint.OPTIM_PREFIX + names[i] + ".";
            Map<String, Tensor> m = new LinkedHashMap<>();
            for (String n : new ArrayList<>(optimNames)) {
                String rest = n.startsWith(prefix) ? n.substring(prefix.length()) : null;
                if (rest == null || rest.contains(".")) {
                    continue;
                }
                optimNames.remove(n);
                if (rest.equals("step")) {
                    if (f.holdsFloats(n) || f.shape(n).size() != 1) {
                        throw new IllegalArgumentException("'" + n + "' is " + f.dtype(n) + " " + f.shape(n)
                                + "; a step count is one integer (I64 scalar)");
                    }
                    steps[i] = f.ints(n)[0];
                } else {
                    if (!f.holdsFloats(n)) {
                        throw new IllegalArgumentException("'" + n + "' is stored as " + f.dtype(n)
                                + "; optimizer state is float (F32)");
                    }
                    m.put(rest, f.tensor(n));
                }
            }
            buffers.add(m);
        }
        if (!optimNames.isEmpty()) {
            throw new IllegalArgumentException("optimizer state " + optimNames + " belongs to no parameter the optimizer updates");
        }
        try {
            return new OptimizerState(kind, Double.parseDouble(lr), steps, buffers);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("malformed " + Checkpoint.OPTIM_LR + " '" + lr + "'");
        }
    }

    private static Map<String, String> prefixed(Map<String, String> meta, String prefix) {
        Map<String, String> out = new LinkedHashMap<>();
        meta.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }
}
