package dev.sfumato.nn.layers;

import dev.sfumato.autograd.Variable;
import dev.sfumato.nn.Module;
import dev.sfumato.nn.Parameter;
import dev.sfumato.nn.functional.Normalization;
import dev.sfumato.tensor.Tensor;

/**
 * Batch normalisation over NCHW, like
 * {@code torch.nn.BatchNorm2d(num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True)}
 * (Ioffe &amp; Szegedy 2015): per channel, {@code y = (x − μ)/√(σ² + eps)·γ + β}; x [N, C, H, W] → same.
 *
 * <p>Training mode normalises with the batch's statistics (biased variance) and updates the buffers
 * {@code running_mean} and {@code running_var} (with the unbiased variance) and {@code num_batches_tracked},
 * the state_dict names of PyTorch; eval mode normalises with the running statistics. Without
 * {@code trackRunningStats} there are no buffers and batch statistics are used in both modes.
 * Init as PyTorch: weight ones, bias zeros, running mean 0, running var 1.
 */
public class BatchNorm2d extends Module {

    public final Parameter weight;
    public final Parameter bias;
    private final Tensor runningMean;
    private final Tensor runningVar;
    private final Tensor numBatchesTracked;
    private final int numFeatures;
    private final double eps;
    private final double momentum;

    /** {@code nn.BatchNorm2d(numFeatures)}: eps 1e-5, momentum 0.1, affine, tracking running statistics. */
    public BatchNorm2d(int numFeatures) {
        this(builder(numFeatures));
    }

    private BatchNorm2d(Builder b) {
        if (b.numFeatures < 1) {
            throw new IllegalArgumentException("BatchNorm2d: num_features must be positive, got " + b.numFeatures);
        }
        this.numFeatures = b.numFeatures;
        this.eps = b.eps;
        this.momentum = b.momentum;
        this.weight = registerParameter("weight", b.affine ? new Parameter(Tensor.ones(b.numFeatures)) : null);
        this.bias = registerParameter("bias", b.affine ? new Parameter(Tensor.zeros(b.numFeatures)) : null);
        if (b.trackRunningStats) {
            this.runningMean = registerBuffer("running_mean", Tensor.zeros(b.numFeatures));
            this.runningVar = registerBuffer("running_var", Tensor.ones(b.numFeatures));
            // PyTorch keeps an int64 scalar; here a float scalar, exact up to 2^24 batches.
            this.numBatchesTracked = registerBuffer("num_batches_tracked", Tensor.scalar(0f));
        } else {
            this.runningMean = null;
            this.runningVar = null;
            this.numBatchesTracked = null;
        }
    }

    /** x [N, C, H, W] → [N, C, H, W]; in training also updates the running statistics. */
    @Override
    public Variable forward(Variable x) {
        if (x.dim() != 4) {
            throw new IllegalArgumentException("BatchNorm2d: expected 4-D input [N, C, H, W], got shape "
                    + java.util.Arrays.toString(x.shape()));
        }
        boolean useBatchStats = isTraining() || runningMean == null;
        Variable y = Normalization.batchNorm(x, runningMean, runningVar, weight, bias, useBatchStats, momentum, eps);
        if (isTraining() && numBatchesTracked != null) {
            numBatchesTracked.addInPlace(1f);
        }
        return y;
    }

    /** The running mean buffer [C] (live), or null without running statistics. */
    public Tensor runningMean() {
        return runningMean;
    }

    /** The running variance buffer [C] (live), or null without running statistics. */
    public Tensor runningVar() {
        return runningVar;
    }

    @Override
    protected String extraRepr() {
        return numFeatures + ", eps=" + Repr.pyFloat(eps) + ", momentum=" + Repr.pyFloat(momentum)
                + ", affine=" + Repr.pyBool(weight != null) + ", track_running_stats=" + Repr.pyBool(runningMean != null);
    }

    /** Options with PyTorch's names and defaults. */
    public static Builder builder(int numFeatures) {
        return new Builder(numFeatures);
    }

    /** Keyword arguments of {@code nn.BatchNorm2d}. */
    public static final class Builder {
        private final int numFeatures;
        private double eps = 1e-5;
        private double momentum = 0.1;
        private boolean affine = true;
        private boolean trackRunningStats = true;

        private Builder(int numFeatures) {
            this.numFeatures = numFeatures;
        }

        public Builder eps(double e) { this.eps = e; return this; }
        public Builder momentum(double m) { this.momentum = m; return this; }
        public Builder affine(boolean a) { this.affine = a; return this; }
        public Builder trackRunningStats(boolean t) { this.trackRunningStats = t; return this; }

        public BatchNorm2d build() {
            return new BatchNorm2d(this);
        }
    }
}
