package dev.sfumato.nn.optim;

/**
 * Linear warmup, like {@code torch.optim.lr_scheduler.LinearLR(optimizer, start_factor, end_factor=1.0,
 * total_iters)}: {@code lr_t = base_lr * (s + (1 - s) * min(t, T) / T)}, from {@code s * base_lr} at step 0
 * to {@code base_lr} at step T, then constant. A start factor of 0 is allowed (the closed form has no
 * division by it; see {@link LrScheduler}).
 */
public class LinearWarmup extends LrScheduler {

    private final double startFactor;
    private final int totalIters;

    /**
     * @param startFactor the fraction of the base lr at step 0, in [0, 1]
     * @param totalIters  the number of steps to reach the base lr (T > 0)
     */
    public LinearWarmup(Optimizer optimizer, double startFactor, int totalIters) {
        super(optimizer);
        if (!(startFactor >= 0 && startFactor <= 1)) {
            throw new IllegalArgumentException("LinearWarmup: startFactor must be in [0, 1], got " + startFactor);
        }
        if (totalIters <= 0) {
            throw new IllegalArgumentException("LinearWarmup: totalIters must be positive, got " + totalIters);
        }
        this.startFactor = startFactor;
        this.totalIters = totalIters;
        initialStep();
    }

    /** Warmup from 0 over {@code totalIters} steps. */
    public LinearWarmup(Optimizer optimizer, int totalIters) {
        this(optimizer, 0, totalIters);
    }

    @Override
    public double lrAt(int step) {
        // PyTorch's _get_closed_form_lr, in its operation order (end_factor = 1).
        return baseLr() * (startFactor + (1.0 - startFactor) * Math.min(totalIters, step) / totalIters);
    }
}
