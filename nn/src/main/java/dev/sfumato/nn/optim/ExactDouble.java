package dev.sfumato.nn.optim;

import dev.sfumato.tensor.Shape;
import dev.sfumato.tensor.Tensor;

/**
 * A double stored exactly in a float32 tensor of three elements, for the hyperparameters of a state dict
 * (Sfumato tensors have one dtype, and a learning rate of 1e-3 is not a float).
 *
 * <p>{@code hi = (float) d}, {@code mid = (float) (d - hi)}, {@code lo = (float) (d - hi - mid)}. Each
 * difference is exact in double (the error of rounding to float is representable), and the three floats
 * carry 3 x 24 >= 53 significant bits, so {@code hi + mid + lo}, summed in double, gives back {@code d} bit
 * for bit whenever the tail stays above float's subnormal range (|d| > 2^-70 or d = 0). Element 0 alone
 * reads as the value, so a checkpoint stays legible.
 */
final class ExactDouble {

    private ExactDouble() {}

    static Tensor encode(double d) {
        float hi = (float) d;
        float mid = (float) (d - hi);
        float lo = (float) (d - hi - mid);
        return Tensor.of(hi, mid, lo);
    }

    static double decode(String key, Tensor t) {
        if (t.dim() != 1 || t.size(0) != 3) {
            throw new IllegalArgumentException("loadStateDict: '" + key + "' must hold a double as 3 floats (hi, mid, lo),"
                    + " got shape " + Shape.str(t.shape()));
        }
        return (double) t.get(0) + (double) t.get(1) + (double) t.get(2);
    }
}
