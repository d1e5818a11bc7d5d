/**
 * The loops under the convolution and pooling ops, on plain float arrays: {@link dev.sfumato.nn.kernels.ConvGeometry}
 * and {@link dev.sfumato.nn.kernels.PoolGeometry} check sizes once (PyTorch's output-size formulas);
 * {@link dev.sfumato.nn.kernels.Conv2dKernels} runs convolution forward and both backwards as im2col
 * ({@link dev.sfumato.nn.kernels.Im2Col}) plus GEMM, specified by the direct loops of its twin
 * {@link dev.sfumato.nn.kernels.Conv2dReference}; {@link dev.sfumato.nn.kernels.Pool2dKernels} holds max,
 * average and adaptive-average pooling and nearest upsampling. Reference: Chellapilla et al. 2006 (im2col),
 * Dumoulin &amp; Visin 2016 (convolution arithmetic).
 */
package dev.sfumato.nn.kernels;
