package dev.ganglion.autodiff.checkpoint;

import dev.ganglion.autodiff.nn.Module;
import dev.ganglion.autodiff.optim.Optimizer;
import dev.ganglion.autodiff.optim.OptimizerState;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.io.IntType;
import dev.ganglion.engine.io.SafetensorsWriter;
import java.util.Map;

/** The writing half of {@link Checkpoint}. */
final class CheckpointWriting {
    private CheckpointWriting() {}

    static void putModule(SafetensorsWriter w, Module module) {
        Map<String, IntType> ints = module.stateIntTypes();
        module.stateDict().forEach((name, t) -> {
            if (name.startsWith(Checkpoint.OPTIM_PREFIX)) {
                throw new IllegalArgumentException("Checkpoint.save: module state name '" + name + "' starts with the reserved '"
                        + Checkpoint.OPTIM_PREFIX + "'");
            }
            IntType type = ints.get(name);
            if (type == null) {
                w.put(name, t);
            } else {
                w.putInts(name, integers(name, t), t.shape(), type);
            }
        });
    }

    /** The values of an integer buffer, each checked to be an integer. */
    private static int[] integers(String name, Tensor t) {
        double[] d = t.toDoubleArray();
        int[] out = new int[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = (int) d[i];
            if (out[i] != d[i]) {
                throw new IllegalArgumentException("Checkpoint.save: integer buffer '" + name + "' holds " + d[i]
                        + " at flat position " + i);
            }
        }
        return out;
    }

    static void putOptimizer(SafetensorsWriter w, Module module, Optimizer optimizer) {
        String[] names = Checkpoint.parameterNames(module, optimizer);
        OptimizerState s = optimizer.stateDict();
        w.metadata(Checkpoint.OPTIM_KIND, s.kind());
        w.metadata(Checkpoint.OPTIM_LR, Double.toString(s.lr()));
        long[] steps = s.steps();
        for (int i = 0; i < names.length; i++) {
            if (steps[i] == 0) {
                continue;
            }
            if (steps[i] > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("Checkpoint.save: step count " + steps[i] + " of '" + names[i]
                        + "' exceeds what the file's int path holds");
            }
            String prefix = Checkpoint.OPTIM_PREFIX + names[i] + ".";
            w.putInts(prefix + "step", new int[] {(int) steps[i]}, Shape.scalar(), IntType.I64);
            s.buffers().get(i).forEach((b, t) -> w.put(prefix + b, t));
        }
    }
}
