package dev.sfumato.autograd;

import dev.sfumato.tensor.Recycler;
import dev.sfumato.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One recorded operation: the backward half of a differentiable primitive, PyTorch's {@code grad_fn}.
 *
 * <p>A node has one output and one edge per input. Edge {@code i} points at the node that receives the
 * gradient of input {@code i}: the input's own {@code grad_fn}, or for a leaf that requires grad an
 * accumulator that adds into {@link Variable#grad()}; it is {@code null} when the input needs no gradient,
 * and then {@link #needsInputGrad(int)} tells the op to skip that computation. Subclasses live in
 * {@code dev.sfumato.autograd.ops}; each keeps what its backward needs through {@link #save(Tensor)}.
 *
 * <p>Given {@code dL/dOut}, {@link #backward(Tensor)} returns {@code dL/dInput_i} for every input, in the
 * input's shape, or {@code null} for inputs whose gradient was not needed. The {@link Engine} calls it;
 * nothing else should.
 */
public abstract class Node {

    private static final SavedTensor[] NO_SAVED = new SavedTensor[0];

    private final String name;
    private final int[][] inputShapes;
    /** Where the op was called from ({@code Foo.java:42}), recorded only in anomaly mode. */
    private final String site;
    /** In anomaly mode: whether every input was finite, so that the first op producing NaN/Inf is blamed. */
    private final boolean inputsFinite;
    Node[] next;
    private SavedTensor[] saved = NO_SAVED;
    private int savedCount;
    int[] outputShape;
    boolean released;

    // Scratch state of one Engine run; see Engine for how the epoch makes stale values harmless.
    int epoch;
    int dependencies;
    Tensor gradBuffer;
    /**
     * True when no other tensor shares gradBuffer's storage: a leaf may keep it without a copy, and the Engine
     * adds further gradients into it in place.
     */
    boolean gradBufferOwned;

    /** A node for an op applied to {@code inputs}; call only when {@link #recording} said yes. */
    protected Node(String name, Variable... inputs) {
        this.name = name;
        this.next = new Node[inputs.length];
        this.inputShapes = new int[inputs.length][];
        boolean finite = true;
        boolean anomaly = GradMode.current().anomaly;
        for (int i = 0; i < inputs.length; i++) {
            next[i] = inputs[i].gradSink();
            inputShapes[i] = inputs[i].value().shape();
            if (anomaly) {
                finite &= Anomaly.allFinite(inputs[i].value());
            }
        }
        this.site = anomaly ? CallSite.capture() : null;
        this.inputsFinite = finite;
    }

    /** A node without edges: the accumulator at a leaf, where gradients stop flowing. */
    Node(String name, int[] outputShape) {
        this.name = name;
        this.next = new Node[0];
        this.inputShapes = new int[0][];
        this.outputShape = outputShape;
        this.site = null;
        this.inputsFinite = true;
    }

    /** True when an op on {@code x} must be recorded: grad mode is on and {@code x} requires grad. */
    protected static boolean recording(Variable x) {
        return x.requiresGrad() && GradMode.current().recording;
    }

    /** True when an op on {@code a} and {@code b} must be recorded. */
    protected static boolean recording(Variable a, Variable b) {
        return (a.requiresGrad() || b.requiresGrad()) && GradMode.current().recording;
    }

    /** True when an op on {@code xs} must be recorded. */
    protected static boolean recording(List<Variable> xs) {
        if (!GradMode.current().recording) {
            return false;
        }
        for (Variable x : xs) {
            if (x.requiresGrad()) {
                return true;
            }
        }
        return false;
    }

    /** The op's name as the user called it ({@code mul}, {@code softmax}). */
    public final String name() {
        return name;
    }

    /** {@code Foo.java:42} where the op was called, when it was recorded in anomaly mode, else null. */
    public final String site() {
        return site;
    }

    /** The shape of this op's output. */
    public final int[] outputShape() {
        return outputShape.clone();
    }

    /** The number of inputs (edges). */
    public final int inputCount() {
        return inputShapes.length;
    }

    /** True when input {@code i} needs a gradient; backward returns null for it otherwise. */
    protected final boolean needsInputGrad(int i) {
        return next[i] != null;
    }

    /** The shape input {@code i} had in forward. */
    protected final int[] inputShape(int i) {
        return inputShapes[i];
    }

    /** Keeps {@code t} for backward, remembering its storage version for the in-place check. */
    protected final SavedTensor save(Tensor t) {
        SavedTensor s = new SavedTensor(this, t);
        if (savedCount == saved.length) {
            saved = Arrays.copyOf(saved, Math.max(2, savedCount * 2));
        }
        saved[savedCount++] = s;
        return s;
    }

    /**
     * {@code gradOutput} contiguous, for kernels that need it so (a channel slice of cat's gradient is a strided
     * view). Hand the result to {@link #releaseContiguous} once the kernels have read it.
     */
    protected static Tensor contiguous(Tensor gradOutput) {
        return gradOutput.contiguous();
    }

    /**
     * Gives back the copy {@link #contiguous} made, if it made one: nothing else holds it, and otherwise it would
     * wait for the collector while the next tensor of its size is a new, zeroed array (in the U-Net's training
     * step at batch 64, about 25 MB per step of copies of cat's gradient slices). Call it only after the last
     * read of {@code copy}, and only when no returned gradient is {@code copy} or a view of it.
     */
    protected static void releaseContiguous(Tensor copy, Tensor gradOutput) {
        if (copy != gradOutput) {
            Recycler.recycleNow(copy);
        }
    }

    /**
     * The output Variable of this node, holding {@code value}. In anomaly mode this is where a forward
     * NaN/Inf is caught: blamed on this op only if all its inputs were finite.
     */
    protected final Variable output(Tensor value) {
        outputShape = value.shape();
        if (site != null && inputsFinite && !Anomaly.allFinite(value)) {
            throw new Anomaly.NonFiniteException(describe() + " produced NaN/Inf in its forward output from finite inputs");
        }
        return new Variable(value, this);
    }

    /**
     * Gradients of the inputs given {@code gradOutput = dL/dOut} (shaped like the output, possibly a
     * broadcast view). Entry {@code i} is null when {@link #needsInputGrad(int)} is false.
     *
     * <p>Each gradient must be either a new tensor or {@code gradOutput} itself or a view of it, and the node
     * must not keep {@code gradOutput} or what it returns: the engine adds further gradients in place into a
     * returned tensor that shares storage with nothing else, and inside a recycler scope it recycles
     * {@code gradOutput} once this call has returned.
     */
    protected abstract Tensor[] backward(Tensor gradOutput);

    /** The tensors this node saved and has not released yet, for the engine's recycling. */
    final List<Tensor> savedTensors() {
        List<Tensor> out = new ArrayList<>(savedCount);
        for (int i = 0; i < savedCount; i++) {
            Tensor t = saved[i].peek();
            if (t != null) {
                out.add(t);
            }
        }
        return out;
    }

    /** Frees the saved tensors and cuts the edges, so the graph above can be collected. */
    void release() {
        for (int i = 0; i < savedCount; i++) {
            saved[i].release();
        }
        saved = NO_SAVED;
        savedCount = 0;
        next = null;
        released = true;
    }

    /** {@code mul (created at Foo.java:42)}, or just {@code mul} outside anomaly mode. */
    final String describe() {
        return site == null ? name : name + " (created at " + site + ")";
    }

    @Override
    public String toString() {
        return name + "Backward" + (outputShape == null ? "" : Arrays.toString(outputShape));
    }
}
