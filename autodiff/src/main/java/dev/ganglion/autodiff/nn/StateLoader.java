package dev.ganglion.autodiff.nn;

import dev.ganglion.engine.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Loading a state into a module tree in two phases: check every entry of every module (names,
 * shapes, the modules' own checks, tied names' values) and report all problems in one exception,
 * then write. So a failed load leaves the module untouched.
 */
final class StateLoader {
    private StateLoader() {}

    static void load(Module root, Map<String, Tensor> state, boolean strict) {
        List<String> errors = new ArrayList<>();
        Set<String> unexpected = new LinkedHashSet<>(state.keySet());
        List<String> missing = new ArrayList<>();
        Map<Module, Map<String, Tensor>> plan = new LinkedHashMap<>(); // written in walk order
        Ties ties = new Ties(root);
        root.walk("", (prefix, m) -> {
            Map<String, Tensor> entries = new LinkedHashMap<>();
            Set<String> optional = m.ownOptionalState();
            m.ownState().forEach((name, current) -> {
                String full = prefix + name;
                Tensor given = state.get(full);
                unexpected.remove(full);
                String tiedTo = ties.firstName(m, prefix, name, current);
                if (given == null) {
                    if (!optional.contains(name)) {
                        missing.add(full);
                    }
                } else if (!given.shape().equals(current.shape())) {
                    errors.add("'" + full + "': shape " + given.shape() + " in the state, " + current.shape()
                            + " in the " + m.typeName());
                } else {
                    ties.check(tiedTo, full, given, errors);
                    entries.put(name, given);
                }
            });
            List<String> own = new ArrayList<>();
            m.checkOwnState(entries, own);
            String where = prefix.isEmpty() ? m.typeName() : m.typeName() + " '" + prefix.substring(0, prefix.length() - 1) + "'";
            own.forEach(e -> errors.add(where + ": " + e));
            plan.computeIfAbsent(m, k -> new LinkedHashMap<>()).putAll(entries); // a module met twice is written once
        });
        if (strict) {
            missing.forEach(n -> errors.add("'" + n + "': missing from the state"));
            unexpected.forEach(n -> errors.add("'" + n + "': unexpected (the " + root.typeName() + " has no such entry)"));
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("loadStateDict: " + errors.size() + " problem(s) loading into "
                    + root.typeName() + ": " + String.join("; ", errors));
        }
        plan.forEach(Module::loadOwnState);
    }

    /**
     * The names that share one tensor: every name of a module met again (registered twice) is tied
     * to the same name at the module's first path; otherwise names whose {@link Module#ownState()}
     * shows the same tensor object (a {@link dev.ganglion.autodiff.Var} registered twice, a shared
     * buffer) are tied to the first of them. A state giving several names of one tensor must give
     * them equal values (compared as doubles, so −0 ≠ 0 and NaN = NaN): which copy to keep is
     * otherwise a guess, so the load is refused.
     */
    private static final class Ties {
        private final Module root;
        private final Map<Module, String> firstPrefix = new IdentityHashMap<>();
        private final Map<Tensor, String> firstHolder = new IdentityHashMap<>();
        /** The group of every full name met so far. */
        private final Map<String, String> groupOf = new HashMap<>();
        /** The first name the state gives of each tied group, and its value, by the group. */
        private final Map<String, Given> firstGiven = new HashMap<>();

        private record Given(String name, Tensor value) {}

        Ties(Module root) {
            this.root = root;
        }

        /**
         * The group of {@code prefix + name}: the first full name of the tensor it shows (itself when
         * untied). A module met again takes the groups of its names at its first path, which may
         * themselves be tied by identity to an earlier holder.
         */
        String firstName(Module m, String prefix, String name, Tensor shown) {
            String full = prefix + name;
            String modulePrefix = firstPrefix.putIfAbsent(m, prefix);
            String group;
            if (modulePrefix != null && !modulePrefix.equals(prefix)) {
                group = groupOf.get(modulePrefix + name);
            } else {
                String holder = firstHolder.putIfAbsent(shown, full);
                group = holder == null ? full : groupOf.get(holder);
            }
            groupOf.put(full, group);
            return group;
        }

        /** Adds an error when {@code given} differs from the value given for another name of the same tensor. */
        void check(String group, String full, Tensor given, List<String> errors) {
            Given other = firstGiven.putIfAbsent(group, new Given(full, given));
            if (other != null && !sameValues(other.value(), given)) {
                errors.add("'" + full + "' and '" + other.name() + "' name one tied tensor of the " + root.typeName()
                        + ", but the state holds different values for them");
            }
        }

        private static boolean sameValues(Tensor a, Tensor b) {
            return Arrays.equals(a.toDoubleArray(), b.toDoubleArray());
        }
    }

    static void loadExtra(Module root, Map<String, String> state, boolean strict) {
        List<String> errors = new ArrayList<>();
        Set<String> unexpected = new LinkedHashSet<>(state.keySet());
        Map<Module, Map<String, String>> plan = new LinkedHashMap<>();
        root.walk("", (prefix, m) -> {
            Map<String, String> entries = new LinkedHashMap<>();
            for (String name : m.ownExtraState().keySet()) {
                String full = prefix + name;
                unexpected.remove(full);
                if (state.containsKey(full)) {
                    entries.put(name, state.get(full));
                } else if (strict) {
                    errors.add("'" + full + "': missing from the extra state");
                }
            }
            plan.put(m, entries);
        });
        if (strict) {
            unexpected.forEach(n -> errors.add("'" + n + "': unexpected extra state"));
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("loadExtraState: " + String.join("; ", errors));
        }
        plan.forEach(Module::loadOwnExtraState);
    }
}
