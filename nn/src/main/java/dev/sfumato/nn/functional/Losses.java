package dev.sfumato.nn.functional;

import dev.sfumato.autograd.Variable;
import dev.sfumato.tensor.Shape;
import dev.sfumato.tensor.Tensor;

import java.util.Arrays;

/**
 * Loss functions, like {@code torch.nn.functional}'s: mean squared error, L1, negative log-likelihood and
 * cross-entropy with label smoothing. Every loss is a composite of autograd primitives (sub, square, abs,
 * logSoftmax, gather, where, sum), so none needs a backward rule of its own; {@code LossGradientProperties}
 * checks them all against finite differences anyway.
 *
 * <p>Class targets are float tensors holding whole numbers (Sfumato has one dtype), shaped [N] for
 * input [N, C], or [N, d1, ...] for input [N, C, d1, ...] (per-pixel classes), or a scalar for input [C].
 * A target equal to {@code ignoreIndex} (PyTorch's default -100) contributes no loss and no gradient and is
 * not counted by {@link Reduction#MEAN}; when every target is ignored, the mean is 0/0 = NaN, as in
 * PyTorch 1.13.
 */
public final class Losses {

    /** PyTorch's default {@code ignore_index}. */
    public static final int DEFAULT_IGNORE_INDEX = -100;

    private Losses() {}

    // ---------------------------------------------------------------------------------------------
    // Regression
    // ---------------------------------------------------------------------------------------------

    /** {@code F.mse_loss(input, target)}: the mean of {@code (input - target)^2}. */
    public static Variable mseLoss(Variable input, Tensor target) {
        return mseLoss(input, new Variable(target), Reduction.MEAN);
    }

    /** {@code F.mse_loss(input, target, reduction=...)}; input and target have the same shape. */
    public static Variable mseLoss(Variable input, Tensor target, Reduction reduction) {
        return mseLoss(input, new Variable(target), reduction);
    }

    /** {@link #mseLoss(Variable, Tensor, Reduction)} with a target that may itself require grad. */
    public static Variable mseLoss(Variable input, Variable target, Reduction reduction) {
        requireSameShape("mseLoss", input, target);
        return reduce(input.sub(target).square(), reduction);
    }

    /** {@code F.l1_loss(input, target)}: the mean of {@code |input - target|}. */
    public static Variable l1Loss(Variable input, Tensor target) {
        return l1Loss(input, new Variable(target), Reduction.MEAN);
    }

    /** {@code F.l1_loss(input, target, reduction=...)}; at input = target the gradient is 0, as in PyTorch. */
    public static Variable l1Loss(Variable input, Tensor target, Reduction reduction) {
        return l1Loss(input, new Variable(target), reduction);
    }

    /** {@link #l1Loss(Variable, Tensor, Reduction)} with a target that may itself require grad. */
    public static Variable l1Loss(Variable input, Variable target, Reduction reduction) {
        requireSameShape("l1Loss", input, target);
        return reduce(input.sub(target).abs(), reduction);
    }

    // ---------------------------------------------------------------------------------------------
    // Classification
    // ---------------------------------------------------------------------------------------------

    /** {@code F.nll_loss(logProbs, target)}: {@code -logProbs[n, target[n]]}, averaged. */
    public static Variable nllLoss(Variable logProbs, Tensor target) {
        return nllLoss(logProbs, target, Reduction.MEAN, DEFAULT_IGNORE_INDEX);
    }

    /** {@code F.nll_loss(logProbs, target, reduction=...)}. */
    public static Variable nllLoss(Variable logProbs, Tensor target, Reduction reduction) {
        return nllLoss(logProbs, target, reduction, DEFAULT_IGNORE_INDEX);
    }

    /**
     * {@code F.nll_loss(logProbs, target, reduction=..., ignore_index=...)}: logProbs [N, C, d...] (or [C]),
     * target [N, d...] (or scalar) of class indices; loss [N, d...] before reduction.
     */
    public static Variable nllLoss(Variable logProbs, Tensor target, Reduction reduction, int ignoreIndex) {
        return classification("nllLoss", logProbs, target, 0, reduction, ignoreIndex);
    }

    /** {@code F.cross_entropy(logits, target)}: log-softmax over the class dim, then NLL, averaged. */
    public static Variable crossEntropy(Variable logits, Tensor target) {
        return crossEntropy(logits, target, 0, Reduction.MEAN, DEFAULT_IGNORE_INDEX);
    }

    /** {@code F.cross_entropy(logits, target, label_smoothing=..., reduction=...)}. */
    public static Variable crossEntropy(Variable logits, Tensor target, double labelSmoothing, Reduction reduction) {
        return crossEntropy(logits, target, labelSmoothing, reduction, DEFAULT_IGNORE_INDEX);
    }

