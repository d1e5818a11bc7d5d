/**
 * Numerical gradient checking: {@link dev.sfumato.autograd.gradcheck.GradCheck} compares the gradients
 * computed by backward with five-point central differences of a random projection of the output, as
 * {@code torch.autograd.gradcheck} does with three-point differences in float64. The method and its
 * float32 error budget are derived in GradCheck's documentation.
 */
package dev.sfumato.autograd.gradcheck;
