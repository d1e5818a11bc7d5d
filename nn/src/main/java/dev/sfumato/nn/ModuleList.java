package dev.sfumato.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/** A list of submodules registered as 0, 1, 2, ..., like {@code torch.nn.ModuleList}; it has no forward of its own. */
public class ModuleList<M extends Module> extends Module implements Iterable<M> {

    private final List<M> items = new ArrayList<>();

    @SafeVarargs
    public ModuleList(M... modules) {
        for (M m : modules) {
            add(m);
        }
    }

    /** Appends a module. */
    public final ModuleList<M> add(M m) {
        registerModule(Integer.toString(items.size()), m);
        items.add(m);
        return this;
    }

    /** Module {@code i}. */
    public final M get(int i) {
        return items.get(i);
    }

    /** The number of modules. */
    public final int size() {
        return items.size();
    }

    @Override
    public Iterator<M> iterator() {
        return Collections.unmodifiableList(items).iterator();
    }
}
