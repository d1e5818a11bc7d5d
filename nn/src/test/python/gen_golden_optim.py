"""Golden values for losses, optimisers, gradient clipping, LR schedules and EMA, from PyTorch 1.13 (float32).

Losses: values and input gradients for every reduction, label smoothing, ignore_index and class dims.
Optimisers: a two-layer MLP written from raw tensors (matmul, tanh, cross-entropy) on one fixed batch; its
initial parameters are written here and loaded by the Java test, which then takes 10 steps of each
optimiser and compares the parameters after every step. One extra parameter never gets a gradient, so the
optimisers must skip it. Clipping: the MLP's gradients at init. Schedules: the lr after construction and
after each of 30 steps. EMA: shadows along the Adam trajectory. The Java side is OptimGoldenTest and
LossGoldenTest; it never needs Python. Run from anywhere with Debian's interpreter:

    /usr/bin/python3 nn/src/test/python/gen_golden_optim.py
"""
import os
import sys
import warnings
import zlib

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "..", "core-tensor", "src", "test", "python"))
from golden_format import GoldenWriter  # noqa: E402

OUT = os.path.join(HERE, "..", "resources", "golden", "optim.txt")
STEPS = 10
SCHEDULE_STEPS = 30

warnings.filterwarnings("ignore")  # the epoch-argument deprecation of closed-form scheduler steps


def leaf(g, *shape, scale=1.0):
    return (torch.randn(*shape, generator=g, dtype=torch.float32) * scale).requires_grad_(True)


# ---------------------------------------------------------------------------------------------------------
# Losses
# ---------------------------------------------------------------------------------------------------------

def loss_case(w, name, fn, x, target, reductions=("mean", "sum", "none"), **kwargs):
    """For each reduction: the loss and d loss / d x (with a written upstream gradient for 'none')."""
    g = torch.Generator().manual_seed(zlib.crc32(name.encode()))
    for red in reductions:
        xi = x.detach().clone().requires_grad_(True)
        out = fn(xi, target, reduction=red, **kwargs)
        if red == "none":
            gy = torch.randn(out.shape, generator=g)
            out.backward(gy)
            w.add(f"{name}.{red}.gy", gy)
        else:
            out.backward()
        w.add(f"{name}.{red}.loss", out)
        w.add(f"{name}.{red}.grad", xi.grad)


def losses(w):
    g = torch.Generator().manual_seed(10)
    x = torch.randn(4, 5, generator=g)
    y = torch.randn(4, 5, generator=g)
    w.add("mse.input", x)
    w.add("mse.target", y)
    loss_case(w, "mse", F.mse_loss, x, y)
    loss_case(w, "l1", F.l1_loss, x, y)

    # Cross-entropy [N, C] with every class present, with and without label smoothing.
    logits = torch.randn(6, 5, generator=g) * 2
    target = torch.tensor([0, 4, 2, 2, 1, 3])
    w.add("ce.logits", logits)
    w.add("ce.target", target.float())
    loss_case(w, "ce", F.cross_entropy, logits, target)
    loss_case(w, "ce_ls", F.cross_entropy, logits, target, label_smoothing=0.1)
    # Ignored targets: the default -100 and a custom index.
    target_ign = torch.tensor([0, -100, 2, -100, 1, 3])
    w.add("ce_ign.target", target_ign.float())
    loss_case(w, "ce_ign", F.cross_entropy, logits, target_ign, label_smoothing=0.2)
    loss_case(w, "ce_ign2", F.cross_entropy, logits, target, ignore_index=2)

    # Class dims: logits [N, C, d1, d2], target [N, d1, d2].
    logits4 = torch.randn(2, 3, 2, 4, generator=g)
    target4 = torch.randint(0, 3, (2, 2, 4), generator=g)
    w.add("ce4.logits", logits4)
    w.add("ce4.target", target4.float())
    loss_case(w, "ce4", F.cross_entropy, logits4, target4, label_smoothing=0.15)

    # NLL on log-probabilities (a leaf, so the gradient is NLL's alone).
    logp = torch.randn(5, 4, generator=g).log_softmax(1)
    target_nll = torch.tensor([3, 0, 1, 3, 2])
    w.add("nll.input", logp)
    w.add("nll.target", target_nll.float())
    loss_case(w, "nll", F.nll_loss, logp, target_nll)
    loss_case(w, "nll_ign", F.nll_loss, logp, target_nll, ignore_index=3)


# ---------------------------------------------------------------------------------------------------------
# The MLP and the optimisers
# ---------------------------------------------------------------------------------------------------------

PARAM_NAMES = ["w1", "b1", "w2", "b2", "unused"]


def mlp_init(w):
    g = torch.Generator().manual_seed(20)
    params = {
        "w1": torch.randn(5, 16, generator=g) * 0.5,
        "b1": torch.randn(16, generator=g) * 0.1,
        "w2": torch.randn(16, 3, generator=g) * 0.5,
        "b2": torch.randn(3, generator=g) * 0.1,
        "unused": torch.randn(3, generator=g),
    }
    x = torch.randn(8, 5, generator=g)
    target = torch.randint(0, 3, (8,), generator=g)
    for k in PARAM_NAMES:
        w.add(f"mlp.init.{k}", params[k])
    w.add("mlp.x", x)
    w.add("mlp.target", target.float())
    return params, x, target


def mlp_loss(p, x, target):
    h = (x.matmul(p["w1"]) + p["b1"]).tanh()   # [8, 16]
    logits = h.matmul(p["w2"]) + p["b2"]       # [8, 3]
    return F.cross_entropy(logits, target)