    /**
     * {@code F.cross_entropy(logits, target, label_smoothing=ε, reduction=..., ignore_index=...)}: logits
     * [N, C, d...] (or [C]), target [N, d...] (or scalar) of class indices.
     *
     * <p>With label smoothing the target distribution is {@code (1 - ε) onehot + ε / C}, which PyTorch 1.13
     * ({@code cross_entropy_loss_label_smoothing} in LossNLL.cpp) computes, and so do we, as
     * {@code (1 - ε) nll + (ε / C) sum_c (-logp_c)}, each term reduced (ignored targets masked) before
     * the two are added. ε lies in [0, 1].
     */
    public static Variable crossEntropy(Variable logits, Tensor target, double labelSmoothing, Reduction reduction,
                                        int ignoreIndex) {
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
            throw new IllegalArgumentException("crossEntropy: labelSmoothing must be in [0, 1], got " + labelSmoothing);
        }
        if (logits.dim() == 0) {
            throw new IllegalArgumentException("crossEntropy: logits must have a class dim, got a scalar");
        }
        int classDim = logits.dim() == 1 ? 0 : 1;
        return classification("crossEntropy", logits.logSoftmax(classDim), target, labelSmoothing, reduction,
                ignoreIndex);
    }

    /**
     * NLL on log-probabilities, plus the smoothing term when {@code labelSmoothing > 0}.
     *
     * <p>Steps: 1. check shapes and target values; 2. pick {@code logp[n, t_n, ...]} with gather (ignored
     * targets read class 0 and are then zeroed); 3. reduce, dividing the mean by the number of targets that
     * are not ignored; 4. add the smoothing term the same way.
     */
    private static Variable classification(String op, Variable logp, Tensor target, double labelSmoothing,
                                           Reduction reduction, int ignoreIndex) {
        // An unbatched input [C] with a scalar target is the batch of one [1, C] with target [1].
        if (logp.dim() == 1) {
            if (target.dim() != 0) {
                throw new IllegalArgumentException(op + ": an unbatched input of shape " + Shape.str(logp.shape())
                        + " needs a scalar target, got shape " + Shape.str(target.shape()));
            }
            Variable loss = classification(op, logp.unsqueeze(0), target.reshape(1), labelSmoothing, reduction,
                    ignoreIndex);
            return reduction == Reduction.NONE ? loss.squeeze(0) : loss;
        }

        // 1. Shapes and values.
        int classes = checkClassTargets(op, logp, target, ignoreIndex);
        Tensor valid = target.ne((float) ignoreIndex);                          // [N, d...], 1 where counted
        Tensor safeTarget = Tensor.where(valid, target, Tensor.scalar(0f));   // ignored -> class 0
        Variable zero = new Variable(Tensor.scalar(0f));

        // 2. nll[n, ...] = -logp[n, t, ...], 0 where ignored.
        Variable picked = logp.gather(1, safeTarget.unsqueeze(1)).squeeze(1); // [N, d...]
        Variable nll = Variable.where(valid, picked.neg(), zero);

        // 3. Reduce.
        Variable loss = reduceCounted(nll, valid, reduction);
        if (labelSmoothing == 0) {
            return loss;
        }

        // 4. Smoothing: (1 - ε) nll + (ε / C) sum_c(-logp_c), reduced the same way.
        Variable smooth = Variable.where(valid, logp.sum(1, false).neg(), zero);  // [N, d...]
        Variable smoothLoss = reduceCounted(smooth, valid, reduction);
        return loss.mul((float) (1 - labelSmoothing)).add(smoothLoss.mul((float) (labelSmoothing / classes)));
    }

    /** Validates shapes and class indices; returns the number of classes C. */
    private static int checkClassTargets(String op, Variable input, Tensor target, int ignoreIndex) {
        int[] in = input.shape();
        int[] t = target.shape();
        String shapes = "input shape " + Shape.str(in) + ", target shape " + Shape.str(t);
        if (t.length == 0 || in[0] != t[0]) {
            throw new IllegalArgumentException(op + ": expected input batch size (" + in[0] + ") to match target batch size ("
                    + (t.length == 0 ? "none, a scalar" : String.valueOf(t[0])) + "); " + shapes);
        }
        int[] expected = new int[in.length - 1];
        expected[0] = in[0];
        System.arraycopy(in, 2, expected, 1, in.length - 2);
        if (!Arrays.equals(expected, t)) {
            throw new IllegalArgumentException(op + ": " + shapes + ": the target must have shape " + Shape.str(expected)
                    + " (the input without its class dim 1)");
        }
        int classes = in[1];
        float[] values = target.toArray();
        for (int i = 0; i < values.length; i++) {
            float v = values[i];
            if (v == ignoreIndex) {
                continue;
            }
            if (v != Math.rint(v)) {
                throw new IllegalArgumentException(op + ": target holds " + v + " at position " + position(i, t)
                        + "; class indices must be whole numbers");
            }
            if (v < 0 || v >= classes) {
                throw new IllegalArgumentException(op + ": target class " + (long) v + " at position " + position(i, t)
                        + " is out of range for " + classes + " classes (" + shapes + ")");
            }
        }
        return classes;
    }

    /** The row-major multi-index of flat position {@code i} in {@code shape}, as "[a, b]". */
    private static String position(int i, int[] shape) {
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = i % shape[d];
            i /= shape[d];
        }
        return Arrays.toString(idx);
    }

    private static Variable reduceCounted(Variable perTarget, Tensor valid, Reduction reduction) {
        return switch (reduction) {
            case NONE -> perTarget;
            case SUM -> perTarget.sum();
            case MEAN -> perTarget.sum().div(valid.sum().item());
        };
    }

    private static Variable reduce(Variable perElement, Reduction reduction) {
        return switch (reduction) {
            case NONE -> perElement;
            case SUM -> perElement.sum();
            case MEAN -> perElement.mean();
        };
    }

    private static void requireSameShape(String op, Variable input, Variable target) {
        if (!Arrays.equals(input.shape(), target.shape())) {
            throw new IllegalArgumentException(op + ": input shape " + Shape.str(input.shape()) + " and target shape "
                    + Shape.str(target.shape()) + " differ; Sfumato does not broadcast a loss's target"
                    + " (PyTorch warns that doing so is likely a bug)");
        }
    }
}
