package dev.sfumato.nn.optim;

import dev.sfumato.autograd.NoGrad;
import dev.sfumato.autograd.Variable;
import dev.sfumato.tensor.Shape;
import dev.sfumato.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The base of every optimiser, like {@code torch.optim.Optimizer} with one parameter group: the
 * parameters, their per-parameter state, the hyperparameters, {@link #step()} and {@link #zeroGrad()}.
 *
 * <p>{@link #step()} updates {@code param.value()} in place inside {@link NoGrad}, skipping parameters whose
 * gradient is null, exactly as PyTorch skips {@code p.grad is None}. Subclasses implement
 * {@link #update(int, Tensor, Tensor)} for one parameter, reading hyperparameters from the group
 * ({@link #group(String)}) and keeping tensors in {@link #state(int)}, both named as in PyTorch.
 *
 * <p>{@link #stateDict()} flattens everything into one {@code Map<String, Tensor>} that
 * {@code Safetensors.save} can write: {@code state.<i>.<name>} for the state of parameter i (e.g.
 * {@code state.3.exp_avg}, {@code state.3.step}; present only once parameter i has taken a step, as in
 * PyTorch) and {@code param_groups.0.<name>} for each hyperparameter, a double stored exactly as three
 * floats (see {@link ExactDouble}). Loading it into a fresh optimiser over the same parameters resumes
 * bit for bit.
 */
public abstract class Optimizer {

    private static final String STATE = "state.";
    private static final String GROUP = "param_groups.0.";

    private final String name;
    private final List<Variable> params;
    private final Map<String, Double> group = new LinkedHashMap<>();
    private final List<Map<String, Tensor>> state;

    /**
     * @param name   the class name, for messages
     * @param params the parameters to optimise, in a fixed order (the state dict indexes them by position)
     * @param lr     the learning rate, also recorded as {@code initial_lr} for schedules
     */
    protected Optimizer(String name, List<? extends Variable> params, double lr) {
        this.name = name;
        if (params.isEmpty()) {
            throw new IllegalArgumentException(name + ": got an empty parameter list");
        }
        Set<Variable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int i = 0; i < params.size(); i++) {
            Variable p = params.get(i);
            if (p == null) {
                throw new IllegalArgumentException(name + ": parameter " + i + " is null");
            }
            if (!seen.add(p)) {
                throw new IllegalArgumentException(name + ": parameter " + i + " appears twice in the parameter list");
            }
        }
        this.params = List.copyOf(params);
        this.state = new ArrayList<>(params.size());
        for (int i = 0; i < params.size(); i++) {
            state.add(new LinkedHashMap<>());
        }
        requireNonNegative("lr", lr);
        group.put("lr", lr);
        group.put("initial_lr", lr);
    }

    // ---------------------------------------------------------------------------------------------
    // Stepping
    // ---------------------------------------------------------------------------------------------

    /** One update of every parameter that has a gradient, like {@code optimizer.step()}. */
    public void step() {
        try (NoGrad ignored = NoGrad.enter()) {
            try {
                for (int i = 0; i < params.size(); i++) {
                    Tensor g = params.get(i).grad();
                    if (g != null) {
                        update(i, params.get(i).value(), g);
                    }
                }
            } finally {
                finishStep();
            }
        }
    }

    /**
     * Updates parameter {@code index}, value {@code param}, in place, from its gradient {@code grad}, or queues
     * the element work for {@link #finishStep}.
     */
    protected abstract void update(int index, Tensor param, Tensor grad);

    /**
     * Called once {@link #step} has called {@link #update} for every parameter: an optimiser that queued its
     * element work there runs it here, over all parameters at once (PyTorch's multi-tensor, {@code foreach},
     * implementations). Does nothing by default.
     */
    protected void finishStep() {}

    /** Clears every parameter's gradient (PyTorch's {@code zero_grad(set_to_none=True)}). */
    public void zeroGrad() {
        for (Variable p : params) {
            p.zeroGrad();
        }
    }

    /** The parameters, in the order of the state dict. */
    public List<Variable> params() {
        return params;
    }

    // ---------------------------------------------------------------------------------------------
    // Hyperparameters
    // ---------------------------------------------------------------------------------------------

    /** The current learning rate ({@code param_groups[0]['lr']}). */
    public double lr() {
        return group.get("lr");
    }

    /** Sets the learning rate, as a schedule does. */
    public void setLr(double lr) {
        requireNonNegative("lr", lr);
        group.put("lr", lr);
    }

    /** The learning rate the optimiser was built with ({@code initial_lr}): the base of every schedule. */
    public double initialLr() {
        return group.get("initial_lr");
    }

    /** A hyperparameter by its PyTorch name ({@code momentum}, {@code weight_decay}, ...); flags are 0 or 1. */
    public double group(String key) {
        Double v = group.get(key);
        if (v == null) {
            throw new IllegalArgumentException(name + ": no hyperparameter '" + key + "'; it has " + group.keySet());
        }
        return v;
    }

    /** Defines a hyperparameter; subclasses call this from their constructor. */
    protected final void defineGroup(String key, double value) {
        group.put(key, value);
    }

    /** A boolean hyperparameter stored as 0 or 1. */
    protected final boolean flag(String key) {
        return group(key) != 0;
    }

    /** The state tensors of parameter {@code index}, by name; empty before its first step. */
    protected final Map<String, Tensor> state(int index) {
        return state.get(index);
    }

    protected void requireNonNegative(String key, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + ": invalid " + key + " " + value + " (must be finite and >= 0)");
        }
    }

    // ---------------------------------------------------------------------------------------------
    // State dict
    // ---------------------------------------------------------------------------------------------

    /**
     * The state and hyperparameters as one flat map (see the class comment). The state tensors are copies,
     * so later steps do not change a map already taken.
     */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (int i = 0; i < state.size(); i++) {
            for (Map.Entry<String, Tensor> e : state.get(i).entrySet()) {
                out.put(STATE + i + "." + e.getKey(), e.getValue().clone());
            }
        }
        for (Map.Entry<String, Double> e : group.entrySet()) {
            out.put(GROUP + e.getKey(), ExactDouble.encode(e.getValue()));
        }
        return out;
    }

    /**
     * Replaces the state and hyperparameters with those of {@code dict}, like {@code load_state_dict}.
     * The dict must come from the same optimiser class over parameters of the same shapes, in the same order.
     *
     * @throws IllegalArgumentException naming the key, for an unknown key, a parameter index out of range, or
     *                                  a state tensor whose shape differs from its parameter's
     */
    public void loadStateDict(Map<String, Tensor> dict) {
        Map<String, Double> newGroup = new LinkedHashMap<>();
        List<Map<String, Tensor>> newState = new ArrayList<>(params.size());
        for (int i = 0; i < params.size(); i++) {
            newState.add(new LinkedHashMap<>());
        }
        for (Map.Entry<String, Tensor> e : dict.entrySet()) {
            String key = e.getKey();
            if (key.startsWith(GROUP)) {
                String h = key.substring(GROUP.length());
                if (!group.containsKey(h)) {
                    throw new IllegalArgumentException("loadStateDict: " + name + " has no hyperparameter '" + h
                            + "' (key '" + key + "'); it has " + group.keySet());
                }
                newGroup.put(h, ExactDouble.decode(key, e.getValue()));
            } else if (key.startsWith(STATE)) {
                String rest = key.substring(STATE.length());
                int dot = rest.indexOf('.');
                int index = parseIndex(key, dot < 0 ? "" : rest.substring(0, dot));
                String stateName = rest.substring(dot + 1);
                Tensor t = e.getValue();
                if (stateName.equals("step") ? t.dim() != 0 : !Arrays.equals(t.shape(), params.get(index).shape())) {
                    throw new IllegalArgumentException("loadStateDict: '" + key + "' has shape " + Shape.str(t.shape())
                            + " but " + (stateName.equals("step") ? "a step count is a scalar"
                            : "parameter " + index + " has shape " + Shape.str(params.get(index).shape())));
                }
                newState.get(index).put(stateName, t.clone());
            } else {
                throw new IllegalArgumentException("loadStateDict: unexpected key '" + key + "' (keys start with '"
                        + STATE + "' or '" + GROUP + "')");
            }
        }
        if (!newGroup.keySet().equals(group.keySet())) {
            throw new IllegalArgumentException("loadStateDict: " + name + " needs hyperparameters " + group.keySet()
                    + ", the dict has " + newGroup.keySet());
        }
        group.putAll(newGroup);
        for (int i = 0; i < params.size(); i++) {
            state.get(i).clear();
            state.get(i).putAll(newState.get(i));
        }
    }

    private int parseIndex(String key, String s) {
        int index;
        try {
            index = Integer.parseInt(s);
        } catch (NumberFormatException ex) {
            throw new IllegalArgumentException("loadStateDict: key '" + key + "' does not name a parameter index");
        }
        if (index < 0 || index >= params.size()) {
            throw new IllegalArgumentException("loadStateDict: key '" + key + "' names parameter " + index + " but "
                    + name + " has " + params.size() + " parameters");
        }
        return index;
    }

    /**
     * The step counter of a parameter's state, a float32 scalar as in PyTorch 1.13 ({@code state['step']}),
     * incremented before use; returns the new count.
     */
    protected final float incrementStep(int index) {
        Tensor step = state(index).computeIfAbsent("step", k -> Tensor.scalar(0f));
        float next = step.item() + 1f;
        step.fill(next);
        return next;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(name).append(" (\n");
        for (Map.Entry<String, Double> e : group.entrySet()) {
            sb.append("    ").append(e.getKey()).append(": ").append(e.getValue()).append('\n');
        }
        return sb.append(')').toString();
    }
}
