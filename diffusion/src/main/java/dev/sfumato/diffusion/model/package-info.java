/**
 * The denoising network: the DDPM U-Net of Ho et al. 2020 (Appendix B; {@code diffusion_tf/models/unet.py}),
 * with a sinusoidal time embedding and an MLP, ResBlocks, self-attention, stride-2 and nearest ×2 resampling,
 * concatenated skips, and an optional class embedding with a null class for classifier-free guidance
 * (Ho &amp; Salimans 2022). It only predicts; the schedule, loss and samplers live in their own packages.
 * {@code benchmarks/scripts/ddpm_unet_torch.py} is its PyTorch twin with identical state_dict names.
 */
package dev.sfumato.diffusion.model;
