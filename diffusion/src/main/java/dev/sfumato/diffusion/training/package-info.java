/**
 * Training: Algorithm 1 of Ho et al. 2020 with Adam(W), linear warmup, gradient clipping, an EMA of the
 * weights and classifier-free label dropout; the run's config as JSON; checkpoints (one atomic safetensors
 * file holding model, EMA, optimiser state, generator states and data position) that resume bit for bit.
 */
package dev.sfumato.diffusion.training;
