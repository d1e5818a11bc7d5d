package dev.sfumato.nn.layers;

import dev.sfumato.autograd.Variable;
import dev.sfumato.nn.Module;
import dev.sfumato.nn.Parameter;
import dev.sfumato.nn.functional.Normalization;
import dev.sfumato.tensor.Tensor;

/**
 * Group normalisation, like {@code torch.nn.GroupNorm(num_groups, num_channels, eps=1e-5, affine=True)}
 * (Wu &amp; He 2018): per sample, the C channels are split into numGroups groups and each group is
 * standardised over its channels and positions, {@code y = (x − μ)/√(σ² + eps)·γ + β}; x [N, C, *] → same.
 *
 * <p>Init as PyTorch: weight (γ) ones, bias (β) zeros. Runs the fused {@link Normalization.GroupNorm}
 * primitive; it behaves the same in train and eval mode.
 */
public class GroupNorm extends Module {

    public final Parameter weight;
    public final Parameter bias;
    private final int numGroups;
    private final int numChannels;
    private final double eps;

    /** {@code nn.GroupNorm(numGroups, numChannels)}: eps 1e-5, affine. */
    public GroupNorm(int numGroups, int numChannels) {
        this(numGroups, numChannels, 1e-5, true);
    }

    public GroupNorm(int numGroups, int numChannels, double eps, boolean affine) {
        if (numGroups < 1 || numChannels < 1 || numChannels % numGroups != 0) {
            throw new IllegalArgumentException("GroupNorm: num_channels " + numChannels
                    + " must be divisible by num_groups " + numGroups);
        }
        this.numGroups = numGroups;
        this.numChannels = numChannels;
        this.eps = eps;
        this.weight = registerParameter("weight", affine ? new Parameter(Tensor.ones(numChannels)) : null);
        this.bias = registerParameter("bias", affine ? new Parameter(Tensor.zeros(numChannels)) : null);
    }

    /** x [N, C, *] → [N, C, *]. */
    @Override
    public Variable forward(Variable x) {
        return Normalization.groupNorm(x, numGroups, weight, bias, eps);
    }

    /**
     * {@code F.silu(self(x))}, the normalisation followed by SiLU as one fused primitive
     * ({@link Normalization#groupNormSilu}): the same floats as {@code forward(x).silu()}, with one full-size
     * tensor fewer allocated and kept for backward. PyTorch has no such method; diffusers writes the pair as
     * {@code nonlinearity(norm(h))}.
     */
    public Variable forwardSilu(Variable x) {
        return Normalization.groupNormSilu(x, numGroups, weight, bias, eps);
    }

    @Override
    protected String extraRepr() {
        return numGroups + ", " + numChannels + ", eps=" + Repr.pyFloat(eps) + ", affine=" + Repr.pyBool(weight != null);
    }
}
