package dev.sfumato.tensor;

/**
 * The flat {@code float[]} behind one or more tensors, and its version counter.
 *
 * <p>Views share a storage. Every in-place write through any of them bumps {@link #version()}, which is
 * how a layer above (autograd) can tell that a tensor it saved has been modified since. The counter is a
 * plain mutation count; core-tensor attaches no meaning to it.
 */
public final class Storage {

    float[] data;
    /** The {@link Recycler} scope tracking this storage, or null. Guarded by the recycler's lock. */
    Recycler.Scope scope;
    /** Whether {@link Recycler#retain} marked it: a nested scope passes it on instead of recycling it. Guarded likewise. */
    boolean retained;
    private int version;

    Storage(float[] data) {
        this.data = data;
    }

    /** The number of in-place modifications made through any tensor on this storage. */
    public int version() {
        return version;
    }

    /** Records one in-place modification. Called by every in-place op. */
    void bump() {
        version++;
    }

    /** Whether {@link Recycler} has taken this storage's array back (any use of its tensors then throws). */
    public boolean recycled() {
        return data == null;
    }

    /** Length of the backing array. */
    public int capacity() {
        return data.length;
    }
}
