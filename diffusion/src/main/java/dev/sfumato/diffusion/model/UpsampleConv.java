package dev.sfumato.diffusion.model;

import dev.sfumato.autograd.Variable;
import dev.sfumato.nn.Module;
import dev.sfumato.nn.layers.Conv2d;
import dev.sfumato.nn.layers.Upsample;

/** Doubles H and W: nearest-neighbour ×2, then a 3×3 conv ({@code upsample(with_conv=True)}). */
public final class UpsampleConv extends Module {

    public final Upsample up;
    public final Conv2d conv;

    public UpsampleConv(int channels) {
        this.up = registerModule("up", new Upsample(2));
        this.conv = registerModule("conv", Conv2d.builder(channels, channels, 3).padding(1).build());
    }

    /** [N, C, H, W] → [N, C, 2H, 2W]. */
    @Override
    public Variable forward(Variable x) {
        return conv.forward(up.forward(x));
    }
}
