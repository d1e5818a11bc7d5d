/**
 * The forward (noising) process and the training targets defined by it, as plain tensor functions.
 *
 * <p>{@link dev.sfumato.diffusion.process.ForwardProcess} samples q(x_t | x_0) (Ho et al. 2020, eq. 4),
 * converts between x_0, ε and v = √ᾱ ε − √(1 − ᾱ) x_0 (Salimans &amp; Ho 2022, §4), and gives
 * the posterior q(x_{t−1} | x_t, x_0) (Ho et al. 2020, eq. 6-7).
 * {@link dev.sfumato.diffusion.process.PredictionType} says what a network predicts (ε, x_0 or v);
 * {@link dev.sfumato.diffusion.process.MinSnrWeighting} gives the loss weights of Hang et al. 2023.
 * Batches are {@code [N, C, H, W]} and timesteps {@code [N]} (integers held as floats, 0-based as in the
 * reference code). Nothing here needs autograd: a trainer builds its loss on the same targets.
 */
package dev.sfumato.diffusion.process;
