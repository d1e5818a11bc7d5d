package dev.sfumato.nn.layers;

import dev.sfumato.autograd.Variable;
import dev.sfumato.nn.Module;
import dev.sfumato.nn.functional.Attention;
import dev.sfumato.nn.init.Init;
import dev.sfumato.tensor.Generator;

/**
 * Self-attention over the positions of a feature map with a residual connection, the {@code AttnBlock} of
 * the DDPM U-Net (Ho et al. 2020, {@code diffusion_tf/models/unet.py}; Vaswani et al. 2017, eq. 1):
 * <pre>
 * h = GroupNorm(x);  q, k, v = 1×1 convs of h
 * h = softmax(q kᵀ/√d) v   over the H·W positions, per head (d = C/heads)
 * y = x + proj_out(h)      (1×1 conv)
 * </pre>
 * x [N, C, H, W] → [N, C, H, W]. Submodules {@code norm}, {@code q}, {@code k}, {@code v} and
 * {@code proj_out} are named as in the PyTorch port of that code ({@code pytorch_diffusion}), so its
 * state_dict loads. Defaults: 1 head, GroupNorm with the largest group count ≤ 32 that divides C (32 in
 * the paper, where C is a multiple of 32), eps 1e-6 as the TensorFlow original, and PyTorch's default init
 * everywhere; {@code zeroInitOutput(true)} zeroes proj_out as the original does ({@code init_scale=0}),
 * so the block starts as the identity.
 * <pre>
 * SelfAttention2d attn = SelfAttention2d.builder(128).heads(4).zeroInitOutput(true).build();
 * </pre>
 */
public class SelfAttention2d extends Module {

    public final GroupNorm norm;
    public final Conv2d q;
    public final Conv2d k;
    public final Conv2d v;
    public final Conv2d projOut;
    private final int channels;
    private final int heads;

    private SelfAttention2d(Builder b) {
        int groups = b.groups > 0 ? b.groups : defaultGroups(b.channels);
        if (b.channels < 1 || b.heads < 1 || b.channels % b.heads != 0) {
            throw new IllegalArgumentException("SelfAttention2d: channels " + b.channels
                    + " must be positive and divisible by heads " + b.heads);
        }
        this.channels = b.channels;
        this.heads = b.heads;
        this.norm = registerModule("norm", new GroupNorm(groups, b.channels, b.eps, true));
        this.q = registerModule("q", pointwise(b));
        this.k = registerModule("k", pointwise(b));
        this.v = registerModule("v", pointwise(b));
        this.projOut = registerModule("proj_out", pointwise(b));
        if (b.zeroInitOutput) {
            Init.zeros(projOut.weight.value());
            Init.zeros(projOut.bias.value());
        }
    }

    private static Conv2d pointwise(Builder b) {
        return Conv2d.builder(b.channels, b.channels, 1).generator(b.generator).build();
    }

    /** The largest divisor of {@code c} that is at most 32. */
    static int defaultGroups(int c) {
        for (int g = Math.min(32, c); g > 1; g--) {
            if (c % g == 0) {
                return g;
            }
        }
        return 1;
    }

    /** x [N, C, H, W] → x + attention(x), [N, C, H, W]. */
    @Override
    public Variable forward(Variable x) {
        if (x.dim() != 4 || x.size(1) != channels) {
            throw new IllegalArgumentException("SelfAttention2d: expected input [N, " + channels + ", H, W], got shape "
                    + java.util.Arrays.toString(x.shape()));
        }
        int n = x.size(0);
        int hw = x.size(2) * x.size(3);
        int d = channels / heads;
        // 1. Normalise and project to queries, keys and values: [N, C, H, W] each.
        Variable h = norm.forward(x);
        // 2. Split heads and put positions first: [N, C, H, W] → [N, heads, d, HW] → [N, heads, HW, d].
        Variable qs = q.forward(h).reshape(n, heads, d, hw).transpose(2, 3);
        Variable ks = k.forward(h).reshape(n, heads, d, hw).transpose(2, 3);
        Variable vs = v.forward(h).reshape(n, heads, d, hw).transpose(2, 3);
        // 3. Attend over the HW positions: [N, heads, HW, d].
        Variable attended = Attention.scaledDotProductAttention(qs, ks, vs);
        // 4. Merge heads back into channels: [N, heads, d, HW] → [N, C, H, W], project, add the input.
        Variable merged = attended.transpose(2, 3).reshape(x.shape());
        return x.add(projOut.forward(merged));
    }

    @Override
    protected String extraRepr() {
        return heads == 1 ? "" : "heads=" + heads;
    }

    /** Options: heads, GroupNorm groups and eps, zero-initialised output projection, init generator. */
    public static Builder builder(int channels) {
        return new Builder(channels);
    }

    /** Options of {@link SelfAttention2d}. */
    public static final class Builder {
        private final int channels;
        private int heads = 1;
        private int groups = 0;
        private double eps = 1e-6;
        private boolean zeroInitOutput = false;
        private Generator generator = Generator.global();

        private Builder(int channels) {
            this.channels = channels;
        }

        /** Attention heads; C must be divisible by them (default 1, as DDPM). */
        public Builder heads(int h) { this.heads = h; return this; }
        /** GroupNorm groups (default the largest divisor of C that is ≤ 32). */
        public Builder groups(int g) { this.groups = g; return this; }
        /** GroupNorm eps (default 1e-6, as the DDPM code). */
        public Builder eps(double e) { this.eps = e; return this; }
        /** Zero the output projection so the block starts as the identity (DDPM's {@code init_scale=0}). */
        public Builder zeroInitOutput(boolean z) { this.zeroInitOutput = z; return this; }
        /** The generator that draws the initial weights (default: the global one). */
        public Builder generator(Generator g) { this.generator = g; return this; }

        public SelfAttention2d build() {
            return new SelfAttention2d(this);
        }
    }
}
