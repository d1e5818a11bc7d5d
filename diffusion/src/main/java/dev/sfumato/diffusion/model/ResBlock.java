package dev.sfumato.diffusion.model;

import dev.sfumato.autograd.Variable;
import dev.sfumato.nn.Module;
import dev.sfumato.nn.layers.Conv2d;
import dev.sfumato.nn.layers.Dropout;
import dev.sfumato.nn.layers.GroupNorm;
import dev.sfumato.nn.layers.Linear;
import dev.sfumato.nn.init.Init;
import dev.sfumato.tensor.Generator;

/**
 * The residual block of the DDPM U-Net (Ho et al. 2020, {@code resnet_block}):
 * <pre>
 * h = conv3×3(SiLU(GroupNorm(x)))
 * h = h + Linear(SiLU(temb))[:, :, None, None]
 * h = conv3×3_zero(dropout(SiLU(GroupNorm(h))))
 * return skip(x) + h            skip = 1×1 conv when the channel count changes, else identity
 * </pre>
 * The second conv starts at zero, so every block starts as the identity.
 */
public final class ResBlock extends Module {

    public final GroupNorm norm1;
    public final Conv2d conv1;
    public final Linear tembProj;
    public final GroupNorm norm2;
    public final Dropout dropout;
    public final Conv2d conv2;
    public final Conv2d skip;

    public ResBlock(int inChannels, int outChannels, int tembDim, double dropoutRate, Generator dropoutGenerator) {
        this.norm1 = registerModule("norm1", new GroupNorm(UNet.groups(inChannels), inChannels));
        this.conv1 = registerModule("conv1", Conv2d.builder(inChannels, outChannels, 3).padding(1).build());
        this.tembProj = registerModule("temb_proj", new Linear(tembDim, outChannels));
        this.norm2 = registerModule("norm2", new GroupNorm(UNet.groups(outChannels), outChannels));
        this.dropout = registerModule("dropout", new Dropout(dropoutRate, dropoutGenerator));
        this.conv2 = registerModule("conv2", Conv2d.builder(outChannels, outChannels, 3).padding(1).build());
        this.skip = inChannels == outChannels ? null
                : registerModule("skip", Conv2d.builder(inChannels, outChannels, 1).build());
        Init.zeros(conv2.weight.value()); // init_scale=0 in the original code
        Init.zeros(conv2.bias.value());
    }

    /**
     * x [N, C_in, H, W], temb [N, tembDim] → [N, C_out, H, W]. Both additions are summed into the output of the
     * convolution before them ({@link Conv2d#forward(Variable, Variable)}: the same values as separate adds,
     * without an activation-sized tensor for each).
     */
    public Variable forward(Variable x, Variable temb) {
        Variable t = tembProj.forward(temb.silu());                          // [N, C_out]
        Variable h = conv1.forward(norm1.forwardSilu(x),
                t.reshape(t.size(0), t.size(1), 1, 1));                      // + temb, broadcast over H, W
        Variable residual = skip == null ? x : skip.forward(x);              // [N, C_out, H, W]
        return conv2.forward(dropout.forward(norm2.forwardSilu(h)), residual);
    }
}
