package dev.sfumato.nn.layers;

import dev.sfumato.autograd.Variable;
import dev.sfumato.nn.Module;
import dev.sfumato.nn.Parameter;
import dev.sfumato.nn.functional.Normalization;
import dev.sfumato.tensor.Tensor;

import java.util.Arrays;

/**
 * Layer normalisation, like {@code torch.nn.LayerNorm(normalized_shape, eps=1e-5, elementwise_affine=True)}
 * (Ba et al. 2016): each sample is standardised over its trailing {@code normalizedShape} dims,
 * {@code y = (x − μ)/√(σ² + eps)·γ + β}; x [..., *normalizedShape] → same; γ, β shaped normalizedShape.
 *
 * <p>Init as PyTorch: weight ones, bias zeros.
 */
public class LayerNorm extends Module {

    public final Parameter weight;
    public final Parameter bias;
    private final int[] normalizedShape;
    private final double eps;

    /** {@code nn.LayerNorm(normalizedShape)}: eps 1e-5, elementwise affine. */
    public LayerNorm(int... normalizedShape) {
        this(normalizedShape, 1e-5, true);
    }

    public LayerNorm(int[] normalizedShape, double eps, boolean elementwiseAffine) {
        if (normalizedShape.length == 0 || Arrays.stream(normalizedShape).anyMatch(d -> d < 1)) {
            throw new IllegalArgumentException("LayerNorm: normalized_shape must be non-empty and positive, got "
                    + Arrays.toString(normalizedShape));
        }
        this.normalizedShape = normalizedShape.clone();
        this.eps = eps;
        this.weight = registerParameter("weight", elementwiseAffine ? new Parameter(Tensor.ones(normalizedShape)) : null);
        this.bias = registerParameter("bias", elementwiseAffine ? new Parameter(Tensor.zeros(normalizedShape)) : null);
    }

    /** x [..., *normalizedShape] → same shape. */
    @Override
    public Variable forward(Variable x) {
        return Normalization.layerNorm(x, normalizedShape, weight, bias, eps);
    }

    @Override
    protected String extraRepr() {
        StringBuilder shape = new StringBuilder("(");
        for (int d : normalizedShape) {
            shape.append(d).append(", ");
        }
        // Python's tuple: (4,) for one dim, (3, 4) for more.
        shape.setLength(shape.length() - (normalizedShape.length == 1 ? 1 : 2));
        shape.append(')');
        return shape + ", eps=" + Repr.pyFloat(eps) + ", elementwise_affine=" + Repr.pyBool(weight != null);
    }
}
