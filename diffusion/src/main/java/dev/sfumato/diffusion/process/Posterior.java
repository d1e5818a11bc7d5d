package dev.sfumato.diffusion.process;

import dev.sfumato.tensor.Tensor;

/**
 * The posterior q(x_{t−1} | x_t, x_0) = N(μ̃_t, β̃_t I) of Ho et al. 2020, eq. 6-7, for a batch.
 *
 * @param mean        μ̃_t, {@code [N, C, H, W]}
 * @param variance    β̃_t, {@code [N, 1, 1, 1]} (broadcasts against the batch)
 * @param logVariance log β̃_t with β̃_0 replaced by β̃_1, {@code [N, 1, 1, 1]}
 */
public record Posterior(Tensor mean, Tensor variance, Tensor logVariance) {
}
