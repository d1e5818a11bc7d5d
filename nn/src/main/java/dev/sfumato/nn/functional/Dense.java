package dev.sfumato.nn.functional;

import dev.sfumato.autograd.Variable;

import java.util.Arrays;

/**
 * The affine map of a fully connected layer, {@code F.linear}: {@code y = x Wᵀ + b} over the last dim.
 *
 * <p>Shapes: x [..., in], W [out, in] (PyTorch's layout, so a state_dict loads as is), b [out] or null,
 * y [..., out]. A composite of {@code matmul}, {@code t} and a broadcast {@code add}: its gradient comes
 * from theirs (dx = dy W, dW = dyᵀ x summed over the leading dims, db = dy summed over them).
 */
public final class Dense {

    private Dense() {}

    /** {@code F.linear(x, weight, bias)}; {@code bias} may be null. */
    public static Variable linear(Variable x, Variable weight, Variable bias) {
        if (weight.dim() != 2 || x.dim() < 1 || x.size(x.dim() - 1) != weight.size(1)) {
            throw new IllegalArgumentException("linear: input " + Arrays.toString(x.shape()) + " and weight "
                    + Arrays.toString(weight.shape()) + " do not fit (expected input [..., in] and weight [out, in])");
        }
        if (bias != null && (bias.dim() != 1 || bias.size(0) != weight.size(0))) {
            throw new IllegalArgumentException("linear: bias must have shape [" + weight.size(0) + "], got "
                    + Arrays.toString(bias.shape()));
        }
        Variable y = x.matmul(weight.t());                  // [..., out]
        return bias == null ? y : y.add(bias);              // [..., out]
    }
}
