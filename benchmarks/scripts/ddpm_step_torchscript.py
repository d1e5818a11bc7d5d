#!/usr/bin/python3
"""Exports the DDPM step of ddpm_step_torch.py as TorchScript, for the second peer: PyTorch 2.x through DJL.

DJL (ai.djl.pytorch, with the CPU native jar from Maven Central) runs TorchScript on libtorch 2.7. So that
it runs the same work as the other two sides, this script writes two TorchScript modules of the twin U-Net
(ddpm_unet_torch.py, 1,539,329 parameters) built with the same seed as ddpm_step_torch.py:

    <out>/train_b<N>.pt   forward(like [N]) -> loss: one whole training step of Sfumato's default recipe,
                          as ddpm_step_torch.py --mode train does it (see there): data (shuffled, drop last),
                          t ~ U{0..999}, eps ~ N(0, I), q_sample, forward, per-sample MSE then the mean,
                          backward, clip at global norm 1, Adam (lr 2e-4 with the 500-step linear warmup,
                          betas (0.9, 0.999), eps 1e-8), EMA with warmup. Returns the loss. The batch
                          size N is the length of the argument (DJL's forward with autograd on passes
                          tensors only).
    <out>/sample_b<N>.pt  forward(x_t) -> eps_hat: one no-grad network evaluation at t = 500, model.eval().

TorchScript cannot enumerate a module's parameters inside a scripted method, so the U-Net is traced as a
function of one flat parameter vector (each parameter a view into it): autograd, clipping, Adam and the EMA
then run on that one vector, in the same arithmetic as torch.optim.Adam (single-tensor form). The traced graph
is the network's own ops; the views add ~120 narrow/view nodes. Random draws (data order, t, eps, dropout)
come from the runtime's global generator.

Two checks keep the comparison honest. Before writing anything, verify() runs three steps of the scripted step
next to the eager step of ddpm_step_torch.py from the same weights and draws and stops unless the losses, the
weight updates and the EMA updates agree. The sample module carries a check (`check()`: the network on
perturbed weights and a fixed input, with torch 1.13's output), which DjlStepRunner runs on libtorch 2.7
before it times anything.

    /usr/bin/python3 benchmarks/scripts/ddpm_step_torchscript.py --out DIR --batch 64
"""
import argparse
import copy
import os
import sys
from typing import Tuple

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ddpm_step_torch import (CLIP, DATASET_IMAGES, EMA_DECAY, LR, PARAMETERS, SAMPLE_TIMESTEP, T,  # noqa: E402
                             WARMUP, Ema, linear_schedule, optimise)
from ddpm_unet_torch import UNet  # noqa: E402

BETAS, ADAM_EPS = (0.9, 0.999), 1e-8


def flat_network(model, batch, train):
    """The U-Net traced as f(flat [P], x [N, 1, 28, 28], t [N]) -> [N, 1, 28, 28], in train or eval mode."""
    flat = torch.cat([p.detach().reshape(-1) for p in model.parameters()])
    net = copy.deepcopy(model).train(train)
    # Each parameter becomes a plain attribute, set to a view into flat on every call. (functional_call does
    # the same, but refuses to run under the tracer.)
    slots = []
    for name, p in list(net.named_parameters()):
        owner, _, leaf = name.rpartition(".")
        module = net.get_submodule(owner)
        del module._parameters[leaf]
        slots.append((module, leaf, p.shape, p.numel()))

    def f(flat, x, t):
        o = 0
        for module, leaf, shape, size in slots:
            setattr(module, leaf, flat[o:o + size].view(shape))
            o += size
        return net(x, t)

    example = (flat, torch.randn(batch, 1, 28, 28), torch.randint(0, T, (batch,)))
    return torch.jit.trace(f, example, check_trace=False), flat


