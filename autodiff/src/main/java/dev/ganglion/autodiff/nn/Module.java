package dev.ganglion.autodiff.nn;

import dev.ganglion.autodiff.Var;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.io.IntType;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A part of a network: a tree of named parameters (trainable {@link Var} leaves), buffers
 * (non-trainable named tensors such as masks) and submodules, in registration order.
 *
 * <p>Names are hierarchical: a parameter's full name is the path of submodule names down to it and
 * its own name, joined by dots ({@code layers.0.weight}); every listing ({@link #namedParameters()},
 * {@link #stateDict()}, …) is ordered depth-first in registration order, so it is stable between
 * runs and identical for two modules built the same way.
 *
 * <p>The state of a module ({@link #stateDict()}) is its parameters and buffers by full name, as a
 * module chooses to present them: by default the parameter values themselves; a module may present
 * an interchange form instead ({@link MaskedLinear} shows a dense weight and a mask for its sparse
 * values) by overriding the {@code ownState} hooks. Non-tensor state (a dropout generator's
 * position) is {@link #extraState()}.
 *
 * <p>// NOTE: tied parameters. A submodule registered twice, or one {@link Var} registered under two
 * names ({@link #registerParameter(String, Var)}), is one parameter with two names, as in PyTorch:
 * the listings of objects ({@link #parameters()}, {@link #namedParameters()}, {@link #namedBuffers()},
 * {@link #namedModules()}, {@link #parameterCount()}) hold it once, under the first name in
 * registration order, so an optimizer updates it once; the state ({@link #stateDict()},
 * {@link #stateGradients()}) holds every name, so a checkpoint stores one copy per name. Loading
 * writes the one tensor, and refuses a state whose names for it hold different values.
 *
 * <p>Extend {@link Layer} for a part with one input and one output (what {@link Sequential} chains);
 * extend this class directly only for a part with another signature (a recurrent cell taking a
 * state) or one that only holds parameters. Its simple name clashes with {@code java.lang.Module}:
 * under {@code import dev.ganglion.autodiff.nn.*;} the name {@code Module} is ambiguous ("reference
 * to Module is ambiguous"), so import it by name ({@code import dev.ganglion.autodiff.nn.Module;}).
 */
public abstract class Module {
    private final Map<String, Var> parameters = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Map<String, IntType> intBuffers = new LinkedHashMap<>();
    private final Map<String, Module> modules = new LinkedHashMap<>();
    private boolean training = true;

    /** For subclasses, which register their parameters, buffers and submodules in their constructors. */
    protected Module() {
    }

    /**
     * A name for error messages: the simple class name, e.g. {@code Linear}, or the binary name of an
     * anonymous class ({@code com.example.Net$1}), whose simple name is empty.
     */
    public String typeName() {
        String simple = getClass().getSimpleName();
        return simple.isEmpty() ? getClass().getName() : simple;
    }

    // ---------------------------------------------------------------- registration

    /** Registers a new trainable parameter holding {@code value} (not copied) and returns it. */
    protected final Var registerParameter(String name, Tensor value) {
        return registerParameter(name, Var.parameter(Objects.requireNonNull(value, "registerParameter: value is null")));
    }

    /**
     * Registers an existing leaf as a parameter (e.g. one shared with another module: a tie, listed
     * once by {@link #parameters()} and stored under each name; see the class note).
     *
     * @throws IllegalArgumentException when it is not a leaf, the name is taken or malformed, or it
     *     would pass the cap of a {@link StateBudget} in force
     */
    protected final Var registerParameter(String name, Var parameter) {
        checkName(name);
        if (!parameter.isLeaf()) {
            throw new IllegalArgumentException(typeName() + ": parameter '" + name + "' must be a leaf, got the result of " + parameter.op());
        }
        StateBudget.charge(this, name, parameter.value());
        parameters.put(name, parameter);
        return parameter;
    }

    /** Registers a float buffer (saved in the state, never trained) and returns it. */
    protected final Tensor registerBuffer(String name, Tensor value) {
        checkName(name);
        StateBudget.charge(this, name, Objects.requireNonNull(value, "registerBuffer: value is null"));
        buffers.put(name, value);
        return value;
    }

    /**
     * Registers a buffer of integer values (a mask, a permutation) kept as a float tensor in memory
     * and stored as {@code fileType} in checkpoints.
     */
    protected final Tensor registerBuffer(String name, Tensor value, IntType fileType) {
        registerBuffer(name, value);
        intBuffers.put(name, Objects.requireNonNull(fileType, "registerBuffer: fileType is null"));
        return value;
    }

    /** Registers a submodule (its names get the prefix {@code name.}) and returns it. */
    protected final <M extends Module> M registerModule(String name, M module) {
        checkName(name);
        Objects.requireNonNull(module, "registerModule: module is null");
        if (module == this) {
            throw new IllegalArgumentException(typeName() + ": a module cannot contain itself");
        }
        // every registration keeps the tree acyclic, so walking module's subtree here ends
        if (module.namedModules().values().stream().anyMatch(m -> m == this)) {
            throw new IllegalArgumentException(typeName() + ": registering " + module.typeName() + " as '" + name
                    + "' would make a cycle: it already contains this " + typeName());
        }
        modules.put(name, module);
        return module;
    }

    private void checkName(String name) {
        if (name == null || name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException(typeName() + ": name '" + name + "' must be non-empty and contain no '.'");
        }
        if (parameters.containsKey(name) || buffers.containsKey(name) || modules.containsKey(name)) {
            throw new IllegalArgumentException(typeName() + ": name '" + name + "' is already registered");
        }
    }

    // ---------------------------------------------------------------- listings

    /**
     * Every parameter of this module and its descendants, depth-first in registration order, each
     * once (a tied parameter at its first name).
     */
    public final List<Var> parameters() {
        return List.copyOf(namedParameters().values());
    }

    /**
     * Every parameter by full name ({@code layers.0.weight}), in the order of {@link #parameters()};
     * a tied parameter only under its first name (PyTorch's {@code named_parameters()}).
     */
    public final Map<String, Var> namedParameters() {
        Map<String, Var> out = new LinkedHashMap<>();
        Set<Object> seen = identitySet();
        walk("", (prefix, m) -> m.parameters.forEach((n, v) -> putFirst(out, seen, prefix + n, v)));
        return Collections.unmodifiableMap(out);
    }

    /** Every buffer by full name; a shared buffer only under its first name. */
    public final Map<String, Tensor> namedBuffers() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        Set<Object> seen = identitySet();
        walk("", (prefix, m) -> m.buffers.forEach((n, t) -> putFirst(out, seen, prefix + n, t)));
        return Collections.unmodifiableMap(out);
    }

    /** This module (under the name {@code ""}) and every descendant by full path; a shared one at its first path. */
    public final Map<String, Module> namedModules() {
        Map<String, Module> out = new LinkedHashMap<>();
        Set<Object> seen = identitySet();
        walk("", (prefix, m) -> putFirst(out, seen, prefix.isEmpty() ? "" : prefix.substring(0, prefix.length() - 1), m));
        return Collections.unmodifiableMap(out);
    }

    private static Set<Object> identitySet() {
        return Collections.newSetFromMap(new IdentityHashMap<>());
    }

    /** The rule of the object listings: each object once, under the first name it is met at. */
    private static <T> void putFirst(Map<String, T> out, Set<Object> seen, String name, T value) {
        if (seen.add(value)) {
            out.put(name, value);
        }
    }

    /** The direct submodules by name. */
    public final Map<String, Module> children() {
        return Collections.unmodifiableMap(modules);
    }

    /**
     * Number of parameter elements (stored values: a sparse layer counts its stored entries), a tied
     * parameter once.
     */
    public final long parameterCount() {
        long n = 0;
        for (Var v : parameters()) {
            n += v.size();
        }
        return n;
    }

    /** Forgets every parameter's gradient ({@link Var#zeroGrad()}). */
    public final void zeroGrad() {
        for (Var v : parameters()) {
            v.zeroGrad();
        }
    }

    /** Visits this module and its descendants depth-first; {@code prefix} ends with a dot unless empty. */
    final void walk(String prefix, Visitor visitor) {
        visitor.visit(prefix, this);
        for (Map.Entry<String, Module> e : modules.entrySet()) {
            e.getValue().walk(prefix + e.getKey() + ".", visitor);
        }
    }

    /** Receives one module of a walk. */
    @FunctionalInterface
    interface Visitor {
        void visit(String prefix, Module module);
    }

    // ---------------------------------------------------------------- mode

    /** Sets training mode ({@code true}) or evaluation mode on this module and all descendants. */
    public Module train(boolean on) {
        walk("", (p, m) -> m.training = on);
        return this;
    }

    /** {@code train(true)}. */
    public final Module train() {
        return train(true);
    }

    /** {@code train(false)}: dropout becomes the identity. */
    public final Module eval() {
        return train(false);
    }

    /** True in training mode (the default). */
    public final boolean isTraining() {
        return training;
    }

    // ---------------------------------------------------------------- state

    /**
     * The state by full name: parameters and buffers as {@link #ownState()} presents them. Values
     * are shared where the module stores them as they are shown (copy them to snapshot).
     */
    public final Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        walk("", (prefix, m) -> m.ownState().forEach((n, t) -> out.put(prefix + n, t)));
        return out;
    }

    /**
     * The gradient of every trainable parameter by full name, each in the form {@link #stateDict()}
     * shows that parameter (a masked or sparse layer's weight as a dense {@code [out, in]} matrix, 0
     * off the mask), zeros where no gradient has reached it: what a check against another framework
     * compares, name for name and shape for shape with the checkpoint.
     */
    public final Map<String, Tensor> stateGradients() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        walk("", (prefix, m) -> m.ownStateGradients().forEach((n, t) -> out.put(prefix + n, t)));
        return out;
    }

    /** The state entries to store as integers in files ({@code layers.0.mask → U8}), by full name. */
    public final Map<String, IntType> stateIntTypes() {
        Map<String, IntType> out = new LinkedHashMap<>();
        walk("", (prefix, m) -> m.ownIntTypes().forEach((n, t) -> out.put(prefix + n, t)));
        return out;
    }

    /**
     * Loads a state produced by {@link #stateDict()} of a module of the same structure (values are
     * copied in; parameter identity is kept, so optimizers built on {@link #parameters()} stay valid,
     * and so are ties: the names of a tied parameter must hold equal values, bit for bit, where the
     * state gives more than one of them). Everything is checked before anything is written.
     *
     * @param strict when true, a missing or unexpected name is an error; shape mismatches always are
     * @throws IllegalArgumentException listing every missing, unexpected and mismatched entry, and
     *     every tied parameter whose names hold different values
     */
    public final void loadStateDict(Map<String, Tensor> state, boolean strict) {
        StateLoader.load(this, state, strict);
    }

    /** Non-tensor state by full name (e.g. {@code drop.rng}); empty for most modules. */
    public final Map<String, String> extraState() {
        Map<String, String> out = new LinkedHashMap<>();
        walk("", (prefix, m) -> m.ownExtraState().forEach((n, s) -> out.put(prefix + n, s)));
        return out;
    }

    /**
     * Restores {@link #extraState()}.
     *
     * @throws IllegalArgumentException when a strict load misses an entry or finds an unknown one
     */
    public final void loadExtraState(Map<String, String> state, boolean strict) {
        StateLoader.loadExtra(this, state, strict);
    }

    // ---------------------------------------------------------------- hooks for custom state forms

    /** This module's own state entries (no submodules) by local name; default: parameter values, then buffers. */
    protected Map<String, Tensor> ownState() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        parameters.forEach((n, v) -> out.put(n, v.value()));
        out.putAll(buffers);
        return out;
    }

    /**
     * This module's trainable parameters' gradients by local name, in {@link #ownState()}'s form of
     * each parameter; default: the gradient as kept (zeros when there is none).
     */
    protected Map<String, Tensor> ownStateGradients() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        parameters.forEach((n, v) -> {
            if (v.requiresGrad()) {
                out.put(n, v.gradOrZeros());
            }
        });
        return out;
    }

    /** Local names of {@link #ownState()} entries stored as integers; default: the integer buffers. */
    protected Map<String, IntType> ownIntTypes() {
        return Collections.unmodifiableMap(intBuffers);
    }

    /**
     * Local names of {@link #ownState()} entries a strict load may find absent (the module keeps what
     * it has: e.g. permutations a model can recover from its config); default none.
     */
    protected Set<String> ownOptionalState() {
        return Set.of();
    }

    /**
     * Checks entries about to be loaded (local names; only the present ones) beyond their shapes,
     * adding one message per problem to {@code errors}. Default: nothing more to check.
     */
    protected void checkOwnState(Map<String, Tensor> entries, List<String> errors) {}

    /**
     * Writes checked entries (local names; a non-strict load may omit some) into this module.
     * Default: copies each into the tensor {@link #ownState()} shows under that name.
     */
    protected void loadOwnState(Map<String, Tensor> entries) {
        Map<String, Tensor> own = ownState();
        entries.forEach((n, t) -> own.get(n).copyFrom(t));
    }

    /** This module's own non-tensor state by local name; default none. */
    protected Map<String, String> ownExtraState() {
        return Map.of();
    }

    /** Restores {@link #ownExtraState()} from the given entries (local names, checked to be known). */
    protected void loadOwnExtraState(Map<String, String> entries) {}

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(typeName());
        if (!modules.isEmpty()) {
            sb.append('(');
            modules.forEach((n, m) -> sb.append("\n  ").append(n).append(": ").append(m.toString().replace("\n", "\n  ")));
            sb.append("\n)");
        }
        return sb.toString();
    }
}
