package dev.sfumato.nn.optim;

import dev.sfumato.autograd.Variable;
import dev.sfumato.tensor.Parallel;
import dev.sfumato.tensor.Tensor;

import java.util.List;

/**
 * Gradient clipping by global norm, like {@code torch.nn.utils.clip_grad_norm_(params, max_norm)} (L2).
 */
public final class GradClip {

    private GradClip() {}

    /**
     * Scales every gradient in place by {@code maxNorm / (norm + 1e-6)} when that is below 1, where
     * {@code norm} is the L2 norm of all gradients together; returns {@code norm}. Parameters without a
     * gradient are skipped; with none at all the norm is 0.
     *
     * <p>As torch 1.13: the norm of each gradient first, then the norm of those norms, both rounded to float;
     * the coefficient is computed in float32. Here each norm is accumulated in double, in parameter order
     * and element order, so the result does not depend on threads. A NaN or infinite norm is returned as is
     * and (as in PyTorch with {@code error_if_nonfinite=False}) makes the scaled gradients NaN.
     */
    public static float clipGradNorm(List<? extends Variable> params, double maxNorm) {
        if (!(maxNorm >= 0)) {
            throw new IllegalArgumentException("clipGradNorm: maxNorm must be >= 0, got " + maxNorm);
        }
        // Each gradient's norm on its own (the parameters split among the threads; 0 for a missing gradient, which
        // adds nothing), then their squares summed in parameter order: the same bits on any number of threads.
        float[] norms = new float[params.size()];
        Parallel.forRange(params.size(), (i0, i1) -> {
            for (int i = i0; i < i1; i++) {
                Tensor g = params.get(i).grad();
                norms[i] = g == null ? 0f : l2(g);
            }
        });
        double sumOfSquares = 0;
        for (float norm : norms) {
            sumOfSquares += (double) norm * norm;
        }
        float total = (float) Math.sqrt(sumOfSquares);
        float coef = (float) maxNorm / (total + 1e-6f);
        if (!(coef >= 1f)) {                                  // clamp(max=1): multiplying by 1 changes nothing
            for (Variable p : params) {
                Tensor g = p.grad();
                if (g != null) {
                    g.mulInPlace(coef);
                }
            }
        }
        return total;
    }

    private static float l2(Tensor g) {
        Tensor c = g.contiguous();                            // a gradient is contiguous: read in place, not copied
        float[] d = c.data();
        double s = 0;
        for (int i = c.offset(), end = c.offset() + c.numel(); i < end; i++) {
            s += (double) d[i] * d[i];
        }
        return (float) Math.sqrt(s);
    }
}
