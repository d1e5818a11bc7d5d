"""Golden values for the diffusion schedule, forward process and samplers, computed independently in numpy.

Writes diffusion/src/test/resources/golden/diffusion.txt. Run with Debian's python:

    /usr/bin/python3 diffusion/src/test/python/gen_golden_diffusion.py

What is independent of the Java code, and what is shared on purpose:
- Schedule tables are the expressions of improved-diffusion's GaussianDiffusion.__init__ and
  betas_for_alpha_bar (which repeat the original diffusion_utils_2.py), in float64. The golden format
  holds float32, so each double table is written as two float32 tensors, NAME (the value rounded to
  float32) and NAME.lo (the rounding residual); NAME + NAME.lo recovers the double to ~1e-14.
- Timestep lists are the numpy expressions of diffusers' DDIMScheduler.set_timesteps and of the original
  DDIM code (runners/diffusion.py), evaluated by numpy itself.
- Sampler runs re-implement DDPM (p_sample of diffusion_utils_2.py) and DDIM (Song et al. 2021, eq. 12
  and 16) here in float32, on a closed-form toy model eps = tanh(0.5 x + 0.01 t) written identically in
  both languages. The noise comes from a Python port of dev.sfumato.tensor.Generator, checked below
  against values printed by the Java class.
"""
import math
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "core-tensor", "src", "test", "python"))
from golden_format import GoldenWriter  # noqa: E402

F32 = np.float32


# ---------------------------------------------------------------------------------------------------
# A port of dev.sfumato.tensor.Generator: SplitMix64 over a counter, Box-Muller in double.
# ---------------------------------------------------------------------------------------------------

MASK = (1 << 64) - 1
GOLDEN_GAMMA = 0x9E3779B97F4A7C15


