package dev.sfumato.nn;

import dev.sfumato.autograd.Variable;
import dev.sfumato.tensor.Shape;
import dev.sfumato.tensor.Tensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The base of every layer and model, like {@code torch.nn.Module}: named parameters, buffers and
 * submodules, train/eval mode, and {@code state_dict} save and load.
 *
 * <p>Subclasses register what they own in their constructor ({@link #registerParameter},
 * {@link #registerBuffer}, {@link #registerModule}); names join with dots into PyTorch's
 * {@code state_dict} keys ({@code down.0.conv.weight}), so a file written by PyTorch loads into the
 * matching Sfumato module and back. Layers with one input override {@link #forward(Variable)}; modules
 * with several inputs define their own {@code forward(...)}.
 */
public abstract class Module {

    private final Map<String, Parameter> parameters = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    /** The output for one input. Modules that take several inputs throw here and offer their own forward. */
    public Variable forward(Variable x) {
        throw new UnsupportedOperationException(getClass().getSimpleName()
                + " does not take a single input; call its own forward(...) method");
    }

    // ---------------------------------------------------------------------------------------------
    // Registration
    // ---------------------------------------------------------------------------------------------

    /** Registers a parameter under {@code name}; a null parameter (e.g. {@code bias=false}) is not registered. */
    protected final <P extends Parameter> P registerParameter(String name, P p) {
        checkName(name);
        if (p != null) {
            parameters.put(name, p);
        }
        return p;
    }

    /** Registers a tensor that is saved with the state but not trained (running statistics). */
    protected final Tensor registerBuffer(String name, Tensor t) {
        checkName(name);
        buffers.put(name, t);
        return t;
    }

    /** Registers a submodule under {@code name}. */
    protected final <M extends Module> M registerModule(String name, M m) {
        checkName(name);
        if (m == this) {
            throw new IllegalArgumentException("registerModule: a module cannot contain itself ('" + name + "')");
        }
        children.put(name, m);
        return m;
    }

    private void checkName(String name) {
        if (name == null || name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": invalid name '" + name
                    + "' (names are non-empty and contain no '.')");
        }
        if (parameters.containsKey(name) || buffers.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": '" + name + "' is already registered");
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Traversal
    // ---------------------------------------------------------------------------------------------

    /** The direct submodules, in registration order. */
    public final Map<String, Module> namedChildren() {
        return Collections.unmodifiableMap(children);
    }

    /** This module and every submodule, depth first, keyed by dotted path ("" for this one). */
    public final Map<String, Module> namedModules() {
        Map<String, Module> out = new LinkedHashMap<>();
        collectModules("", out, Collections.newSetFromMap(new IdentityHashMap<>()));
        return out;
    }

    private void collectModules(String prefix, Map<String, Module> out, Set<Module> seen) {
        if (!seen.add(this)) {
            return;
        }
        out.put(prefix, this);
        for (Map.Entry<String, Module> e : children.entrySet()) {
            e.getValue().collectModules(join(prefix, e.getKey()), out, seen);
        }
    }

    /** Every parameter, keyed by its state_dict name; a parameter shared by two modules appears once. */
    public final Map<String, Parameter> namedParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        Set<Parameter> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Map.Entry<String, Module> m : namedModules().entrySet()) {
            for (Map.Entry<String, Parameter> p : m.getValue().parameters.entrySet()) {
                if (seen.add(p.getValue())) {
                    out.put(join(m.getKey(), p.getKey()), p.getValue());
                }
            }
        }
        return out;
    }

    /** Every parameter, in the order of {@link #namedParameters()}: what an optimiser takes. */
    public final List<Parameter> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /** Every buffer, keyed by its state_dict name. */
    public final Map<String, Tensor> namedBuffers() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Module> m : namedModules().entrySet()) {
            for (Map.Entry<String, Tensor> b : m.getValue().buffers.entrySet()) {
                out.put(join(m.getKey(), b.getKey()), b.getValue());
            }
        }
        return out;
    }

    /** Calls {@code fn} on every submodule and then on this one, like {@code Module.apply} (for init). */
    public final Module apply(Consumer<Module> fn) {
        for (Module c : children.values()) {
            c.apply(fn);
        }
        fn.accept(this);
        return this;
    }

    private static String join(String prefix, String name) {
        return prefix.isEmpty() ? name : prefix + "." + name;
    }

    // ---------------------------------------------------------------------------------------------
    // Modes and gradients
    // ---------------------------------------------------------------------------------------------

    /** Training mode (dropout active, batch statistics in BatchNorm), for this module and all below. */
    public Module train() {
        return train(true);
    }

    /** Sets training mode on this module and all below. */
    public Module train(boolean mode) {
        for (Module m : namedModules().values()) {
            m.training = mode;
        }
        return this;
    }

    /** Evaluation mode: {@code train(false)}. */
    public Module eval() {
        return train(false);
    }

    /** True in training mode. */
    public final boolean isTraining() {
        return training;
    }

    /** Clears the gradient of every parameter (PyTorch's {@code zero_grad(set_to_none=True)}). */
    public void zeroGrad() {
        for (Parameter p : parameters()) {
            p.zeroGrad();
        }
    }

    /** The total number of parameter elements. */
    public final long parameterCount() {
        long n = 0;
        for (Parameter p : parameters()) {
            n += p.numel();
        }
        return n;
    }

    // ---------------------------------------------------------------------------------------------
    // State
    // ---------------------------------------------------------------------------------------------

    /**
     * Parameters and buffers by name, like {@code state_dict()}: the live tensors, not copies (save them
     * with {@code Safetensors.save}).
     */
    public final Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : namedParameters().entrySet()) {
            out.put(e.getKey(), e.getValue().value());
        }
        out.putAll(namedBuffers());
        return out;
    }

    /**
     * Copies {@code state} into this module's parameters and buffers, like {@code load_state_dict}. Every
     * shape must match. With {@code strict}, the key sets must match exactly, and the error lists the
     * missing and unexpected keys; without it, only the common keys are loaded.
     *
     * @throws IllegalArgumentException naming the key and both shapes, or the key differences
     */
    public final void loadStateDict(Map<String, Tensor> state, boolean strict) {
        Map<String, Tensor> own = stateDict();
        if (strict) {
            Set<String> missing = new LinkedHashSet<>(own.keySet());
            missing.removeAll(state.keySet());
            Set<String> unexpected = new LinkedHashSet<>(state.keySet());
            unexpected.removeAll(own.keySet());
            if (!missing.isEmpty() || !unexpected.isEmpty()) {
                throw new IllegalArgumentException("loadStateDict: keys of " + getClass().getSimpleName()
                        + " do not match (strict): missing " + missing + ", unexpected " + unexpected);
            }
        }
        for (Map.Entry<String, Tensor> e : own.entrySet()) {
            Tensor src = state.get(e.getKey());
            if (src != null && !java.util.Arrays.equals(src.shape(), e.getValue().shape())) {
                throw new IllegalArgumentException("loadStateDict: size mismatch for '" + e.getKey() + "': the model has shape "
                        + Shape.str(e.getValue().shape()) + " but the state has " + Shape.str(src.shape()));
            }
        }
        for (Map.Entry<String, Tensor> e : own.entrySet()) {
            Tensor src = state.get(e.getKey());
            if (src != null) {
                e.getValue().copyFrom(src);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Printing
    // ---------------------------------------------------------------------------------------------

    /** The constructor arguments shown inside the parentheses, like PyTorch's {@code extra_repr}. */
    protected String extraRepr() {
        return "";
    }

    /** PyTorch-style tree: {@code Sequential(\n  (0): Conv2d(1, 32, kernel_size=(3, 3), ...)\n)}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(getClass().getSimpleName()).append('(').append(extraRepr());
        if (!children.isEmpty()) {
            sb.append('\n');
            for (Map.Entry<String, Module> e : children.entrySet()) {
                String child = e.getValue().toString().replace("\n", "\n  ");
                sb.append("  (").append(e.getKey()).append("): ").append(child).append('\n');
            }
        }
        return sb.append(')').toString();
    }

    /** The tree of {@link #toString()} followed by the parameter count. */
    public String summary() {
        return toString() + String.format("%nParameters: %,d (%,d tensors)", parameterCount(), parameters().size());
    }
}
