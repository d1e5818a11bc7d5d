#!/usr/bin/python3
"""PyTorch side of the DDPM step side-by-side (issue 6): the twin of dev.sfumato.benchmarks.diffusion.StepRunner.

Same network (the twin U-Net of ddpm_unet_torch.py, 1,539,329 parameters), same options, same timing loop,
and the same output line, with "torch" in place of "sfumato":

    torch mode=train batch=64 threads=2 steps=5 ms_per_step=... ms_min=... images_per_s=... alloc_mb_per_step=na
          ... peak_rss_mb=... ms_all=...

--mode train mirrors one Trainer.step() of Sfumato's default recipe (TrainConfig.defaults), in its order:
    model.train(); x0 = next batch of the shuffled loader (drop last); t ~ U{0..999}; eps ~ N(0, I)
    x_t = sqrt(abar_t) x0 + sqrt(1 - abar_t) eps            linear beta 1e-4..0.02, T = 1000, tables in float64
    loss = mean over the batch of mean over C, H, W of (model(x_t, t) - eps)^2;  loss.item(), finiteness check
    zero_grad(set_to_none=True); loss.backward(); clip_grad_norm_(params, 1.0)
    under no_grad: Adam(lr 2e-4, betas (0.9, 0.999), eps 1e-8, no weight decay).step(); EMA update
    (decay min(0.9999, (1 + n)/(10 + n)), as nn.optim.Ema); then the linear lr warmup over 500 steps.
--mode sample: one network evaluation of a sampler step, model.eval() and torch.no_grad(), t = 500 for all.

The data are synthetic, 2048 uniform images in [-1, 1], as in StepCase. Heap allocation per step has no
PyTorch counterpart here and is printed as "na"; peak RSS is ru_maxrss of this process (interpreter included).

Run with Debian's python3-torch 1.13 (/usr/bin/python3); set OMP_NUM_THREADS to --threads and
OPENBLAS_NUM_THREADS=1, as step-side-by-side.sh does.

    /usr/bin/python3 benchmarks/scripts/ddpm_step_torch.py --mode train --batch 64 --threads 2 --warmup 2 --steps 5
"""
import argparse
import math
import os
import resource
import statistics
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ddpm_unet_torch import UNet  # noqa: E402  (the twin of Sfumato's UNet, same state_dict names)

PARAMETERS = 1_539_329       # Sfumato's UNetConfig.fashionMnist().parameterCount()
DATASET_IMAGES = 2048        # StepCase.DATASET_IMAGES
SAMPLE_TIMESTEP = 500        # StepCase.SAMPLE_TIMESTEP
T = 1000
LR, WARMUP, CLIP, EMA_DECAY = 2e-4, 500, 1.0, 0.9999


def linear_schedule(timesteps=T, start=1e-4, end=0.02):
    """sqrt(abar_t) and sqrt(1 - abar_t) as float32 tables [T], computed in float64 (NoiseSchedule.linear)."""
    betas = torch.linspace(start, end, timesteps, dtype=torch.float64)
    abar = torch.cumprod(1.0 - betas, dim=0)
    return abar.sqrt().float(), (1.0 - abar).sqrt().float()


class Loader:
    """Endless shuffled mini-batches with drop_last, a new permutation each epoch (as Sfumato's DataLoader)."""

    def __init__(self, data, batch, generator):
        if batch > data.shape[0]:
            raise SystemExit(f"batch {batch} is larger than the {data.shape[0]} synthetic images")
        self.data, self.batch, self.g = data, batch, generator
        self.order, self.index = torch.randperm(data.shape[0], generator=generator), 0

    def next(self):
        if self.index + self.batch > self.data.shape[0]:
            self.order, self.index = torch.randperm(self.data.shape[0], generator=self.g), 0
        idx = self.order[self.index:self.index + self.batch]
        self.index += self.batch
        return self.data[idx]                                     # [N, 1, 28, 28], a gathered copy


class Ema:
    """nn.optim.Ema with warmup: shadow = d shadow + (1 - d) param, d = min(decay, (1 + n)/(10 + n))."""

    def __init__(self, model, decay=EMA_DECAY):
        self.model, self.decay, self.num_updates = model, decay, 0
        self.shadow = {k: v.detach().clone() for k, v in model.state_dict().items()}

    def update(self):
        n = self.num_updates + 1
        d = min(self.decay, (1.0 + n) / (10.0 + n))
        self.num_updates = n
        params = dict(self.model.named_parameters())
        with torch.no_grad():
            for k, v in self.model.state_dict().items():
                if k in params:
                    self.shadow[k].mul_(d).add_(v, alpha=1.0 - d)
                else:                                             # buffers are copied (the U-Net has none)
                    self.shadow[k].copy_(v)


