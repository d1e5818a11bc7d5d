package dev.sfumato.diffusion.model;

import dev.sfumato.autograd.NoGrad;
import dev.sfumato.autograd.Variable;
import dev.sfumato.diffusion.sampler.Denoiser;
import dev.sfumato.nn.Module;
import dev.sfumato.nn.ModuleList;
import dev.sfumato.nn.init.Init;
import dev.sfumato.nn.layers.Conv2d;
import dev.sfumato.nn.layers.Embedding;
import dev.sfumato.nn.layers.GroupNorm;
import dev.sfumato.nn.layers.SelfAttention2d;
import dev.sfumato.tensor.Generator;
import dev.sfumato.tensor.Recycler;
import dev.sfumato.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The DDPM U-Net (Ho et al. 2020, Appendix B; {@code diffusion_tf/models/unet.py}): predicts the noise
 * ε_θ(x_t, t) of a noisy batch. It only predicts; the schedule, the loss and the samplers live elsewhere.
 *
 * <p>Shape: x [N, C, H, W] and t [N] → [N, C, H, W]. The time embedding (sinusoidal, Linear, SiLU, Linear)
 * enters every ResBlock; with {@link UNetConfig#numClasses()} &gt; 0 a learned class embedding is added to it,
 * with one extra "null" class for classifier-free guidance (Ho &amp; Salimans 2022). Down the U, each level
 * has {@code numResBlocks} ResBlocks (plus attention where configured) and a stride-2 conv; the middle is
 * ResBlock, attention, ResBlock; up the U, each level has {@code numResBlocks + 1} ResBlocks that take the
 * matching skip activation concatenated on channels, and nearest ×2 + conv upsampling.
 *
 * <p>Init: PyTorch's defaults, with the zero inits of the original code (the second conv of every ResBlock,
 * the attention output projection and the output conv), so the network starts close to the identity
 * plus a zero prediction.
 */
public final class UNet extends Module implements Denoiser {

    private final UNetConfig config;
    private final Generator dropoutGenerator;
    public final TimestepEmbedding temb;
    public final Embedding classEmbedding;
    public final Conv2d convIn;
    public final ModuleList<Module> down;
    public final ResBlock mid1;
    public final SelfAttention2d midAttn;
    public final ResBlock mid2;
    public final ModuleList<Module> up;
    public final GroupNorm normOut;
    public final Conv2d convOut;

    /** A U-Net of this shape; {@code seed} seeds the dropout masks (the weights use the global generator). */
    public UNet(UNetConfig config, long seed) {
        this.config = config;
        this.dropoutGenerator = new Generator(seed);
        int ch = config.baseChannels();
        int tembDim = config.timeEmbedDim();
        int[] mult = config.channelMults();

        this.temb = registerModule("temb", new TimestepEmbedding(ch, tembDim));
        this.classEmbedding = config.numClasses() > 0
                ? registerModule("class_emb", new Embedding(config.numClasses() + 1, tembDim)) : null;
        this.convIn = registerModule("conv_in", Conv2d.builder(config.imageChannels(), ch, 3).padding(1).build());

        // Down: remember the channels of every activation pushed on the skip stack.
        this.down = registerModule("down", new ModuleList<>());
        List<Integer> skipChannels = new ArrayList<>(List.of(ch));
        int channels = ch;
        int resolution = config.imageSize();
        for (int level = 0; level < mult.length; level++) {
            int out = ch * mult[level];
            for (int b = 0; b < config.numResBlocks(); b++) {
                down.add(new ResBlock(channels, out, tembDim, config.dropout(), dropoutGenerator));
                channels = out;
                if (config.attentionAt(resolution)) {
                    down.add(attention(channels));
                }
                skipChannels.add(channels);
            }
            if (level != mult.length - 1) {
                down.add(new Downsample(channels));
                skipChannels.add(channels);
                resolution /= 2;
            }
        }

        this.mid1 = registerModule("mid1", new ResBlock(channels, channels, tembDim, config.dropout(), dropoutGenerator));
        this.midAttn = registerModule("mid_attn", attention(channels));
        this.mid2 = registerModule("mid2", new ResBlock(channels, channels, tembDim, config.dropout(), dropoutGenerator));

        this.up = registerModule("up", new ModuleList<>());
        for (int level = mult.length - 1; level >= 0; level--) {
            int out = ch * mult[level];
            for (int b = 0; b < config.numResBlocks() + 1; b++) {
                int skip = skipChannels.remove(skipChannels.size() - 1);
                up.add(new ResBlock(channels + skip, out, tembDim, config.dropout(), dropoutGenerator));
                channels = out;
                if (config.attentionAt(resolution)) {
                    up.add(attention(channels));
                }
            }
            if (level != 0) {
                up.add(new UpsampleConv(channels));
                resolution *= 2;
            }
        }

        this.normOut = registerModule("norm_out", new GroupNorm(groups(channels), channels));
        this.convOut = registerModule("conv_out", Conv2d.builder(channels, config.imageChannels(), 3).padding(1).build());
        Init.zeros(convOut.weight.value());
        Init.zeros(convOut.bias.value());
    }

    private SelfAttention2d attention(int channels) {
        return SelfAttention2d.builder(channels).heads(config.attentionHeads()).groups(groups(channels))
                .zeroInitOutput(true).build();
    }

