package dev.sfumato.autograd;

import dev.sfumato.autograd.ops.Activations;
import dev.sfumato.autograd.ops.Arithmetic;
import dev.sfumato.autograd.ops.ExpLog;
import dev.sfumato.autograd.ops.Indexing;
import dev.sfumato.autograd.ops.MatMul;
import dev.sfumato.autograd.ops.Pointwise;
import dev.sfumato.autograd.ops.Reductions;
import dev.sfumato.autograd.ops.Selection;
import dev.sfumato.autograd.ops.Softmax;
import dev.sfumato.autograd.ops.Structure;
import dev.sfumato.autograd.ops.Views;
import dev.sfumato.tensor.Recycler;
import dev.sfumato.tensor.Shape;
import dev.sfumato.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * A tensor that records the ops applied to it, so that {@link #backward()} can compute
 * {@code dL/dx} for every leaf {@code x} it came from: define-by-run reverse-mode autodiff.
 *
 * <p>A Variable wraps a {@link Tensor} value rather than extending Tensor, as early PyTorch's
 * {@code Variable} and micrograd's {@code Value} did, because core-tensor stays gradient-free: tensors know
 * nothing of graphs, and this class adds the graph on top. Each op method computes its value with the
 * Tensor op of the same name and, when some input {@linkplain #requiresGrad() requires grad} and no
 * {@link NoGrad} scope is open, records a {@link Node} holding the backward rule (see
 * {@code dev.sfumato.autograd.ops}). Semantics, shapes and broadcasting are PyTorch's.
 *
 * <p>Leaves are Variables created by the user. A leaf with {@code requiresGrad} accumulates gradients
 * across backward calls into {@link #grad()}, which stays null until the first backward reaches it;
 * {@link #zeroGrad()} resets it to null (PyTorch's {@code set_to_none}). Only first derivatives: backward
 * itself is not recorded.
 *
 * <p>In-place updates: {@link #value()} is the live, untracked tensor. Optimisers update parameters
 * through it (e.g. {@code p.value().addInPlace(p.grad(), -lr)}), ideally inside {@link NoGrad}. Such a
 * write bumps the storage's version counter, so if a recorded op had saved that tensor, its backward
 * throws instead of computing a wrong gradient (see {@link SavedTensor}). The in-place methods on this
 * class apply PyTorch's rule: refused on a leaf that requires grad while recording, allowed otherwise.
 *
 * <p>Not final so that {@code nn}'s {@code Parameter} can extend it, as {@code torch.nn.Parameter}
 * extends {@code Tensor}; subclasses are leaves and add no graph behaviour.
 */
public class Variable {

    private final Tensor value;
    private final Node gradFn;
    private boolean requiresGrad;
    private Tensor grad;
    /** Whether {@link #grad()} has handed the present {@link #grad} out (else this Variable holds its only reference). */
    private boolean gradHandedOut;
    private AccumulateGrad accumulator;
    private String name;

    /** A constant: no gradient is computed for it. */
    public Variable(Tensor value) {
        this(value, false);
    }

    /** A leaf; with {@code requiresGrad} its gradient is accumulated into {@link #grad()}. */
    public Variable(Tensor value, boolean requiresGrad) {
        this.value = value;
        this.gradFn = null;
        this.requiresGrad = requiresGrad;
    }

    /** The output of a recorded op. */
    Variable(Tensor value, Node gradFn) {
        this.value = value;
        this.gradFn = gradFn;
        this.requiresGrad = true;
    }

    /** A leaf that requires grad, the usual way to make a parameter. */
    public static Variable param(Tensor value) {
        return new Variable(value, true);
    }

    // ---------------------------------------------------------------------------------------------
    // Graph state
    // ---------------------------------------------------------------------------------------------

    /** The value. Writing to it in place is not recorded; see the class comment. */
    public Tensor value() {
        return value;
    }

    /** True when gradients flow to or through this Variable. */
    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** Sets whether a leaf requires grad, like {@code requires_grad_()}; returns this. */
    public Variable requiresGrad(boolean requires) {
        if (gradFn != null) {
            throw new IllegalStateException("requiresGrad: only leaf Variables can change requiresGrad;"
                    + " use detach() to get a leaf from the output of " + gradFn.name());
        }
        this.requiresGrad = requires;
        return this;
    }

    /** True for Variables not produced by a recorded op (all constants, and parameters). */
    public boolean isLeaf() {
        return gradFn == null;
    }

    /** The node that produced this Variable ({@code grad_fn}), or null for a leaf. */
    public Node gradFn() {
        return gradFn;
    }

    /** The accumulated gradient {@code dL/dthis} of a leaf, or null before the first backward. */
    public Tensor grad() {
        gradHandedOut = true;
        return grad;
    }

    /**
     * Forgets the accumulated gradient (sets it to null, as PyTorch's {@code zero_grad(set_to_none=True)}). A
     * large gradient that {@link #grad()} never handed out has no other reference, so its array goes back to the
     * {@link Recycler}'s pool for the next tensor of its size, as PyTorch's allocator reuses the block that
     * {@code x.grad = None} frees; one that was handed out is left to its holder.
     */
    public void zeroGrad() {
        if (grad != null && !gradHandedOut) {
            Recycler.recycleDropped(grad);
        }
        grad = null;
    }

    /** A new leaf sharing this value, cut from the graph ({@code detach()}); it does not require grad. */
    public Variable detach() {
        return new Variable(value, false);
    }

    /** A label for {@link Graphviz} output; returns this. */
    public Variable named(String label) {
        this.name = label;
        return this;
    }

    /** The label given by {@link #named}, or null. */
    public String name() {
        return name;
    }

    /** Where gradients for this Variable go: its grad_fn, its leaf accumulator, or nowhere (null). */
    Node gradSink() {
        if (!requiresGrad) {
            return null;
        }
        if (gradFn != null) {
            return gradFn;
        }
        if (accumulator == null) {
            accumulator = new AccumulateGrad(this);
        }
        return accumulator;
    }

    /**
     * Adds {@code g} into {@link #grad()}. The first gradient is copied unless the engine says no other
     * tensor shares its storage ({@code owned}), so that a leaf's grad never aliases another tensor (an
     * optimiser may write into it in place). The grad outlives any {@link Recycler} scope it was made in.
     */
    void accumulateGrad(Tensor g, boolean owned) {
        if (grad == null) {
            grad = owned && g.isContiguous() ? g : g.clone();
        } else {
            Tensor previous = grad;
            grad = previous.add(g);
            if (!gradHandedOut) {
                Recycler.recycleDropped(previous);
            }
        }
        gradHandedOut = false;
        Recycler.exempt(grad);
    }

    // ---------------------------------------------------------------------------------------------
    // Backward
    // ---------------------------------------------------------------------------------------------

    /** Backward from a one-element output, with {@code dL/dthis = 1}, like {@code loss.backward()}. */
    public void backward() {
        if (value.numel() != 1) {
            throw new IllegalArgumentException("backward: a gradient can be implied only for a one-element output,"
                    + " this one has shape " + Shape.str(value.shape()) + "; pass backward(gradOutput)");
        }
        backward(Tensor.onesLike(value), false);
    }

    /** Backward with {@code dL/dthis = gradOutput} (same shape as this), then frees the graph. */
    public void backward(Tensor gradOutput) {
        backward(gradOutput, false);
    }

    /**
     * Backward with {@code dL/dthis = gradOutput}. With {@code retainGraph} the saved tensors are kept, so
     * backward can run through the same graph again; otherwise they are freed as backward goes.
     */
    public void backward(Tensor gradOutput, boolean retainGraph) {
        if (!requiresGrad) {
            throw new IllegalStateException("backward: this Variable does not require grad and has no gradFn;"
                    + " make an input requiresGrad(true), and do not compute it inside NoGrad");
        }
        if (!java.util.Arrays.equals(gradOutput.shape(), value.shape())) {
            throw new IllegalArgumentException("backward: gradOutput has shape " + Shape.str(gradOutput.shape())
                    + " but the output has shape " + Shape.str(value.shape()));
        }
        Engine.run(gradSink(), gradOutput, retainGraph);
    }

    // ---------------------------------------------------------------------------------------------
    // Metadata
    // ---------------------------------------------------------------------------------------------

    public int[] shape() { return value.shape(); }
    public int dim() { return value.dim(); }
    public int size(int dim) { return value.size(dim); }
    public int numel() { return value.numel(); }
    /** The value of a one-element Variable. */
    public float item() { return value.item(); }

    // ---------------------------------------------------------------------------------------------
    // Elementwise (broadcasting)
    // ---------------------------------------------------------------------------------------------

    public Variable add(Variable other) { return Arithmetic.Add.apply(this, other); }
    public Variable sub(Variable other) { return Arithmetic.Sub.apply(this, other); }
    public Variable mul(Variable other) { return Arithmetic.Mul.apply(this, other); }
    public Variable div(Variable other) { return Arithmetic.Div.apply(this, other); }
    /** {@code this ^ exponent} elementwise, both differentiable. */
    public Variable pow(Variable exponent) { return ExpLog.Pow.apply(this, exponent); }
    public Variable maximum(Variable other) { return Selection.Maximum.maximum(this, other); }
    public Variable minimum(Variable other) { return Selection.Maximum.minimum(this, other); }

    public Variable add(float s) { return Arithmetic.AddScalar.add(this, s); }
    public Variable sub(float s) { return Arithmetic.AddScalar.sub(this, s); }
    public Variable mul(float s) { return Arithmetic.MulScalar.apply(this, s); }
    public Variable div(float s) { return Arithmetic.DivScalar.apply(this, s); }
    public Variable pow(float exponent) { return ExpLog.PowScalar.apply(this, exponent); }
    /** {@code s - this}. */
    public Variable rsub(float s) { return Arithmetic.RSub.apply(s, this); }
    /** {@code s / this}. */
    public Variable rdiv(float s) { return Arithmetic.RDiv.apply(s, this); }

    public Variable neg() { return Arithmetic.Neg.apply(this); }
    public Variable abs() { return Pointwise.Abs.apply(this); }
    public Variable exp() { return ExpLog.Exp.apply(this); }
    public Variable log() { return ExpLog.Log.apply(this); }
    public Variable sqrt() { return ExpLog.Sqrt.apply(this); }
    public Variable rsqrt() { return ExpLog.Rsqrt.apply(this); }
    public Variable square() { return ExpLog.Square.apply(this); }
    public Variable tanh() { return Activations.Tanh.apply(this); }
    public Variable sigmoid() { return Activations.Sigmoid.apply(this); }
    public Variable relu() { return Activations.Relu.apply(this); }
    public Variable silu() { return Activations.Silu.apply(this); }
    /** GELU, exact erf form. */
    public Variable gelu() { return Activations.Gelu.apply(this); }
    public Variable sin() { return Pointwise.Sin.apply(this); }
    public Variable cos() { return Pointwise.Cos.apply(this); }
    public Variable clamp(float min, float max) { return Pointwise.Clamp.apply(this, min, max); }

    /** {@code cond != 0 ? a : b}, broadcasting; {@code cond} gets no gradient. */
    public static Variable where(Tensor cond, Variable a, Variable b) { return Selection.Where.apply(cond, a, b); }

    // ---------------------------------------------------------------------------------------------
    // Reductions
    // ---------------------------------------------------------------------------------------------

    public Variable sum() { return Reductions.Sum.apply(this, new int[0], false); }
    public Variable sum(int dim, boolean keepdim) { return Reductions.Sum.apply(this, new int[] {dim}, keepdim); }
    /** Sum over {@code dims} (empty: all). */
    public Variable sum(int[] dims, boolean keepdim) { return Reductions.Sum.apply(this, dims, keepdim); }
    public Variable mean() { return Reductions.Mean.apply(this, new int[0], false); }
    public Variable mean(int dim, boolean keepdim) { return Reductions.Mean.apply(this, new int[] {dim}, keepdim); }
    public Variable mean(int[] dims, boolean keepdim) { return Reductions.Mean.apply(this, dims, keepdim); }
    public Variable var(boolean unbiased) { return Reductions.Var.apply(this, new int[0], unbiased, false); }
    public Variable var(int[] dims, boolean unbiased, boolean keepdim) { return Reductions.Var.apply(this, dims, unbiased, keepdim); }
    public Variable std(boolean unbiased) { return Reductions.Std.apply(this, new int[0], unbiased, false); }
    public Variable std(int[] dims, boolean unbiased, boolean keepdim) { return Reductions.Std.apply(this, dims, unbiased, keepdim); }
    /** Largest element; ties share the gradient evenly, as {@code torch.max()}. */
    public Variable max() { return Reductions.MaxAll.max(this); }
    public Variable min() { return Reductions.MaxAll.min(this); }
    /** Largest value along {@code dim}; the gradient goes to the first index of the max, as {@code torch.max(dim)}. */
    public Variable max(int dim, boolean keepdim) { return Reductions.MaxDim.max(this, dim, keepdim); }
    public Variable min(int dim, boolean keepdim) { return Reductions.MaxDim.min(this, dim, keepdim); }
    /** Index of the max along {@code dim}, as a plain tensor (indices have no gradient). */
    public Tensor argmax(int dim, boolean keepdim) { return value.argmax(dim, keepdim); }
    public Tensor argmin(int dim, boolean keepdim) { return value.argmin(dim, keepdim); }
    public Variable softmax(int dim) { return Softmax.SoftmaxOp.apply(this, dim); }
    public Variable logSoftmax(int dim) { return Softmax.LogSoftmax.apply(this, dim); }
    public Variable logsumexp(int dim, boolean keepdim) { return Softmax.LogSumExp.apply(this, dim, keepdim); }

    // ---------------------------------------------------------------------------------------------
    // Views
    // ---------------------------------------------------------------------------------------------

    public Variable view(int... shape) { return Views.Reshape.view(this, shape); }
    public Variable reshape(int... shape) { return Views.Reshape.reshape(this, shape); }
    public Variable flatten() { return Views.Reshape.flatten(this, 0, -1); }
    public Variable flatten(int startDim, int endDim) { return Views.Reshape.flatten(this, startDim, endDim); }
    public Variable squeeze() { return Views.Reshape.squeeze(this); }
    public Variable squeeze(int dim) { return Views.Reshape.squeeze(this, dim); }
    public Variable unsqueeze(int dim) { return Views.Reshape.unsqueeze(this, dim); }
    public Variable permute(int... dims) { return Views.Permute.permute(this, dims); }
    public Variable transpose(int dim0, int dim1) { return Views.Permute.transpose(this, dim0, dim1); }
    public Variable t() { return Views.Permute.t(this); }
    public Variable narrow(int dim, int start, int length) { return Views.Slice.narrow(this, dim, start, length); }
    public Variable slice(int dim, int start, int end) { return Views.Slice.slice(this, dim, start, end, 1); }
    public Variable slice(int dim, int start, int end, int step) { return Views.Slice.slice(this, dim, start, end, step); }
    public Variable select(int dim, int index) { return Views.Select.apply(this, dim, index); }
    public Variable expand(int... sizes) { return Views.Expand.expand(this, sizes); }
    public Variable broadcastTo(int... sizes) { return Views.Expand.broadcastTo(this, sizes); }
    public Variable contiguous() { return Views.Contiguous.apply(this); }

    // ---------------------------------------------------------------------------------------------
    // Structure, indexing, linear algebra
    // ---------------------------------------------------------------------------------------------

    public static Variable cat(List<Variable> xs, int dim) { return Structure.Cat.apply(xs, dim); }
    public static Variable stack(List<Variable> xs, int dim) { return Structure.Stack.apply(xs, dim); }

    /** Pieces of {@code splitSize} along {@code dim} (the last may be smaller); a composite of narrow. */
    public List<Variable> split(int splitSize, int dim) {
        if (splitSize <= 0) {
            throw new IllegalArgumentException("split: splitSize must be positive, got " + splitSize);
        }
        int n = size(dim);
        List<Variable> out = new ArrayList<>();
        for (int start = 0; start < n || (n == 0 && out.isEmpty()); start += splitSize) {
            out.add(narrow(dim, start, Math.min(splitSize, n - start)));
        }
        return out;
    }

    /** Pieces with the given sizes along {@code dim}; a composite of narrow. */
    public List<Variable> split(int[] sizes, int dim) {
        int total = 0;
        for (int s : sizes) {
            total += s;
        }
        if (total != size(dim)) {
            throw new IllegalArgumentException("split: sizes " + java.util.Arrays.toString(sizes) + " sum to " + total
                    + " but dim " + dim + " has size " + size(dim));
        }
        List<Variable> out = new ArrayList<>(sizes.length);
        int start = 0;
        for (int s : sizes) {
            out.add(narrow(dim, start, s));
            start += s;
        }
        return out;
    }

    /** {@code chunks} pieces of size ceil(n/chunks) along {@code dim}, like {@code torch.chunk}; a composite of narrow. */
    public List<Variable> chunk(int chunks, int dim) {
        if (chunks <= 0) {
            throw new IllegalArgumentException("chunk: chunks must be positive, got " + chunks);
        }
        int n = size(dim);
        return split(Math.max(1, (n + chunks - 1) / chunks), dim);
    }

    /** Constant padding, {@code F.pad} order: (before, after) pairs from the last dim. */
    public Variable pad(int[] pad, float value) { return Structure.Pad.apply(this, pad, value); }
    public Variable repeat(int... repeats) { return Structure.Repeat.apply(this, repeats); }
    public Variable flip(int... dims) { return Structure.Flip.apply(this, dims); }
    /** Entries {@code index[i]} along {@code dim}; {@code index} is a 1-D tensor of integers. */
    public Variable indexSelect(int dim, Tensor index) { return Indexing.IndexSelect.apply(this, dim, index); }
    public Variable gather(int dim, Tensor index) { return Indexing.Gather.apply(this, dim, index); }
    /** Matrix product, {@code torch.matmul} semantics. */
    public Variable matmul(Variable other) { return MatMul.apply(this, other); }

    // ---------------------------------------------------------------------------------------------
    // In place
    // ---------------------------------------------------------------------------------------------

    /**
     * {@code this += alpha * other}, untracked. Allowed for Variables that need no gradient, and inside
     * {@link NoGrad}; refused on a Variable that requires grad while recording (the graph would miss the
     * update; PyTorch refuses the same on leaves).
     */
    public Variable addInPlace(Tensor other, float alpha) {
        checkInPlace("addInPlace");
        value.addInPlace(other, alpha);
        return this;
    }

    /** {@code this *= s}, untracked; same rules as {@link #addInPlace}. */
    public Variable mulInPlace(float s) {
        checkInPlace("mulInPlace");
        value.mulInPlace(s);
        return this;
    }

    /** Copies {@code src} into the value, untracked; same rules as {@link #addInPlace}. */
    public Variable copyFrom(Tensor src) {
        checkInPlace("copyFrom");
        value.copyFrom(src);
        return this;
    }

    /** Fills the value with zeros, untracked; same rules as {@link #addInPlace}. */
    public Variable zero() {
        checkInPlace("zero");
        value.zero();
        return this;
    }

    private void checkInPlace(String op) {
        if (requiresGrad && GradMode.current().recording) {
            throw new IllegalStateException(op + ": " + (isLeaf() ? "a leaf Variable" : "a Variable computed by "
                    + gradFn.name()) + " that requires grad cannot be modified in place while gradients are"
                    + " recorded; do it inside NoGrad (optimiser updates) or use the out-of-place op");
        }
    }

    @Override
    public String toString() {
        String v = value.toString();
        if (gradFn != null) {
            return "Variable(" + v + ", gradFn=" + gradFn.name() + ")";
        }
        return requiresGrad ? "Variable(" + v + ", requiresGrad=true)" : "Variable(" + v + ")";
    }
}
