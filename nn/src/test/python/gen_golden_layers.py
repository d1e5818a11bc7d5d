"""Golden values for the nn layers, from PyTorch 1.13 (float32, CPU).

For every case: the input, the module's state_dict (so the Java test loads PyTorch's weights by name with
loadStateDict, which also checks the key names), the forward output, a fixed random upstream gradient, and
the gradients of the input and of every parameter. Batch norm in training also writes its buffers after
the step. The Java test (LayersGoldenTest) builds the same module and never needs Python. Run:

    /usr/bin/python3 nn/src/test/python/gen_golden_layers.py

Names: <case>.x, <case>.state.<key>, <case>.y, <case>.gy, <case>.x.grad, <case>.grad.<param>,
<case>.after.<buffer>.
"""
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "..", "core-tensor", "src", "test", "python"))
from golden_format import GoldenWriter  # noqa: E402

OUT = os.path.join(HERE, "..", "resources", "golden", "layers.txt")


class AttnBlock(nn.Module):
    """The DDPM U-Net's attention block (Ho et al. 2020), as ported in pytorch_diffusion, with heads."""

    def __init__(self, c, heads, groups, eps=1e-6):
        super().__init__()
        self.heads = heads
        self.norm = nn.GroupNorm(groups, c, eps=eps)
        self.q = nn.Conv2d(c, c, 1)
        self.k = nn.Conv2d(c, c, 1)
        self.v = nn.Conv2d(c, c, 1)
        self.proj_out = nn.Conv2d(c, c, 1)

    def forward(self, x):
        n, c, h, w = x.shape
        d = c // self.heads
        hn = self.norm(x)

        def split(t):  # [N, C, H, W] -> [N, heads, HW, d]
            return t.reshape(n, self.heads, d, h * w).transpose(2, 3)

        q, k, v = split(self.q(hn)), split(self.k(hn)), split(self.v(hn))
        a = torch.softmax(q @ k.transpose(-2, -1) / d ** 0.5, dim=-1) @ v  # [N, heads, HW, d]
        return x + self.proj_out(a.transpose(2, 3).reshape(n, c, h, w))


def randomise(module, g):
    """Replaces ones/zeros defaults (norm affine, buffers) by random values, so every term is tested."""
    with torch.no_grad():
        for name, p in module.named_parameters():
            if isinstance(module, (nn.GroupNorm, nn.LayerNorm, nn.BatchNorm2d)) or ".norm" in "." + name:
                p.copy_(torch.randn(p.shape, generator=g) * 0.5 + (1.0 if name.endswith("weight") else 0.0))
        for name, b in module.named_buffers():
            if name.endswith("running_mean"):
                b.copy_(torch.randn(b.shape, generator=g) * 0.3)
            elif name.endswith("running_var"):
                b.copy_(torch.rand(b.shape, generator=g) + 0.5)


def case(w, name, module, x, train=True, index_input=False, randomise_state=True, seed=0):
    # Offset from the input seeds: with the same seed, gy would equal x, and the gradient of a normalisation
    # along x itself is zero (it is scale-invariant), which would test nothing.
    g = torch.Generator().manual_seed(1000 + seed)
    if randomise_state:
        randomise(module, g)
    module.train(train)
    w_state = {k: v.clone() for k, v in module.state_dict().items()}
    if not index_input:
        x = x.clone().requires_grad_(True)
    y = module(x.long() if index_input else x)  # indices are float tensors of integers in Sfumato
    gy = torch.randn(y.shape, generator=g)
    y.backward(gy)
    w.add(f"{name}.x", x)
    for k, v in w_state.items():
        w.add(f"{name}.state.{k}", v)
    w.add(f"{name}.y", y)
    w.add(f"{name}.gy", gy)
    if not index_input:
        w.add(f"{name}.x.grad", x.grad)
    for k, p in module.named_parameters():
        w.add(f"{name}.grad.{k}", p.grad)
    for k, b in module.named_buffers():
        w.add(f"{name}.after.{k}", b)


