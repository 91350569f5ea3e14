package dev.ganglion.autodiff.nn;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * An indexed list of submodules registered under the names {@code 0, 1, …}, for stacks that are
 * not a plain chain (recurrent layers, parallel branches): a {@code ModuleList} registered as
 * {@code cells} gives {@code cells.0.weight}. Unlike {@link Sequential} it has no forward.
 */
public final class ModuleList<M extends Module> extends Module implements Iterable<M> {
    private final List<M> items = new ArrayList<>();

    /** An empty list. */
    public ModuleList() {
    }

    /** Appends a module (named by its position) and returns this. */
    public ModuleList<M> add(M module) {
        registerModule(Integer.toString(items.size()), module);
        items.add(module);
        return this;
    }

    /** Module {@code i}. */
    public M get(int i) {
        if (i < 0 || i >= items.size()) {
            throw new IndexOutOfBoundsException("ModuleList: module " + i + " of " + items.size());
        }
        return items.get(i);
    }

    /** Number of modules. */
    public int size() {
        return items.size();
    }

    @Override
    public Iterator<M> iterator() {
        return List.copyOf(items).iterator();
    }
}
