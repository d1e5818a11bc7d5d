package dev.sfumato.diffusion.model;

import dev.sfumato.autograd.Variable;
import dev.sfumato.nn.Module;
import dev.sfumato.nn.layers.Conv2d;

/** Halves H and W with a 3×3 conv of stride 2 and padding 1 ({@code downsample(with_conv=True)}). */
public final class Downsample extends Module {

    public final Conv2d conv;

    public Downsample(int channels) {
        this.conv = registerModule("conv", Conv2d.builder(channels, channels, 3).stride(2).padding(1).build());
    }

    /** [N, C, H, W] → [N, C, H/2, W/2]. */
    @Override
    public Variable forward(Variable x) {
        return conv.forward(x);
    }
}
