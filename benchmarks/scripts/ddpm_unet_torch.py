#!/usr/bin/python3
"""The PyTorch twin of Sfumato's DDPM U-Net (diffusion/src/main/java/dev/sfumato/diffusion/model/UNet.java).

Same layers, sizes and state_dict names, so weights move between the two through safetensors and the
parameter counts are identical. Used for the side-by-side speed comparison (issue 6) and for the golden
test of the U-Net's forward pass. Run with Debian's python3-torch 1.13 (/usr/bin/python3).

    /usr/bin/python3 benchmarks/scripts/ddpm_unet_torch.py      # prints the default model's parameter count
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


def groups(c):
    g = min(32, c)
    while c % g:
        g -= 1
    return g


def sinusoidal(t, dim):
    """Ho et al. 2020 get_timestep_embedding: [sin | cos] with frequencies exp(-ln(1e4) i / (half - 1))."""
    half = dim // 2
    freqs = torch.exp(-math.log(10000) * torch.arange(half, dtype=torch.float64) / (half - 1))
    args = t.to(torch.float64)[:, None] * freqs[None, :]
    return torch.cat([torch.sin(args), torch.cos(args)], dim=1).to(torch.float32)


class TimestepEmbedding(nn.Module):
    def __init__(self, dim, out):
        super().__init__()
        self.dim = dim
        self.dense0 = nn.Linear(dim, out)
        self.dense1 = nn.Linear(out, out)

    def forward(self, t):
        return self.dense1(F.silu(self.dense0(sinusoidal(t, self.dim))))


class ResBlock(nn.Module):
    def __init__(self, cin, cout, temb, dropout):
        super().__init__()
        self.norm1 = nn.GroupNorm(groups(cin), cin)
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.temb_proj = nn.Linear(temb, cout)
        self.norm2 = nn.GroupNorm(groups(cout), cout)
        self.dropout = nn.Dropout(dropout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        nn.init.zeros_(self.conv2.weight)
        nn.init.zeros_(self.conv2.bias)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else None

    def forward(self, x, emb):
        h = self.conv1(F.silu(self.norm1(x)))
        h = h + self.temb_proj(F.silu(emb))[:, :, None, None]
        h = self.conv2(self.dropout(F.silu(self.norm2(h))))
        return (x if self.skip is None else self.skip(x)) + h


class SelfAttention2d(nn.Module):
    def __init__(self, c, heads=1):
        super().__init__()
        self.c, self.heads = c, heads
        self.norm = nn.GroupNorm(groups(c), c)
        self.q = nn.Conv2d(c, c, 1)
        self.k = nn.Conv2d(c, c, 1)
        self.v = nn.Conv2d(c, c, 1)
        self.proj_out = nn.Conv2d(c, c, 1)
        nn.init.zeros_(self.proj_out.weight)
        nn.init.zeros_(self.proj_out.bias)

    def forward(self, x):
        n, c, hh, ww = x.shape
        d, hw = c // self.heads, hh * ww
        h = self.norm(x)
        q = self.q(h).reshape(n, self.heads, d, hw).transpose(2, 3)
        k = self.k(h).reshape(n, self.heads, d, hw).transpose(2, 3)
        v = self.v(h).reshape(n, self.heads, d, hw).transpose(2, 3)
        a = torch.softmax(q @ k.transpose(-2, -1) / math.sqrt(d), dim=-1) @ v
        return x + self.proj_out(a.transpose(2, 3).reshape(n, c, hh, ww))


class Downsample(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, stride=2, padding=1)

    def forward(self, x):
        return self.conv(x)


class UpsampleConv(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.up = nn.Upsample(scale_factor=2, mode="nearest")
        self.conv = nn.Conv2d(c, c, 3, padding=1)

    def forward(self, x):
        return self.conv(self.up(x))


class UNet(nn.Module):
    def __init__(self, image_channels=1, image_size=28, ch=32, ch_mult=(1, 2, 2), num_res_blocks=2,
                 attn_resolutions=(), dropout=0.1, num_classes=0, heads=1):
        super().__init__()
        temb = 4 * ch
        self.temb = TimestepEmbedding(ch, temb)
        self.num_classes = num_classes
        if num_classes:
            self.class_emb = nn.Embedding(num_classes + 1, temb)
        self.conv_in = nn.Conv2d(image_channels, ch, 3, padding=1)
        self.down = nn.ModuleList()
        skips, c, res = [ch], ch, image_size
        for level, m in enumerate(ch_mult):
            for _ in range(num_res_blocks):
                self.down.append(ResBlock(c, ch * m, temb, dropout))
                c = ch * m
                if res in attn_resolutions:
                    self.down.append(SelfAttention2d(c, heads))
                skips.append(c)
            if level != len(ch_mult) - 1:
                self.down.append(Downsample(c))
                skips.append(c)
                res //= 2
        self.mid1 = ResBlock(c, c, temb, dropout)
        self.mid_attn = SelfAttention2d(c, heads)
        self.mid2 = ResBlock(c, c, temb, dropout)
        self.up = nn.ModuleList()
        for level in reversed(range(len(ch_mult))):
            for _ in range(num_res_blocks + 1):
                self.up.append(ResBlock(c + skips.pop(), ch * ch_mult[level], temb, dropout))
                c = ch * ch_mult[level]
                if res in attn_resolutions:
                    self.up.append(SelfAttention2d(c, heads))
            if level != 0:
                self.up.append(UpsampleConv(c))
                res *= 2
        self.norm_out = nn.GroupNorm(groups(c), c)
        self.conv_out = nn.Conv2d(c, image_channels, 3, padding=1)
        nn.init.zeros_(self.conv_out.weight)
        nn.init.zeros_(self.conv_out.bias)

    def forward(self, x, t, y=None):
        emb = self.temb(t)
        if self.num_classes:
            if y is None:
                y = torch.full((x.shape[0],), self.num_classes, dtype=torch.long)
            emb = emb + self.class_emb(y.long())
        h = self.conv_in(x)
        hs = [h]
        for m in self.down:
            if isinstance(m, ResBlock):
                h = m(h, emb)
                hs.append(h)
            elif isinstance(m, SelfAttention2d):
                h = m(h)
                hs[-1] = h
            else:
                h = m(h)
                hs.append(h)
        h = self.mid2(self.mid_attn(self.mid1(h, emb)), emb)
        for m in self.up:
            if isinstance(m, ResBlock):
                h = m(torch.cat([h, hs.pop()], dim=1), emb)
            else:
                h = m(h)
        return self.conv_out(F.silu(self.norm_out(h)))


if __name__ == "__main__":
    net = UNet()
    print(sum(p.numel() for p in net.parameters()), "parameters,", len(list(net.parameters())), "tensors")
