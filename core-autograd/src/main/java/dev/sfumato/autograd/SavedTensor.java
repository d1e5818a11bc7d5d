package dev.sfumato.autograd;

import dev.sfumato.tensor.Recycler;
import dev.sfumato.tensor.Tensor;

/**
 * A tensor that a node's forward kept for its backward, with the storage version it had at that moment.
 *
 * <p>{@link #get()} refuses to hand the tensor back if any in-place op has written to its storage since
 * (the {@link Tensor#version()} counter moved), because the backward formula would then silently use the
 * wrong values. This is PyTorch's saved-variable version check. After a backward without
 * {@code retainGraph} the node releases its saved tensors and {@link #get()} explains that instead.
 */
public final class SavedTensor {

    private final Node owner;
    private final int version;
    private Tensor tensor;

    SavedTensor(Node owner, Tensor tensor) {
        this.owner = owner;
        this.tensor = tensor;
        this.version = tensor.version();
        Recycler.retain(tensor);    // the node outlives a nested scope around the op: pass it on, do not recycle it
    }

    /** The saved tensor, after checking it was neither modified in place nor released. */
    public Tensor get() {
        Tensor t = tensor;
        if (t == null) {
            throw new IllegalStateException(owner.describe() + ": its saved tensors were freed by an earlier backward;"
                    + " pass retainGraph=true to the first backward to go through the graph twice");
        }
        if (t.storage().recycled()) {
            throw new IllegalStateException(owner.describe() + ": a tensor it saved for backward was recycled when a"
                    + " Recycler scope closed; keep it (Scope.keep) or run the backward inside the scope");
        }
        int now = t.version();
        if (now != version) {
            throw new IllegalStateException("in-place modification: " + owner.describe() + " saved a tensor at version "
                    + version + " that is now at version " + now
                    + (owner.site() == null ? " (enter Anomaly.detect() to see where " + owner.name() + " was created)" : ""));
        }
        return t;
    }

    /** The tensor without the checks (null once released), for the engine's bookkeeping. */
    Tensor peek() {
        return tensor;
    }

    void release() {
        tensor = null;
    }
}
