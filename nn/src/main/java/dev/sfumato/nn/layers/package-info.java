/**
 * Layers as {@link dev.sfumato.nn.Module}s, one per file, named and configured like {@code torch.nn}
 * (builders read like its keyword arguments) and initialised with PyTorch's defaults: convolutions,
 * pooling and upsampling, Linear, Embedding, Dropout, the activations, Flatten, Identity, the
 * normalisations (GroupNorm, LayerNorm, BatchNorm2d) and the DDPM U-Net's self-attention block
 * (Ho et al. 2020). Each forward delegates to {@code dev.sfumato.nn.functional}; the parameters are the
 * module's, so state_dicts written by PyTorch load by name.
 */
package dev.sfumato.nn.layers;
