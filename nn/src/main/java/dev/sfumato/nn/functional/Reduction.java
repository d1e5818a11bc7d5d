package dev.sfumato.nn.functional;

/**
 * How a loss combines its per-element values, like PyTorch's {@code reduction='mean' | 'sum' | 'none'}.
 * {@link #MEAN} is the default everywhere, as in PyTorch.
 */
public enum Reduction {
    /** The average over elements (for classification losses: over the targets that are not ignored). */
    MEAN,
    /** The sum over elements. */
    SUM,
    /** No reduction: one loss per element, shaped like the target. */
    NONE
}