class TrainStep(torch.nn.Module):
    def __init__(self, net, flat, data, batch):
        super().__init__()
        self.net = net
        self.flat = torch.nn.Parameter(flat.clone())                     # [P], the weights
        self.register_buffer("m", torch.zeros_like(flat))                # Adam's first moment
        self.register_buffer("v", torch.zeros_like(flat))                # Adam's second moment
        self.register_buffer("shadow", flat.clone())                     # the EMA's weights
        self.register_buffer("data", data)                               # [D, 1, 28, 28]
        sqrt_abar, sqrt_one_minus_abar = linear_schedule()
        self.register_buffer("sqrt_abar", sqrt_abar)                     # [T]
        self.register_buffer("sqrt_one_minus_abar", sqrt_one_minus_abar) # [T]
        self.register_buffer("order", torch.randperm(data.shape[0]))
        self.index = 0
        self.steps = 0                                                   # optimiser and EMA steps so far
        # TorchScript reads no Python globals: the recipe's constants (ddpm_step_torch.py) as attributes
        self.timesteps, self.lr, self.warmup, self.clip, self.ema_decay = T, LR, WARMUP, CLIP, EMA_DECAY
        self.beta1, self.beta2, self.adam_eps = BETAS[0], BETAS[1], ADAM_EPS

    def forward(self, like: torch.Tensor) -> torch.Tensor:
        batch = like.shape[0]
        if self.index + batch > self.data.shape[0]:                      # a new epoch: reshuffle, drop last
            self.order = torch.randperm(self.data.shape[0])
            self.index = 0
        x0 = self.data[self.order[self.index:self.index + batch]]      # [N, 1, 28, 28]
        self.index += batch
        t = torch.randint(0, self.timesteps, [batch])                                 # [N]
        eps = torch.randn_like(x0)                                       # [N, 1, 28, 28]
        xt = (self.sqrt_abar[t].view(batch, 1, 1, 1) * x0
              + self.sqrt_one_minus_abar[t].view(batch, 1, 1, 1) * eps)
        out = self.net(self.flat, xt, t)
        loss = (out - eps).square().mean(dim=(1, 2, 3)).mean()
        grad = torch.autograd.grad([loss], [self.flat])[0]
        assert grad is not None
        with torch.no_grad():
            # clip_grad_norm_(max_norm=1): scale by max_norm / (norm + 1e-6) when that is below 1
            coef = torch.clamp(self.clip / (torch.linalg.vector_norm(grad) + 1e-6), max=1.0)
            grad.mul_(coef)
            # torch.optim.Adam, single-tensor form; the lr of LambdaLR's warmup at this step
            lr = self.lr * min(self.steps, self.warmup) / self.warmup
            self.steps += 1
            b1, b2 = self.beta1, self.beta2
            self.m.mul_(b1).add_(grad, alpha=1 - b1)
            self.v.mul_(b2).addcmul_(grad, grad, value=1 - b2)
            bias1 = 1 - b1 ** self.steps
            bias2 = 1 - b2 ** self.steps
            denom = (self.v.sqrt() / (bias2 ** 0.5)).add_(self.adam_eps)
            self.flat.addcdiv_(self.m, denom, value=-lr / bias1)
            d = min(self.ema_decay, (1.0 + self.steps) / (10.0 + self.steps))
            self.shadow.mul_(d).add_(self.flat, alpha=1 - d)
        return loss


class SampleStep(torch.nn.Module):
    def __init__(self, net, flat, check_flat, check_x, check_out):
        super().__init__()
        self.net = net
        self.register_buffer("flat", flat.clone())
        self.register_buffer("check_flat", check_flat)
        self.register_buffer("check_x", check_x)
        self.register_buffer("check_out", check_out)
        self.timestep = SAMPLE_TIMESTEP

    def forward(self, xt: torch.Tensor) -> torch.Tensor:
        t = torch.full([xt.shape[0]], self.timestep, dtype=torch.long)
        return self.net(self.flat, xt, t)

    @torch.jit.export
    def check(self) -> Tuple[torch.Tensor, torch.Tensor]:
        """(this runtime's output, torch 1.13's output) of the network with check_flat's weights on check_x."""
        t = torch.full([self.check_x.shape[0]], self.timestep, dtype=torch.long)
        return self.net(self.check_flat, self.check_x, t), self.check_out


