package dev.sfumato.nn;

import dev.sfumato.autograd.Variable;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Modules applied one after another, like {@code torch.nn.Sequential}; submodules are named 0, 1, 2, ... */
public class Sequential extends Module implements Iterable<Module> {

    private final List<Module> layers = new ArrayList<>();

    public Sequential(Module... modules) {
        for (Module m : modules) {
            add(m);
        }
    }

    /** Appends a module. */
    public final Sequential add(Module m) {
        registerModule(Integer.toString(layers.size()), m);
        layers.add(m);
        return this;
    }

    /** Module {@code i}. */
    public final Module get(int i) {
        return layers.get(i);
    }

    /** The number of modules. */
    public final int size() {
        return layers.size();
    }

    @Override
    public Variable forward(Variable x) {
        for (Module m : layers) {
            x = m.forward(x);
        }
        return x;
    }

    @Override
    public Iterator<Module> iterator() {
        return java.util.Collections.unmodifiableList(layers).iterator();
    }
}