def optimise(model, loss, opt, ema, warmup):
    """The step's second half: backward, clip at norm 1, Adam, EMA, then the warmup's next lr."""
    model.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), CLIP)
    with torch.no_grad():
        opt.step()
        ema.update()
    warmup.step()


def train_step_fn(model, batch, seed):
    g = torch.Generator().manual_seed(seed + 100)
    data = torch.rand(DATASET_IMAGES, 1, 28, 28, generator=g) * 2 - 1   # [D, 1, 28, 28] in [-1, 1)
    loader = Loader(data, batch, torch.Generator().manual_seed(seed + 2))
    sqrt_abar, sqrt_one_minus_abar = linear_schedule()
    opt = torch.optim.Adam(model.parameters(), lr=LR, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0)
    # LinearLR(start_factor=0) divides by zero in 1.13; this is its closed form, as Sfumato's LinearWarmup.
    warmup = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(s, WARMUP) / WARMUP)
    ema = Ema(model)
    rng = torch.Generator().manual_seed(seed + 3)

    def step():
        model.train()
        x0 = loader.next()                                        # [N, 1, 28, 28]
        n = x0.shape[0]
        t = torch.randint(0, T, (n,), generator=rng)              # [N]
        eps = torch.randn(x0.shape, generator=rng)                # [N, 1, 28, 28]
        xt = sqrt_abar[t].view(n, 1, 1, 1) * x0 + sqrt_one_minus_abar[t].view(n, 1, 1, 1) * eps
        out = model(xt, t)
        loss = (out - eps).square().mean(dim=(1, 2, 3)).mean()   # per-sample MSE [N], then the mean
        value = loss.item()
        if not math.isfinite(value):
            raise SystemExit(f"training diverged: loss {value}")
        optimise(model, loss, opt, ema, warmup)
        return value

    return step


def sample_step_fn(model, batch, seed):
    model.eval()
    xt = torch.randn(batch, 1, 28, 28, generator=torch.Generator().manual_seed(seed + 3))

    def step():
        t = torch.full((batch,), SAMPLE_TIMESTEP, dtype=torch.long)  # [N]
        with torch.no_grad():
            return model(xt, t)                                    # [N, 1, 28, 28]

    return step


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--mode", choices=("train", "sample"), default="train")
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--threads", type=int, default=os.cpu_count())
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--steps", type=int, default=5)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()
    if a.batch < 1 or a.threads < 1 or a.warmup < 0 or a.steps < 1:
        raise SystemExit("need batch >= 1, threads >= 1, warmup >= 0, steps >= 1")
    torch.set_num_interop_threads(1)   # before any parallel work; intra-op threads do the convolutions
    torch.set_num_threads(a.threads)
    print(f"torch {torch.__version__}: mkldnn available {torch.backends.mkldnn.is_available()},"
          f" threads {torch.get_num_threads()}, interop {torch.get_num_interop_threads()}", file=sys.stderr)

    torch.manual_seed(a.seed)          # the weights come from the global generator, as in Sfumato
    model = UNet()
    count = sum(q.numel() for q in model.parameters())
    if count != PARAMETERS:  # not an assert: it must hold under python -O too
        raise SystemExit(f"the twin has {count} parameters, Sfumato's default U-Net has {PARAMETERS}")
    step = train_step_fn(model, a.batch, a.seed) if a.mode == "train" else sample_step_fn(model, a.batch, a.seed)

    for _ in range(a.warmup):
        step()
    ms = []
    for _ in range(a.steps):
        t0 = time.perf_counter()
        step()
        ms.append((time.perf_counter() - t0) * 1e3)

    median = statistics.median(ms)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0   # KB on Linux
    print(f"torch mode={a.mode} batch={a.batch} threads={a.threads} steps={a.steps} ms_per_step={median:.3f}"
          f" ms_min={min(ms):.3f} images_per_s={a.batch * 1000.0 / median:.2f} alloc_mb_per_step=na"
          f" alloc_mb_first_q=na alloc_mb_last_q=na gc_count=na gc_ms=na peak_rss_mb={rss_mb:.1f}"
          f" ms_all={','.join(f'{v:.3f}' for v in ms)}")


if __name__ == "__main__":
    main()
