package dev.ganglion.autodiff.nn;

import dev.ganglion.engine.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Loading a state into a module tree in two phases: check every entry of every module (names,
 * shapes, the modules' own checks) and report all problems in one exception, then write. So a
 * failed load leaves the module untouched.
 */
final class StateLoader {
    private StateLoader() {}

    static void load(Module root, Map<String, Tensor> state, boolean strict) {
        List<String> errors = new ArrayList<>();
        Set<String> unexpected = new LinkedHashSet<>(state.keySet());
        List<String> missing = new ArrayList<>();
        Map<Module, Map<String, Tensor>> plan = new LinkedHashMap<>();
        root.walk("", (prefix, m) -> {
            Map<String, Tensor> entries = new LinkedHashMap<>();
            Set<String> optional = m.ownOptionalState();
            m.ownState().forEach((name, current) -> {
                String full = prefix + name;
                Tensor given = state.get(full);
                unexpected.remove(full);
                if (given == null) {
                    if (!optional.contains(name)) {
                        missing.add(full);
                    }
                } else if (!given.shape().equals(current.shape())) {
                    errors.add("'" + full + "': shape " + given.shape() + " in the state, " + current.shape()
                            + " in the " + m.typeName());
                } else {
                    entries.put(name, given);
                }
            });
            List<String> own = new ArrayList<>();
            m.checkOwnState(entries, own);
            String where = prefix.isEmpty() ? m.typeName() : m.typeName() + " '" + prefix.substring(0, prefix.length() - 1) + "'";
            own.forEach(e -> errors.add(where + ": " + e));
            plan.put(m, entries);
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
