/**
 * Samplers: the reverse process, run against any {@link dev.sfumato.diffusion.sampler.Denoiser}.
 *
 * <p>{@link dev.sfumato.diffusion.sampler.DdpmSampler} is ancestral sampling (Ho et al. 2020, Algorithm 2,
 * with the variance choices of the original {@code diffusion_utils_2.py});
 * {@link dev.sfumato.diffusion.sampler.DdimSampler} is the generalised sampler of Song et al. 2021 (eq. 12
 * and 16) on the timestep spacings of diffusers and of the original DDIM code
 * ({@link dev.sfumato.diffusion.sampler.TimestepSpacing});
 * {@link dev.sfumato.diffusion.sampler.ClassifierFreeGuidance} wraps a class-conditional model (Ho &amp;
 * Salimans 2022). All noise comes from a seeded {@link dev.sfumato.tensor.Generator}, one draw per step for
 * the whole batch, so a run depends only on the seed. A
 * {@link dev.sfumato.diffusion.sampler.SamplingListener} sees x_t and x̂_0 at every step.
 */
package dev.sfumato.diffusion.sampler;
