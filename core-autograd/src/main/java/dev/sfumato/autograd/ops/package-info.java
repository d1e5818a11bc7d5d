/**
 * The differentiable primitives: each is one {@link dev.sfumato.autograd.Node} subclass holding its
 * forward (a static {@code apply} that calls the core-tensor op and records the node) and its backward,
 * with a comment stating the derivative and what forward saved. Classes group related primitives
 * (arithmetic, exp/log/powers, activations, pointwise, selection, reductions, views, structure, indexing,
 * matmul, softmax).
 *
 * <p>Rules and their conventions at non-differentiable points follow PyTorch 1.13's
 * {@code tools/autograd/derivatives.yaml}: relu'(0) = 0, abs'(0) = 0, clamp passes the gradient at its
 * bounds, ties in maximum/minimum split it evenly, max over all elements shares it among ties while
 * max over a dim gives it to the first index. Broadcasting is undone in one place,
 * {@link dev.sfumato.autograd.ops.Broadcasting#sumTo}. Ops built from these (split, chunk, losses)
 * need no rule of their own.
 */
package dev.sfumato.autograd.ops;