    /** GroupNorm groups: 32 as in the paper, or fewer when a layer has fewer channels (C must divide evenly). */
    static int groups(int channels) {
        int g = Math.min(32, channels);
        while (channels % g != 0) {
            g--;
        }
        return g;
    }

    public UNetConfig config() {
        return config;
    }

    /** The generator of the dropout masks; its state belongs in a checkpoint. */
    public Generator dropoutGenerator() {
        return dropoutGenerator;
    }

    /**
     * ε_θ(x_t, t, y): x [N, C, H, W], t [N] (integer timesteps as floats), classLabels [N] or null.
     *
     * @throws IllegalArgumentException when the image size or channels do not match the config
     */
    public Variable forward(Variable x, Tensor t, Tensor classLabels) {
        checkInput(x.shape(), t, classLabels);

        // 1. Embed t (and the class): [N, 4·ch].
        Variable emb = temb.forward(t);
        if (classEmbedding != null) {
            Tensor labels = classLabels != null ? classLabels : Tensor.full(config.numClasses(), t.size(0));
            emb = emb.add(classEmbedding.forward(labels));
        }

        // 2. Down the U, pushing every activation on the skip stack.
        List<Variable> skips = new ArrayList<>();
        Variable h = convIn.forward(x);                                      // [N, ch, H, W]
        skips.add(h);
        for (Module m : down) {
            h = apply(m, h, emb);
            if (!(m instanceof SelfAttention2d)) {
                skips.add(h);
            } else {
                skips.set(skips.size() - 1, h);                             // attention output replaces its input
            }
        }

        // 3. The middle, at the lowest resolution.
        h = apply(mid2, apply(midAttn, apply(mid1, h, emb), emb), emb);

        // 4. Up the U: every ResBlock takes the matching skip, concatenated on channels.
        for (Module m : up) {
            if (m instanceof ResBlock) {
                Variable skip = skips.remove(skips.size() - 1);
                Variable joined = Variable.cat(List.of(h, skip), 1);
                // Both are dead once copied (cat's backward needs only their shapes), unless a node saved one for
                // backward: hand their memory back now, as PyTorch frees them when the last reference goes.
                Recycler.release(h.value());
                Recycler.release(skip.value());
                h = joined;
            }
            h = apply(m, h, emb);
        }

        // 5. Out: GroupNorm, SiLU, conv to the image channels.
        return convOut.forward(normOut.forwardSilu(h));                    // [N, C, H, W]
    }

    /**
     * One block. Inside a recycler scope the block runs in a scope of its own, so that its intermediate
     * activations, dead once it returns, are reused by the next block. Without grad ({@link #predict}) that is
     * all of them: the peak memory of a sampling step stays the skip stack plus one block. With grad it is those
     * no autograd node saved for backward (the nodes {@linkplain Recycler#retain retain} theirs, which pass on to
     * the training step's scope): in a ResBlock, the group norm's output that dropout consumed and the 1×1
     * convolution's residual summed into the last convolution's output. With the up path's release of what
     * cat copied, allocation per training step at batch 64 went from 247-281 to 73-77 MB, and its collections
     * from 31-48 to 5-6 per eight steps (BENCHMARKS.md, log).
     */
    private static Variable apply(Module m, Variable h, Variable emb) {
        if (!Recycler.inScope()) {
            return m instanceof ResBlock r ? r.forward(h, emb) : m.forward(h);
        }
        try (Recycler.Scope scope = Recycler.open()) {
            Variable out = m instanceof ResBlock r ? r.forward(h, emb) : m.forward(h);
            scope.keep(out.value());
            return out;
        }
    }

    private void checkInput(int[] shape, Tensor t, Tensor classLabels) {
        int[] want = {-1, config.imageChannels(), config.imageSize(), config.imageSize()};
        if (shape.length != 4 || shape[1] != want[1] || shape[2] != want[2] || shape[3] != want[3]) {
            throw new IllegalArgumentException("UNet: expected images [N, " + want[1] + ", " + want[2] + ", " + want[3]
                    + "] for this config, got " + Arrays.toString(shape));
        }
        if (t.dim() != 1 || t.size(0) != shape[0]) {
            throw new IllegalArgumentException("UNet: timesteps must have shape [" + shape[0] + "], got " + Arrays.toString(t.shape()));
        }
        if (classLabels != null && config.numClasses() == 0) {
            throw new IllegalArgumentException("UNet: class labels given to an unconditional model (numClasses = 0)");
        }
        if (classLabels != null && (classLabels.dim() != 1 || classLabels.size(0) != shape[0])) {
            throw new IllegalArgumentException("UNet: class labels must have shape [" + shape[0] + "], got "
                    + Arrays.toString(classLabels.shape()));
        }
    }

    /** The sampler's view: one no-grad forward pass. */
    @Override
    public Tensor predict(Tensor xt, Tensor t, Tensor classLabels) {
        // In a recycler scope: every activation is dead once the output is out, so later blocks and calls reuse
        // their memory rather than the JVM zeroing new arrays (see apply).
        try (NoGrad ignored = NoGrad.enter(); Recycler.Scope scope = Recycler.open()) {
            return scope.keep(forward(new Variable(xt), t, classLabels).value());
        }
    }

    @Override
    protected String extraRepr() {
        return config.toString();
    }
}
