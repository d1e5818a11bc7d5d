package dev.sfumato.tensor.kernels;

/**
 * A float buffer (and an int buffer, for tables) per thread for a kernel's temporaries, grown on demand and kept,
 * so that work run once per task of a parallel loop allocates nothing once the buffers have their size. A parallel
 * loop hands tasks to threads one at a time, so a buffer allocated inside the task body is allocated once per task:
 * for group norm's backward, whose tasks were then single (sample, group) pairs, that was two arrays the size of
 * the whole input per call.
 *
 * <p>The contents on return are whatever the thread last left there: a caller writes before it reads. A buffer
 * must not be held across a call that may use the same {@code Scratch} on the same thread.
 */
public final class Scratch {

    private final ThreadLocal<float[]> local = ThreadLocal.withInitial(() -> new float[0]);
    private final ThreadLocal<int[]> localInts = ThreadLocal.withInitial(() -> new int[0]);

    /** This thread's buffer, at least {@code size} floats long. */
    public float[] floats(int size) {
        float[] buf = local.get();
        if (buf.length < size) {
            buf = new float[size];
            local.set(buf);
        }
        return buf;
    }

    /** This thread's int buffer, at least {@code size} ints long. */
    public int[] ints(int size) {
        int[] buf = localInts.get();
        if (buf.length < size) {
            buf = new int[size];
            localInts.set(buf);
        }
        return buf;
    }
}
