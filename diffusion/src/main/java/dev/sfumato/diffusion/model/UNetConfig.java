package dev.sfumato.diffusion.model;

import java.util.Arrays;

/**
 * The shape of a DDPM U-Net, with the names of the original code (Ho et al. 2020, {@code diffusion_tf/models/unet.py}).
 *
 * <p>Defaults are the Fashion-MNIST recipe of this project: 28×28 grey images, base 32 channels, multipliers
 * (1, 2, 2) giving resolutions 28, 14, 7, two residual blocks per level, attention only in the middle, dropout
 * 0.1 (the paper's CIFAR-10 value), unconditional. This is the 1.5M-parameter network of the performance
 * issue's PyTorch reference. The paper's CIFAR-10 model is base 128, (1, 2, 2, 2), attention at 16×16.
 *
 * @param imageChannels        C of the images (1 grey, 3 RGB)
 * @param imageSize            H = W of the images; must be divisible by 2^(levels − 1)
 * @param baseChannels         {@code ch}: channels of the first level
 * @param channelMults         {@code ch_mult}: channels of level i are baseChannels·channelMults[i]
 * @param numResBlocks         {@code num_res_blocks} per level on the way down (one more on the way up)
 * @param attentionResolutions feature-map sizes (e.g. 14) that get a self-attention block after each ResBlock
 * @param dropout              dropout rate inside ResBlocks
 * @param numClasses           0 for an unconditional model; otherwise class labels 0..numClasses−1, and
 *                             label {@code numClasses} is the null class of classifier-free guidance
 * @param attentionHeads       heads of every attention block (the paper uses 1)
 */
public record UNetConfig(int imageChannels, int imageSize, int baseChannels, int[] channelMults, int numResBlocks,
                         int[] attentionResolutions, double dropout, int numClasses, int attentionHeads) {

    public UNetConfig {
        channelMults = channelMults.clone();
        attentionResolutions = attentionResolutions.clone();
        if (imageChannels < 1 || imageSize < 1 || baseChannels < 1 || numResBlocks < 1 || channelMults.length == 0) {
            throw new IllegalArgumentException("UNetConfig: sizes must be positive, got " + this);
        }
        int down = 1 << (channelMults.length - 1);
        if (imageSize % down != 0) {
            throw new IllegalArgumentException("UNetConfig: imageSize " + imageSize + " is not divisible by 2^" + (channelMults.length - 1)
                    + " = " + down + ", needed by " + channelMults.length + " levels of channelMults " + Arrays.toString(channelMults));
        }
        if (dropout < 0 || dropout >= 1) {
            throw new IllegalArgumentException("UNetConfig: dropout must be in [0, 1), got " + dropout);
        }
        if (numClasses < 0 || attentionHeads < 1) {
            throw new IllegalArgumentException("UNetConfig: numClasses must be >= 0 and attentionHeads >= 1, got "
                    + numClasses + " and " + attentionHeads);
        }
    }

    /** The Fashion-MNIST default: 28×28×1, base 32, (1, 2, 2), 2 blocks, mid attention only, dropout 0.1. */
    public static UNetConfig fashionMnist() {
        return new UNetConfig(1, 28, 32, new int[] {1, 2, 2}, 2, new int[0], 0.1, 0, 1);
    }

    /** The time-embedding width: 4·baseChannels, as in the paper's code. */
    public int timeEmbedDim() {
        return 4 * baseChannels;
    }

    /** This config with class conditioning on {@code numClasses} classes. */
    public UNetConfig withClasses(int n) {
        return new UNetConfig(imageChannels, imageSize, baseChannels, channelMults, numResBlocks, attentionResolutions,
                dropout, n, attentionHeads);
    }

    /** Whether feature maps of size {@code resolution} get attention. */
    public boolean attentionAt(int resolution) {
        for (int r : attentionResolutions) {
            if (r == resolution) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "UNetConfig[imageChannels=" + imageChannels + ", imageSize=" + imageSize + ", baseChannels=" + baseChannels
                + ", channelMults=" + Arrays.toString(channelMults) + ", numResBlocks=" + numResBlocks
                + ", attentionResolutions=" + Arrays.toString(attentionResolutions) + ", dropout=" + dropout
                + ", numClasses=" + numClasses + ", attentionHeads=" + attentionHeads + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UNetConfig c && imageChannels == c.imageChannels && imageSize == c.imageSize
                && baseChannels == c.baseChannels && Arrays.equals(channelMults, c.channelMults)
                && numResBlocks == c.numResBlocks && Arrays.equals(attentionResolutions, c.attentionResolutions)
                && dropout == c.dropout && numClasses == c.numClasses && attentionHeads == c.attentionHeads;
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }
}
