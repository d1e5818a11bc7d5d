/**
 * The differentiable ops of {@code nn} as functions, like {@code torch.nn.functional}, one concept per
 * file: {@link dev.sfumato.nn.functional.Convolution}, {@link dev.sfumato.nn.functional.Pooling},
 * {@link dev.sfumato.nn.functional.Dense} (linear), {@link dev.sfumato.nn.functional.Sparse} (embedding),
 * {@link dev.sfumato.nn.functional.Dropout}, {@link dev.sfumato.nn.functional.Normalization},
 * {@link dev.sfumato.nn.functional.Attention}, {@link dev.sfumato.nn.functional.Activation} and the
 * losses ({@code Losses}); {@link dev.sfumato.nn.functional.F} gathers them under one name. Each takes
 * Variables and returns a Variable; the modules in {@code dev.sfumato.nn.layers} wrap them with their options.
 *
 * <p>An op that is a new autograd primitive is a {@code Node} subclass nested in its concept class,
 * forward and backward together, with the derivative in its comment (conv2d, pooling, the fused group
 * norm); the others are composites of {@code core-autograd} primitives and need no rule. Every one has a
 * gradient-check property, and a test fails when one is added without.
 */
package dev.sfumato.nn.functional;
