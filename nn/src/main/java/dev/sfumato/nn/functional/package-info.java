/**
 * Differentiable functions of {@code torch.nn.functional}: convolution, pooling and losses. Each takes
 * Variables and returns a Variable; the modules in {@code dev.sfumato.nn.layers} wrap them with their
 * options. Ops with a backward rule of their own keep it beside the forward; losses are composites of
 * autograd primitives.
 */
package dev.sfumato.nn.functional;
