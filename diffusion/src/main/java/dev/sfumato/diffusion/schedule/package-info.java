/**
 * Noise schedules: the variances β_1..β_T of the forward process and every table derived from them.
 *
 * <p>{@link dev.sfumato.diffusion.schedule.NoiseSchedule} holds β, α = 1 − β, ᾱ = Π α and the coefficients
 * of q(x_t | x_0) and of the posterior q(x_{t−1} | x_t, x_0), all in double, indexed by the 0-based
 * timestep t = 0..T−1 as in the reference code (paper step t+1). Follows Ho et al. 2020 (linear schedule,
 * eq. 4, 6, 7; the tables of the original {@code diffusion_utils_2.py}) and Nichol &amp; Dhariwal 2021
 * (cosine schedule, eq. 17; {@code improved-diffusion}'s {@code gaussian_diffusion.py}).
 */
package dev.sfumato.diffusion.schedule;
