package dev.sfumato.diffusion.model;

import dev.sfumato.autograd.Variable;
import dev.sfumato.nn.Module;
import dev.sfumato.nn.layers.Linear;
import dev.sfumato.tensor.Tensor;

/**
 * How t enters the network: a sinusoidal embedding of the integer timestep (Vaswani et al. 2017 §3.5, as in
 * Ho et al. 2020's {@code get_timestep_embedding}), then Linear, SiLU, Linear to {@code 4·ch}.
 *
 * <pre>
 * emb[i]        = sin(t · exp(−ln(10000) · i / (half − 1)))   for i in [0, half)
 * emb[half + i] = cos(t · exp(−ln(10000) · i / (half − 1)))
 * </pre>
 */
public final class TimestepEmbedding extends Module {

    private final int dim;
    public final Linear dense0;
    public final Linear dense1;

    /** {@code dim}: width of the sinusoidal code (the base channels); {@code out}: the MLP width (4·dim). */
    public TimestepEmbedding(int dim, int out) {
        if (dim < 4 || dim % 2 != 0) {
            throw new IllegalArgumentException("TimestepEmbedding: dim must be even and >= 4, got " + dim);
        }
        this.dim = dim;
        this.dense0 = registerModule("dense0", new Linear(dim, out));
        this.dense1 = registerModule("dense1", new Linear(out, out));
    }

    /** The sinusoidal code of timesteps t [N] (integers held as floats) → [N, dim]; computed in double. */
    public static Tensor sinusoidal(Tensor t, int dim) {
        int half = dim / 2;
        float[] ts = t.toArray();
        float[] out = new float[ts.length * dim];
        double scale = Math.log(10000) / (half - 1);
        for (int n = 0; n < ts.length; n++) {
            for (int i = 0; i < half; i++) {
                double arg = ts[n] * Math.exp(-scale * i);
                out[n * dim + i] = (float) Math.sin(arg);
                out[n * dim + half + i] = (float) Math.cos(arg);
            }
        }
        return Tensor.wrap(out, ts.length, dim);
    }

    /** t [N] → temb [N, out]. */
    public Variable forward(Tensor t) {
        Variable emb = new Variable(sinusoidal(t, dim)); // [N, dim], a constant: no gradient flows to t
        return dense1.forward(dense0.forward(emb).silu()); // [N, 4·ch]
    }
}