def randn(seed, *shape):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed))


def distinct(seed, *shape):
    """A shuffled ramp with gaps of 0.05: no ties, so max pooling has one winner per window."""
    n = 1
    for s in shape:
        n *= s
    perm = torch.randperm(n, generator=torch.Generator().manual_seed(seed)).float()
    return ((perm - n / 2) * 0.05).reshape(shape)


def main():
    torch.manual_seed(0)
    w = GoldenWriter(OUT, __doc__.splitlines()[0] + "\nRegenerate: /usr/bin/python3 nn/src/test/python/gen_golden_layers.py")

    # Convolutions (default PyTorch init drawn from the seeded global generator).
    case(w, "conv_s2p1", nn.Conv2d(3, 4, 3, stride=2, padding=1), randn(1, 2, 3, 7, 6))
    case(w, "conv_dil2", nn.Conv2d(2, 3, 3, padding=2, dilation=2), randn(2, 1, 2, 6, 5))
    case(w, "conv_groups_nobias", nn.Conv2d(4, 6, (2, 3), stride=(2, 1), padding=(0, 1), groups=2, bias=False),
         randn(3, 2, 4, 5, 7))
    case(w, "conv_uneven", nn.Conv2d(3, 2, 4, stride=3, padding=1), randn(4, 1, 3, 8, 9))
    case(w, "conv_1x1", nn.Conv2d(4, 5, 1), randn(5, 2, 4, 3, 3))
    case(w, "convT_s2p1", nn.ConvTranspose2d(3, 2, 4, stride=2, padding=1), randn(6, 2, 3, 3, 4))
    case(w, "convT_outpad", nn.ConvTranspose2d(2, 3, 3, stride=2, padding=1, output_padding=1), randn(7, 1, 2, 4, 3))
    case(w, "convT_groups_nobias", nn.ConvTranspose2d(4, 6, 3, groups=2, bias=False), randn(8, 1, 4, 3, 3))
    case(w, "convT_dil2", nn.ConvTranspose2d(2, 2, 3, stride=2, dilation=2), randn(9, 1, 2, 3, 2))

    # Pooling and upsampling.
    case(w, "maxpool_k2", nn.MaxPool2d(2), distinct(10, 2, 3, 5, 7))
    case(w, "maxpool_k3s2p1", nn.MaxPool2d(3, stride=2, padding=1), distinct(11, 1, 2, 7, 6))
    case(w, "avgpool_k2", nn.AvgPool2d(2), randn(12, 2, 2, 5, 4))
    case(w, "avgpool_k3s2p1_incl", nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=True), randn(13, 1, 2, 6, 7))
    case(w, "avgpool_k3s2p1_excl", nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False), randn(13, 1, 2, 6, 7))
    case(w, "adaptive_3x2", nn.AdaptiveAvgPool2d((3, 2)), randn(14, 2, 2, 7, 5))
    case(w, "adaptive_1", nn.AdaptiveAvgPool2d(1), randn(15, 1, 3, 4, 4))
    case(w, "upsample_2", nn.Upsample(scale_factor=2, mode="nearest"), randn(16, 1, 2, 3, 4))
    case(w, "upsample_3", nn.Upsample(scale_factor=3, mode="nearest"), randn(17, 2, 1, 2, 3))

    # Normalisation.
    case(w, "groupnorm_2_6", nn.GroupNorm(2, 6), randn(20, 2, 6, 3, 4) * 2 + 1, seed=20)
    case(w, "groupnorm_3_6_noaffine_1d", nn.GroupNorm(3, 6, affine=False), randn(21, 2, 6, 5), seed=21)
    case(w, "groupnorm_1_4_eps", nn.GroupNorm(1, 4, eps=1e-3), randn(22, 3, 4, 2, 2), seed=22)
    case(w, "groupnorm_4_4", nn.GroupNorm(4, 4), randn(23, 2, 4, 3, 3) - 0.5, seed=23)
    case(w, "layernorm_5", nn.LayerNorm(5), randn(24, 3, 5), seed=24)
    case(w, "layernorm_3x4", nn.LayerNorm((3, 4)), randn(25, 2, 3, 4) * 3, seed=25)
    case(w, "layernorm_4_noaffine", nn.LayerNorm(4, elementwise_affine=False), randn(26, 2, 2, 4), seed=26)
    case(w, "batchnorm_train", nn.BatchNorm2d(3), randn(27, 4, 3, 2, 3) * 2 + 0.5, seed=27)
    case(w, "batchnorm_train_m03", nn.BatchNorm2d(2, momentum=0.3, eps=1e-3), randn(28, 3, 2, 3, 2), seed=28)
    case(w, "batchnorm_eval", nn.BatchNorm2d(3), randn(29, 2, 3, 3, 2), train=False, seed=29)
    case(w, "batchnorm_noaffine_train", nn.BatchNorm2d(2, affine=False), randn(30, 2, 2, 3, 3), seed=30)

    # Linear, embedding, dropout in eval, activations, shape modules.
    case(w, "linear_5_3", nn.Linear(5, 3), randn(40, 4, 5))
    case(w, "linear_4_2_nobias_3d", nn.Linear(4, 2, bias=False), randn(41, 2, 3, 4))
    idx = torch.tensor([[0.0, 3.0, 6.0, 3.0], [2.0, 2.0, 5.0, 0.0]])  # repeated rows accumulate
    case(w, "embedding_7_3", nn.Embedding(7, 3), idx, index_input=True)
    case(w, "dropout_eval", nn.Dropout(0.4), randn(42, 2, 5), train=False)
    for i, (name, act) in enumerate([("relu", nn.ReLU()), ("silu", nn.SiLU()), ("gelu", nn.GELU()),
                                     ("tanh", nn.Tanh()), ("sigmoid", nn.Sigmoid()), ("identity", nn.Identity())]):
        case(w, name, act, randn(43 + i, 2, 3, 4) * 2)
    case(w, "flatten", nn.Flatten(), randn(50, 2, 3, 2, 2))

    # Attention: the DDPM block with all weights random (proj_out too, so the branch is not zero).
    case(w, "attn_c4_h1_g2", AttnBlock(4, 1, 2), randn(60, 2, 4, 3, 3), seed=60)
    case(w, "attn_c6_h3_g3", AttnBlock(6, 3, 3), randn(61, 1, 6, 2, 3), seed=61)
    case(w, "attn_c8_h2_g8", AttnBlock(8, 2, 8), randn(62, 1, 8, 4, 4), seed=62)

    # The functional attention on its own, batch-broadcast and with L != S.
    q = randn(70, 2, 3, 4).requires_grad_(True)
    k = randn(71, 2, 5, 4).requires_grad_(True)
    v = randn(72, 1, 5, 3).requires_grad_(True)
    y = torch.softmax(q @ k.transpose(-2, -1) / 2.0, dim=-1) @ v
    gy = randn(73, *y.shape)
    y.backward(gy)
    for n_, t in [("q", q), ("k", k), ("v", v)]:
        w.add(f"sdpa.{n_}", t)
        w.add(f"sdpa.{n_}.grad", t.grad)
    w.add("sdpa.y", y)
    w.add("sdpa.gy", gy)

    # A 3x3 stride-1 convolution with padding 1 and 16 -> 12 channels, the geometry Sfumato computes with
    # Winograd's F(2x2, 3x3) (forward and input gradient): 10 samples (a block of eight and a part-full one),
    # odd height and even width (tiles past the last row). Last, so that the cases above keep their values.
    case(w, "conv_3x3_winograd", nn.Conv2d(16, 12, 3, padding=1), randn(80, 10, 16, 7, 6), seed=80)

    w.write()


if __name__ == "__main__":
    main()
