/**
 * Parameter initialisation with PyTorch's formulas ({@code torch.nn.init}): uniform, normal, constant,
 * xavier (Glorot &amp; Bengio 2010) and kaiming (He et al. 2015), from a seeded generator.
 */
package dev.sfumato.nn.init;
