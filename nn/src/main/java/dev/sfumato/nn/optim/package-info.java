/**
 * Optimisers, gradient clipping, learning-rate schedules and the EMA of weights, following
 * {@code torch.optim} of PyTorch 1.13 step for step so that trajectories match its golden values.
 *
 * <p>{@link dev.sfumato.nn.optim.Optimizer} holds parameters, per-parameter state and hyperparameters with
 * PyTorch's names, and flattens them into a {@code Map<String, Tensor>} state dict that safetensors can
 * save and a fresh optimiser can resume from bit for bit. {@link dev.sfumato.nn.optim.SGD} (momentum,
 * Nesterov), {@link dev.sfumato.nn.optim.Adam} (Kingma and Ba 2015) and {@link dev.sfumato.nn.optim.AdamW}
 * (Loshchilov and Hutter 2019) update {@code param.value()} in place. {@link dev.sfumato.nn.optim.GradClip}
 * clips by global norm; {@link dev.sfumato.nn.optim.LrScheduler} and its subclasses are PyTorch's closed-form
 * schedules; {@link dev.sfumato.nn.optim.Ema} is the weight average DDPM samples with (Ho et al. 2020).
 */
package dev.sfumato.nn.optim;
