package dev.ganglion.autodiff.checkpoint;

import dev.ganglion.autodiff.Var;
import dev.ganglion.autodiff.nn.Module;
import dev.ganglion.autodiff.optim.LrScheduler;
import dev.ganglion.autodiff.optim.Optimizer;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.io.IntType;
import dev.ganglion.engine.io.SafetensorsFile;
import dev.ganglion.engine.io.SafetensorsReader;
import dev.ganglion.engine.io.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Training checkpoints as one safetensors file, written atomically (the old file survives a
 * crash). Layout:
 * <ul>
 *   <li>the module's {@link Module#stateDict() state} under its own names ({@code layers.0.weight}),
 *       float tensors as F32/F64, integer buffers ({@link Module#stateIntTypes()}) as U8/I32/I64;</li>
 *   <li>optimizer state under {@value #OPTIM_PREFIX}{@code {param}.{buffer}} (F32, the parameter's
 *       shape; {@code param} is the parameter's name in the module, a tied parameter's first name in
 *       {@link Module#namedParameters()}, while its values are stored under every name) and the step count as
 *       {@value #OPTIM_PREFIX}{@code {param}.step} (I64 scalar); a parameter that never stepped has no
 *       entries, as in PyTorch;</li>
 *   <li>{@code __metadata__}: the caller's entries; {@value #OPTIM_KIND} and {@value #OPTIM_LR};
 *       {@value #SCHEDULE_PREFIX}{@code count|base_lr|interval}; {@value #EXTRA_PREFIX}{@code {name}} for
 *       {@link Module#extraState()} (generator positions). Numbers are written so they parse back
 *       exactly.</li>
 * </ul>
 * Loading is strict: a missing or unexpected tensor name, a shape that differs, float state stored
 * as integers or an integer buffer as floats, an optimizer of
 * another kind, or state for a parameter the module lacks is an {@link IllegalArgumentException}
 * naming the file and every problem; nothing is modified then.
 */
public final class Checkpoint {
    /** Prefix of optimizer tensors. */
    public static final String OPTIM_PREFIX = "optim.";
    /** Metadata key of the optimizer kind ({@code adam}, …). */
    public static final String OPTIM_KIND = "ganglion.optim.kind";
    /** Metadata key of the optimizer's learning rate. */
    public static final String OPTIM_LR = "ganglion.optim.lr";
    /** Prefix of metadata keys of the learning-rate scheduler's state. */
    public static final String SCHEDULE_PREFIX = "ganglion.schedule.";
    /** Prefix of metadata keys of the module's extra state. */
    public static final String EXTRA_PREFIX = "ganglion.extra.";

    private Checkpoint() {}

    /**
     * Writes {@code module}'s state, {@code metadata}, and when given the optimizer's and the
     * scheduler's state to {@code path}, atomically.
     *
     * @throws IllegalArgumentException when a metadata key uses a reserved prefix, a module name starts
     *     with {@value #OPTIM_PREFIX}, or an optimizer parameter is not one of the module's
     */
    public static void save(Path path, Module module, Map<String, String> metadata, Optimizer optimizerOrNull,
                            LrScheduler schedulerOrNull) throws IOException {
        SafetensorsWriter w = new SafetensorsWriter();
        CheckpointWriting.putModule(w, module);
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            if (isReserved(e.getKey())) {
                throw new IllegalArgumentException("Checkpoint.save: metadata key '" + e.getKey() + "' uses a reserved prefix");
            }
            w.metadata(e.getKey(), e.getValue());
        }
        module.extraState().forEach((k, v) -> w.metadata(EXTRA_PREFIX + k, v));
        if (optimizerOrNull != null) {
            CheckpointWriting.putOptimizer(w, module, optimizerOrNull);
        }
        if (schedulerOrNull != null) {
            schedulerOrNull.stateDict().forEach((k, v) -> w.metadata(SCHEDULE_PREFIX + k, v));
        }
        w.write(path);
    }

    /** {@link #save(Path, Module, Map, Optimizer, LrScheduler)} without a scheduler. */
    public static void save(Path path, Module module, Map<String, String> metadata, Optimizer optimizerOrNull)
            throws IOException {
        save(path, module, metadata, optimizerOrNull, null);
    }

    /**
     * Loads a checkpoint into {@code module} (strictly: every state name present, no other, same
     * shapes) and, when given, into the optimizer (the file must hold optimizer state of its kind)
     * and the scheduler. Returns the file's metadata.
     *
     * @throws IllegalArgumentException naming the file and each problem; the objects are unchanged then
     */
    public static Map<String, String> load(Path path, Module module, Optimizer optimizerOrNull,
                                           LrScheduler schedulerOrNull) throws IOException {
        try (SafetensorsFile f = SafetensorsReader.open(path)) {
            try {
                return CheckpointReading.load(f, module, optimizerOrNull, schedulerOrNull);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Checkpoint.load(" + path + "): " + e.getMessage(), e);
            }
        }
    }

    /** {@link #load(Path, Module, Optimizer, LrScheduler)} without a scheduler. */
    public static Map<String, String> load(Path path, Module module, Optimizer optimizerOrNull) throws IOException {
        return load(path, module, optimizerOrNull, null);
    }

    /** The {@code __metadata__} of a checkpoint, without loading anything. */
    public static Map<String, String> metadata(Path path) throws IOException {
        try (SafetensorsFile f = SafetensorsReader.open(path)) {
            return new LinkedHashMap<>(f.metadata());
        }
    }

    /** The module's name for each of the optimizer's parameters (by identity), in the optimizer's order. */
    static String[] parameterNames(Module module, Optimizer optimizer) {
        Map<Var, String> names = new java.util.IdentityHashMap<>();
        module.namedParameters().forEach((n, v) -> names.put(v, n));
        String[] out = new String[optimizer.parameters().size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = names.get(optimizer.parameters().get(i));
            if (out[i] == null) {
                throw new IllegalArgumentException("optimizer parameter " + i + " of shape "
                        + optimizer.parameters().get(i).shape() + " is not a parameter of the " + module.typeName());
            }
        }
        return out;
    }

    /**
     * A state entry of a file as a tensor: a float entry as {@link SafetensorsFile#tensor} reads it,
     * an integer entry (U8, I32, I64, I16, I8, BOOL as 0/1: what {@link SafetensorsFile#ints} reads) as
     * a float32 tensor of its values, the form integer buffers take in a {@link Module}.
     */
    public static Tensor readEntry(SafetensorsFile f, String name) throws IOException {
        if (f.holdsFloats(name)) {
            return f.tensor(name);
        }
        return Tensor.ofInts(f.ints(name), f.shape(name));
    }

    /**
     * One message per entry of {@code module}'s state in {@code f} stored as the wrong kind of number:
     * float state (parameters, float buffers) needs a float dtype, an integer buffer
     * ({@link Module#stateIntTypes()}) an integer one. Empty when all fit.
     */
    public static List<String> storedDtypeProblems(SafetensorsFile f, Module module) {
        Map<String, IntType> ints = module.stateIntTypes();
        List<String> problems = new ArrayList<>();
        for (String name : module.stateDict().keySet()) {
            if (!f.contains(name)) {
                continue;
            }
            boolean integer = ints.containsKey(name);
            if (f.holdsFloats(name) == integer) {
                problems.add("'" + name + "' is stored as " + f.dtype(name) + (integer
                        ? "; it is an integer buffer (" + ints.get(name) + " when saved), which needs an integer "
                                + "dtype (U8, I32, I64, I16, I8 or BOOL)"
                        : "; it is float state, which needs F32, F64, F16 or BF16"));
            }
        }
        return problems;
    }

    private static boolean isReserved(String key) {
        return key.startsWith("ganglion.optim.") || key.startsWith(SCHEDULE_PREFIX) || key.startsWith(EXTRA_PREFIX);
    }
}