def fresh(init):
    return {k: v.clone().requires_grad_(True) for k, v in init.items()}


def trajectory(w, name, make_opt, init, x, target, ema=None):
    p = fresh(init)
    opt = make_opt([p[k] for k in PARAM_NAMES])
    losses_ = []
    shadows = {}
    for step in range(1, STEPS + 1):
        opt.zero_grad(set_to_none=True)
        loss = mlp_loss(p, x, target)
        loss.backward()
        losses_.append(loss.item())
        opt.step()
        for k in PARAM_NAMES:
            w.add(f"{name}.step{step}.{k}", p[k])
        if ema is not None:
            ema(step, p, shadows)
    w.add(f"{name}.loss", torch.tensor(losses_))
    assert torch.equal(p["unused"], init["unused"]) and p["unused"].grad is None


def optimisers(w, init, x, target):
    trajectory(w, "sgd", lambda ps: torch.optim.SGD(ps, lr=0.1, foreach=False), init, x, target)
    trajectory(w, "sgd_momentum", lambda ps: torch.optim.SGD(
        ps, lr=0.1, momentum=0.9, dampening=0.1, weight_decay=0.01, foreach=False), init, x, target)
    trajectory(w, "sgd_nesterov", lambda ps: torch.optim.SGD(
        ps, lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01, foreach=False), init, x, target)
    trajectory(w, "adam", lambda ps: torch.optim.Adam(ps, lr=0.01, foreach=False), init, x, target,
               ema=ema_recorder(w))
    trajectory(w, "adam_wd", lambda ps: torch.optim.Adam(ps, lr=0.01, weight_decay=0.1, foreach=False),
               init, x, target)
    trajectory(w, "adam_amsgrad", lambda ps: torch.optim.Adam(
        ps, lr=0.01, betas=(0.8, 0.99), amsgrad=True, foreach=False), init, x, target)
    trajectory(w, "adamw", lambda ps: torch.optim.AdamW(ps, lr=0.01, weight_decay=0.1, foreach=False),
               init, x, target)
    trajectory(w, "adamw_amsgrad", lambda ps: torch.optim.AdamW(
        ps, lr=0.02, weight_decay=0.05, eps=1e-6, amsgrad=True, foreach=False), init, x, target)


def ema_recorder(w):
    """Two EMAs along the Adam trajectory: decay 0.9 plain, and 0.999 with LitEma's warmup."""
    state = {}

    def update(step, p, _):
        if not state:
            state["plain"] = {k: v.detach().clone() for k, v in INIT.items()}
            state["warmup"] = {k: v.detach().clone() for k, v in INIT.items()}
        for kind, decay in (("plain", 0.9), ("warmup", min(0.999, (1 + step) / (10 + step)))):
            for k in PARAM_NAMES:
                state[kind][k].mul_(decay).add_(p[k].detach(), alpha=1 - decay)
        if step in (3, STEPS):
            for kind in ("plain", "warmup"):
                for k in PARAM_NAMES:
                    w.add(f"ema_{kind}.step{step}.{k}", state[kind][k])

    return update


# ---------------------------------------------------------------------------------------------------------
# Clipping and schedules
# ---------------------------------------------------------------------------------------------------------

def clipping(w, init, x, target):
    for name, max_norm in (("clip", 0.5), ("noclip", 100.0)):
        p = fresh(init)
        mlp_loss(p, x, target).backward()
        total = torch.nn.utils.clip_grad_norm_([p[k] for k in PARAM_NAMES], max_norm)
        w.add(f"{name}.total_norm", total)
        for k in PARAM_NAMES[:-1]:
            w.add(f"{name}.grad.{k}", p[k].grad)


def schedule(w, name, make, closed_form=False):
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    sched = make(opt)
    lrs = [opt.param_groups[0]["lr"]]
    for t in range(1, SCHEDULE_STEPS + 1):
        opt.step()
        if closed_form:
            sched.step(t)
        else:
            sched.step()
        lrs.append(opt.param_groups[0]["lr"])
    w.add(f"sched.{name}", torch.tensor(lrs, dtype=torch.float64))


def schedules(w):
    S = torch.optim.lr_scheduler
    schedule(w, "step", lambda o: S.StepLR(o, step_size=7, gamma=0.5))
    schedule(w, "linear", lambda o: S.LinearLR(o, start_factor=0.1, total_iters=10))
    # From 0 PyTorch's recursive form divides by zero; its closed form (step(epoch)) is the reference.
    schedule(w, "linear0", lambda o: S.LinearLR(o, start_factor=0.0, total_iters=8), closed_form=True)
    schedule(w, "cosine", lambda o: S.CosineAnnealingLR(o, T_max=30, eta_min=0.001))
    schedule(w, "cosine_past_tmax", lambda o: S.CosineAnnealingLR(o, T_max=20))
    schedule(w, "warmup_cosine", lambda o: S.SequentialLR(
        o, [S.LinearLR(o, start_factor=0.1, total_iters=5), S.CosineAnnealingLR(o, T_max=25)], milestones=[5]))


INIT = None

if __name__ == "__main__":
    torch.set_num_threads(1)
    w = GoldenWriter(OUT, __doc__.split("\n\n")[0] + "\nGenerated by nn/src/test/python/gen_golden_optim.py, torch "
                     + torch.__version__)
    losses(w)
    INIT, X, TARGET = mlp_init(w)
    optimisers(w, INIT, X, TARGET)
    clipping(w, INIT, X, TARGET)
    schedules(w)
    w.write()
