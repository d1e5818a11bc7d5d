package dev.sfumato.autograd.ops;

import dev.sfumato.tensor.Tensor;

import java.util.Arrays;

/**
 * Undoes broadcasting in backward: the one place where a gradient is summed back to an input's shape.
 *
 * <p>If forward broadcast {@code x} of shape {@code s} to {@code out}, every element of {@code x} was
 * used once per copy, so {@code dL/dx = sum of dL/dout over the broadcast dims}: the leading dims that
 * {@code s} lacks, and the dims where {@code s} has size 1 but {@code out} does not. Used by every
 * broadcasting op (add, sub, mul, div, pow, maximum, minimum, where, expand, matmul's batch dims).
 */
public final class Broadcasting {

    private Broadcasting() {}

    /** {@code grad} summed over the dims that broadcasting {@code shape} to {@code grad.shape()} added. */
    public static Tensor sumTo(Tensor grad, int[] shape) {
        int rank = grad.dim();
        if (rank == shape.length && sameShape(grad, shape)) {
            return grad;
        }
        int lead = rank - shape.length;
        if (lead < 0) {
            throw new IllegalArgumentException("sumTo: gradient of shape " + Arrays.toString(grad.shape())
                    + " has fewer dims than the target shape " + Arrays.toString(shape));
        }
        int[] dims = new int[rank];
        int n = 0;
        for (int d = 0; d < rank; d++) {
            if (d < lead || (shape[d - lead] == 1 && grad.size(d) != 1)) {
                dims[n++] = d;
            }
        }
        if (n == 0) {
            return grad.reshape(shape);
        }
        // keepdim, then drop the leading dims: [lead..., s0, ..., s(k-1)] -> shape
        return grad.sum(Arrays.copyOf(dims, n), true).reshape(shape);
    }

    private static boolean sameShape(Tensor t, int[] shape) {
        for (int d = 0; d < shape.length; d++) {
            if (t.size(d) != shape[d]) {
                return false;
            }
        }
        return true;
    }
}