def mix64(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def to_signed(x):
    return x - (1 << 64) if x >= 1 << 63 else x


class Generator:
    def __init__(self, seed):
        self.seed = seed & MASK
        self.counter = 0

    def next_stream_key(self):
        self.counter += 1
        return mix64((self.seed + self.counter * GOLDEN_GAMMA) & MASK)

    def randn(self, shape):
        key = self.next_stream_key()
        n = int(np.prod(shape))
        return np.array([normal(key, i) for i in range(n)], dtype=np.float32).reshape(shape)


def bits(key, i):
    return mix64((key + (i + 1) * GOLDEN_GAMMA) & MASK)


def normal(key, i):
    pair = i >> 1
    u1 = ((bits(key, 2 * pair) >> 11) + 1) * 2.0 ** -53
    u2 = (bits(key, 2 * pair + 1) >> 11) * 2.0 ** -53
    r = math.sqrt(-2.0 * math.log(u1))
    theta = 2.0 * math.pi * u2
    return r * math.cos(theta) if i % 2 == 0 else r * math.sin(theta)


def check_generator_port():
    # Printed by the Java class: new Generator(1234), two stream keys, normal(k1, 0..4); new Generator(-7).
    g = Generator(1234)
    k1, k2 = g.next_stream_key(), g.next_stream_key()
    assert to_signed(k1) == -4968325692281840421, to_signed(k1)
    assert to_signed(k2) == -7509856599009106652, to_signed(k2)
    java = [0.65527827, -0.7311596, -2.0525775, 1.0111176, 0.6587932]
    for i, v in enumerate(java):
        assert F32(normal(k1, i)) == F32(v), (i, normal(k1, i), v)
    g = Generator(-7)
    k = g.next_stream_key()
    assert to_signed(k) == 7790691224305936752
    for i, v in enumerate([-1.4896283, 1.6598377, -0.0309818]):
        assert F32(normal(k, i)) == F32(v)
    x = Generator(42).randn((2, 1, 4, 4)).reshape(-1)
    assert (x[0], x[1], x[31]) == (F32(1.406145), F32(-0.40137833), F32(-0.7254601))


# ---------------------------------------------------------------------------------------------------
# Schedules: improved-diffusion's expressions, float64
# ---------------------------------------------------------------------------------------------------

def linear_betas(T, beta_start=1e-4, beta_end=0.02):
    # diffusion_utils_2.get_beta_schedule('linear')
    return np.linspace(beta_start, beta_end, T, dtype=np.float64)


def betas_for_alpha_bar(T, alpha_bar, max_beta=0.999):
    betas = []
    for i in range(T):
        t1 = i / T
        t2 = (i + 1) / T
        betas.append(min(1 - alpha_bar(t2) / alpha_bar(t1), max_beta))
    return np.array(betas)


def cosine_betas(T):
    return betas_for_alpha_bar(T, lambda t: math.cos((t + 0.008) / 1.008 * math.pi / 2) ** 2)


def tables(betas):
    # improved_diffusion/gaussian_diffusion.py, GaussianDiffusion.__init__
    betas = np.array(betas, dtype=np.float64)
    alphas = 1.0 - betas
    alphas_cumprod = np.cumprod(alphas, axis=0)
    alphas_cumprod_prev = np.append(1.0, alphas_cumprod[:-1])
    posterior_variance = betas * (1.0 - alphas_cumprod_prev) / (1.0 - alphas_cumprod)
    return {
        "betas": betas,
        "alphas": alphas,
        "alphaBar": alphas_cumprod,
        "alphaBarPrev": alphas_cumprod_prev,
        "sqrtAlphaBar": np.sqrt(alphas_cumprod),
        "sqrtOneMinusAlphaBar": np.sqrt(1.0 - alphas_cumprod),
        "logOneMinusAlphaBar": np.log(1.0 - alphas_cumprod),
        "sqrtRecipAlphaBar": np.sqrt(1.0 / alphas_cumprod),
        "sqrtRecipM1AlphaBar": np.sqrt(1.0 / alphas_cumprod - 1),
        "posteriorVariance": posterior_variance,
        "posteriorLogVarianceClipped": np.log(np.append(posterior_variance[1], posterior_variance[1:])),
        "posteriorMeanCoef1": betas * np.sqrt(alphas_cumprod_prev) / (1.0 - alphas_cumprod),
        "posteriorMeanCoef2": (1.0 - alphas_cumprod_prev) * np.sqrt(alphas) / (1.0 - alphas_cumprod),
        # diffusion_utils_2.p_mean_variance, model_var_type 'fixedlarge'
        "fixedLargeLogVariance": np.log(np.append(posterior_variance[1], betas[1:])),
    }


def add_double(w, name, values):
    values = np.asarray(values, dtype=np.float64)
    hi = values.astype(np.float32)
    w.add(name, hi)
    w.add(name + ".lo", (values - hi.astype(np.float64)).astype(np.float32))


def extract(table, t, ndim=4):
    # _extract_into_tensor: gather, cast to float32, shape [N, 1, 1, 1]
    return table[np.asarray(t, dtype=np.int64)].astype(np.float32).reshape((-1,) + (1,) * (ndim - 1))


# ---------------------------------------------------------------------------------------------------
# Timestep spacings: the library expressions themselves
# ---------------------------------------------------------------------------------------------------

def spacing_timesteps(spacing, T, S):
    if spacing == "linspace":  # diffusers DDIMScheduler.set_timesteps
        return np.linspace(0, T - 1, S).round()[::-1].copy().astype(np.int64)
    if spacing == "leading":  # diffusers, steps_offset = 0
        step_ratio = T // S
        return (np.arange(0, S) * step_ratio).round()[::-1].copy().astype(np.int64)
    if spacing == "trailing":  # diffusers
        step_ratio = T / S
        timesteps = np.round(np.arange(T, 0, -step_ratio)).astype(np.int64) - 1
        # For some (T, S), e.g. (1000, 61), rounding gives np.arange an extra entry that becomes t = -1;
        # Sfumato keeps the first S (a deliberate deviation from diffusers).
        return timesteps[:S]
    if spacing == "quad":  # original DDIM code, runners/diffusion.py, skip_type == "quad"
        seq = np.linspace(0, np.sqrt(T * 0.8), S) ** 2
        seq = [int(s) for s in list(seq)]
        return np.array(seq[::-1], dtype=np.int64)
    raise ValueError(spacing)


# ---------------------------------------------------------------------------------------------------
# Toy models and samplers, float32
# ---------------------------------------------------------------------------------------------------

def toy_model(x, t, labels=None):
    # eps = tanh(0.5 x + 0.01 t) (+ 0.1 * label for the conditional toy)
    shift = t.astype(np.float32) * F32(0.01)
    if labels is not None:
        shift = shift + labels.astype(np.float32) * F32(0.1)
    return np.tanh(x * F32(0.5) + shift.reshape(-1, 1, 1, 1)).astype(np.float32)


class Process:
    """The float32 forward-process functions, written from the equations (Ho et al. 2020; Salimans & Ho)."""

    def __init__(self, tab):
        self.tab = tab

    def c(self, name, t):
        return extract(self.tab[name], t)

    def predict_x0(self, kind, xt, t, out):
        if kind == "eps":
            return self.c("sqrtRecipAlphaBar", t) * xt - self.c("sqrtRecipM1AlphaBar", t) * out
        if kind == "x0":
            return out
        return self.c("sqrtAlphaBar", t) * xt - self.c("sqrtOneMinusAlphaBar", t) * out

    def predict_eps(self, kind, xt, t, out):
        if kind == "eps":
            return out
        if kind == "x0":
            return self.eps_from_x0(xt, t, out)
        return self.c("sqrtAlphaBar", t) * out + self.c("sqrtOneMinusAlphaBar", t) * xt

    def eps_from_x0(self, xt, t, x0):
        return (self.c("sqrtRecipAlphaBar", t) * xt - x0) / self.c("sqrtRecipM1AlphaBar", t)

    def posterior_mean(self, x0, xt, t):
        return self.c("posteriorMeanCoef1", t) * x0 + self.c("posteriorMeanCoef2", t) * xt


def ddpm_sample(tab, shape, seed, variance, clip, kind, snapshots):
    # diffusion_utils_2.p_sample_loop / p_sample: mean + nonzero_mask * exp(0.5 * log_var) * noise
    q = Process(tab)
    T = len(tab["betas"])
    log_var = tab["fixedLargeLogVariance"] if variance == "fixedlarge" else tab["posteriorLogVarianceClipped"]
    g = Generator(seed)
    x = g.randn(shape)
    for step, t in enumerate(range(T - 1, -1, -1)):
        tb = np.full(shape[0], t, dtype=np.float32)
        x0 = q.predict_x0(kind, x, tb, toy_model(x, tb))
        if clip:
            x0 = np.clip(x0, -1, 1)
        snapshots.append(x0)
        mean = q.posterior_mean(x0, x, tb)
        if t > 0:
            sigma = F32(math.exp(0.5 * log_var[t]))
            x = mean + g.randn(shape) * sigma
        else:
            x = mean
    return x


def ddim_sample(tab, shape, seed, steps, eta, clip, kind, snapshots):
    # Song et al. 2021, eq. 12 and 16; alpha_bar of the step after the last is 1.
    q = Process(tab)
    ab = tab["alphaBar"]
    g = Generator(seed)
    x = g.randn(shape)
    for i, t in enumerate(steps):
        prev = steps[i + 1] if i + 1 < len(steps) else -1
        tb = np.full(shape[0], t, dtype=np.float32)
        out = toy_model(x, tb)
        x0 = q.predict_x0(kind, x, tb, out)
        if clip:
            x0 = np.clip(x0, -1, 1)
            eps = q.eps_from_x0(x, tb, x0)
        else:
            eps = q.predict_eps(kind, x, tb, out)
        snapshots.append(x0)
        a_t = float(ab[t])
        a_prev = 1.0 if prev < 0 else float(ab[prev])
        sigma = eta * math.sqrt((1 - a_prev) / (1 - a_t)) * math.sqrt(1 - a_t / a_prev)
        x = x0 * F32(math.sqrt(a_prev)) + eps * F32(math.sqrt(max(0.0, 1 - a_prev - sigma ** 2)))
        if sigma > 0:
            x = x + g.randn(shape) * F32(sigma)
    return x


def main():
    check_generator_port()
    w = GoldenWriter(os.path.join(ROOT, "diffusion", "src", "test", "resources", "golden", "diffusion.txt"),
                     """Generated by diffusion/src/test/python/gen_golden_diffusion.py (numpy, independent of the Java code).
Double tables are NAME (float32) plus NAME.lo (float64 value minus NAME), see the script.""")

    # 1. Every table of the linear and cosine schedules, T = 1000, and of the small DDPM schedule.
    linear = tables(linear_betas(1000))
    cosine = tables(cosine_betas(1000))
    small = tables(linear_betas(20, 0.005, 0.5))
    for prefix, tab in (("linear", linear), ("cosine", cosine), ("small", small)):
        for name, values in tab.items():
            add_double(w, prefix + "." + name, values)

    # 2. Forward process, posterior and min-SNR weights on linear(1000) at t = 0, 1, 500, 999.
    rs = np.random.RandomState(0)
    t = np.array([0, 1, 500, 999], dtype=np.float32)
    x0 = rs.uniform(-1, 1, size=(4, 1, 2, 3)).astype(np.float32)
    xt = rs.randn(4, 1, 2, 3).astype(np.float32)
    eps = rs.randn(4, 1, 2, 3).astype(np.float32)
    w.add("process.t", t)
    w.add("process.x0", x0)
    w.add("process.xt", xt)
    w.add("process.eps", eps)
    q = Process(linear)
    w.add("process.qSample", q.c("sqrtAlphaBar", t) * x0 + q.c("sqrtOneMinusAlphaBar", t) * eps)
    w.add("process.predictX0FromEps", q.predict_x0("eps", xt, t, eps))
    w.add("process.predictEpsFromX0", q.eps_from_x0(xt, t, x0))
    w.add("process.v", q.c("sqrtAlphaBar", t) * eps - q.c("sqrtOneMinusAlphaBar", t) * x0)
    w.add("process.predictX0FromV", q.predict_x0("v", xt, t, eps))
    w.add("process.predictEpsFromV", q.predict_eps("v", xt, t, eps))
    w.add("process.posteriorMean", q.posterior_mean(x0, xt, t))
    w.add("process.posteriorVariance", q.c("posteriorVariance", t))
    w.add("process.posteriorLogVariance", q.c("posteriorLogVarianceClipped", t))
    snr = linear["alphaBar"][t.astype(np.int64)] / (1 - linear["alphaBar"][t.astype(np.int64)])
    for gamma in (5.0, 1.0):
        clipped = np.minimum(snr, gamma)
        w.add(f"minSnr.gamma{gamma:g}.eps", clipped / snr)
        w.add(f"minSnr.gamma{gamma:g}.v", clipped / (snr + 1))
        w.add(f"minSnr.gamma{gamma:g}.x0", clipped)

    # 3. Timestep lists for every spacing, T = 1000, S = 50, 7, 333, 61, 1; and T = 20, S = 7.
    for spacing in ("linspace", "leading", "trailing", "quad"):
        for T, S in ((1000, 50), (1000, 7), (1000, 333), (1000, 61), (1000, 1), (20, 7)):
            steps = spacing_timesteps(spacing, T, S)
            assert len(steps) == S, (spacing, T, S, len(steps))
            w.add(f"timesteps.{spacing}.T{T}.S{S}", steps.astype(np.float32))

    # 4. Sampler runs on the toy model, batch [2, 1, 4, 4]; x0 snapshots at the first and last step.
    shape = (2, 1, 4, 4)
    runs = {
        "ddpm.fixedlarge": lambda s: ddpm_sample(small, shape, 7, "fixedlarge", True, "eps", s),
        "ddpm.fixedsmall": lambda s: ddpm_sample(small, shape, 8, "fixedsmall", False, "x0", s),
        "ddim.eta0": lambda s: ddim_sample(linear, shape, 9, spacing_timesteps("linspace", 1000, 10),
                                           0.0, True, "eps", s),
        "ddim.eta1": lambda s: ddim_sample(linear, shape, 10, spacing_timesteps("trailing", 1000, 7),
                                           1.0, False, "v", s),
    }
    for name, run in runs.items():
        snapshots = []
        x = run(snapshots)
        w.add(name + ".sample", x)
        w.add(name + ".x0.first", snapshots[0])
        w.add(name + ".x0.last", snapshots[-1])

    # 5. Classifier-free guidance on the conditional toy model, w = 3, null class 10.
    x = rs.randn(*shape).astype(np.float32)
    tb = np.array([5, 17], dtype=np.float32)
    labels = np.array([1, 7], dtype=np.float32)
    cond = toy_model(x, tb, labels)
    uncond = toy_model(x, tb, np.full(2, 10, dtype=np.float32))
    w.add("cfg.x", x)
    w.add("cfg.t", tb)
    w.add("cfg.labels", labels)
    w.add("cfg.guided", uncond + (cond - uncond) * F32(3.0))

    w.write()


if __name__ == "__main__":
    main()
