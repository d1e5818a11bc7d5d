/**
 * Define-by-run reverse-mode automatic differentiation over core-tensor, following PyTorch's autograd
 * (Paszke et al. 2017, "Automatic differentiation in PyTorch") and, for its smallest form, Karpathy's
 * micrograd.
 *
 * <p>{@link dev.sfumato.autograd.Variable} wraps a tensor and records each op as a
 * {@link dev.sfumato.autograd.Node}; {@link dev.sfumato.autograd.Engine} runs the nodes in reverse
 * topological order, iteratively, summing gradients and freeing saved tensors as it goes.
 * {@link dev.sfumato.autograd.SavedTensor} guards against in-place writes to saved values;
 * {@link dev.sfumato.autograd.NoGrad} and {@link dev.sfumato.autograd.Anomaly} are per-thread scopes;
 * {@link dev.sfumato.autograd.Graphviz} draws the graph. The backward rules themselves live in
 * {@code dev.sfumato.autograd.ops}, and {@code dev.sfumato.autograd.gradcheck} checks them numerically.
 *
 * <p>Variable's op methods call into the ops package and the ops build Variables, so the two packages
 * depend on each other by design: the fluent API ({@code x.matmul(w).add(b).relu()}) lives on the type
 * users hold, and each rule lives beside its forward.
 */
package dev.sfumato.autograd;