def verify(seed, batch=4, steps=3):
    """Runs the scripted step next to the eager one of ddpm_step_torch.py (torch.optim.Adam, clip_grad_norm_,
    Ema, LambdaLR warmup) from the same weights and the same random draws, and stops unless the losses, the
    weights' updates and the EMA's agree: the exported step is the benchmark's step, not an approximation."""
    torch.manual_seed(seed)
    model = UNet()
    data = torch.rand(DATASET_IMAGES, 1, 28, 28, generator=torch.Generator().manual_seed(seed + 100)) * 2 - 1
    net, flat = flat_network(model, batch, train=True)
    scripted = torch.jit.script(TrainStep(net, flat, data, batch))
    eager = copy.deepcopy(model).train()
    opt = torch.optim.Adam(eager.parameters(), lr=LR, betas=BETAS, eps=ADAM_EPS, weight_decay=0.0)
    warmup = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(s, WARMUP) / WARMUP)
    ema = Ema(eager)
    sqrt_abar, sqrt_one_minus_abar = linear_schedule()
    for i in range(steps):
        torch.manual_seed(seed + 1000 + i)
        loss_s = float(scripted(torch.zeros(batch)))
        torch.manual_seed(seed + 1000 + i)                                # the same draws, in the same order
        x0 = data[scripted.order[i * batch:(i + 1) * batch]]
        t = torch.randint(0, T, [batch])
        eps = torch.randn_like(x0)
        xt = sqrt_abar[t].view(batch, 1, 1, 1) * x0 + sqrt_one_minus_abar[t].view(batch, 1, 1, 1) * eps
        loss = (eager(xt, t) - eps).square().mean(dim=(1, 2, 3)).mean()
        optimise(eager, loss, opt, ema, warmup)
        update_e = torch.nn.utils.parameters_to_vector(eager.parameters()).detach() - flat
        update_s = scripted.flat.detach() - flat
        shadow_e = torch.cat([ema.shadow[n].reshape(-1) for n, _ in eager.named_parameters()])
        errors = (abs(loss_s - loss.item()) / abs(loss.item()),
                  float((update_s - update_e).abs().max() / update_e.abs().max().clamp(min=1e-30)),
                  float((scripted.shadow - shadow_e).abs().max() / (shadow_e - flat).abs().max().clamp(min=1e-30)))
        if i > 0 and not max(errors) <= 1e-4:        # step 0 has lr 0 (the warmup): no update to compare
            raise SystemExit(f"the exported step differs from the eager one at step {i}: relative errors"
                             f" (loss, weight update, EMA update) {errors}")
    print(f"verified: {steps} steps of the exported step match the eager step", file=sys.stderr)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--out", required=True, help="directory for train_b<N>.pt and sample_b<N>.pt")
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()
    if a.batch < 1 or a.batch > DATASET_IMAGES:
        raise SystemExit(f"need 1 <= batch <= {DATASET_IMAGES}")
    os.makedirs(a.out, exist_ok=True)
    verify(a.seed)

    torch.manual_seed(a.seed)          # the weights, as in ddpm_step_torch.py
    model = UNet()
    count = sum(q.numel() for q in model.parameters())
    if count != PARAMETERS:
        raise SystemExit(f"the twin has {count} parameters, Sfumato's default U-Net has {PARAMETERS}")
    g = torch.Generator().manual_seed(a.seed + 100)
    data = torch.rand(DATASET_IMAGES, 1, 28, 28, generator=g) * 2 - 1   # [D, 1, 28, 28], as ddpm_step_torch.py

    train_net, flat = flat_network(model, a.batch, train=True)
    train = torch.jit.script(TrainStep(train_net, flat, data, a.batch))
    eval_net, _ = flat_network(model, a.batch, train=False)
    # The check: every weight perturbed (the zero-initialised output convolutions would make any network
    # pass), torch 1.13's eager output on a fixed input.
    check_gen = torch.Generator().manual_seed(a.seed + 4)
    check_flat = flat + 0.05 * torch.randn(flat.shape, generator=check_gen)
    check_x = torch.randn(a.batch, 1, 28, 28, generator=check_gen)
    with torch.no_grad():
        checked = copy.deepcopy(model).eval()
        torch.nn.utils.vector_to_parameters(check_flat, checked.parameters())
        check_out = checked(check_x, torch.full((a.batch,), SAMPLE_TIMESTEP, dtype=torch.long))
    sample = torch.jit.script(SampleStep(eval_net, flat, check_flat, check_x, check_out))
    for name, module in (("train", train), ("sample", sample)):
        path = os.path.join(a.out, f"{name}_b{a.batch}.pt")
        tmp = path + ".tmp"
        torch.jit.save(module, tmp)
        os.replace(tmp, path)                                            # atomic, as everything we write
        print(path)


if __name__ == "__main__":
    main()
