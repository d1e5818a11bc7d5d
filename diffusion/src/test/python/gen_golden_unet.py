#!/usr/bin/python3
"""Golden values for the U-Net: the PyTorch twin (benchmarks/scripts/ddpm_unet_torch.py) with random weights
(zero-initialised layers perturbed, so every path matters), its output and gradients for a small class-
conditional configuration with attention at 4x4 and 2 heads. The Java test loads the weights through
loadStateDict, so this also checks that the state_dict names agree.

    /usr/bin/python3 diffusion/src/test/python/gen_golden_unet.py
"""
import os
import sys

import torch

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.join(here, "..", "..", "..", "..")
sys.path.insert(0, os.path.join(root, "core-tensor", "src", "test", "python"))
sys.path.insert(0, os.path.join(root, "benchmarks", "scripts"))
from golden_format import GoldenWriter  # noqa: E402
from ddpm_unet_torch import UNet  # noqa: E402

torch.manual_seed(0)
net = UNet(image_channels=2, image_size=8, ch=8, ch_mult=(1, 2), num_res_blocks=1, attn_resolutions=(4,),
           dropout=0.0, num_classes=3, heads=2).eval()
with torch.no_grad():
    for p in net.parameters():
        p.add_(torch.randn_like(p) * 0.1)  # zero-initialised layers get non-zero values too

w = GoldenWriter(os.path.join(here, "..", "resources", "golden", "unet.txt"), __doc__)
for name, p in net.state_dict().items():
    w.add("param." + name, p)
x = torch.randn(3, 2, 8, 8, requires_grad=True)
t = torch.tensor([0.0, 17.0, 999.0])
y = torch.tensor([0.0, 2.0, 3.0])  # 3 is the null class
out = net(x, t, y)
g = torch.randn_like(out)
out.backward(g)
w.add("x", x)
w.add("t", t)
w.add("y", y)
w.add("out", out)
w.add("grad_out", g)
w.add("grad_x", x.grad)
for name in ("conv_in.weight", "temb.dense0.weight", "class_emb.weight", "mid_attn.q.weight", "down.0.conv1.weight",
             "up.0.skip.weight", "conv_out.bias"):
    w.add("grad." + name, dict(net.named_parameters())[name].grad)
w.write()
