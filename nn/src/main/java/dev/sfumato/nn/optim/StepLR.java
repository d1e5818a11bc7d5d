package dev.sfumato.nn.optim;

/**
 * Step decay, like {@code torch.optim.lr_scheduler.StepLR(optimizer, step_size, gamma=0.1)}:
 * {@code lr_t = base_lr * gamma^floor(t / step_size)}.
 */
public class StepLR extends LrScheduler {

    private final int stepSize;
    private final double gamma;

    public StepLR(Optimizer optimizer, int stepSize, double gamma) {
        super(optimizer);
        if (stepSize <= 0) {
            throw new IllegalArgumentException("StepLR: stepSize must be positive, got " + stepSize);
        }
        this.stepSize = stepSize;
        this.gamma = gamma;
        initialStep();
    }

    /** {@code StepLR(optimizer, step_size)} with gamma=0.1. */
    public StepLR(Optimizer optimizer, int stepSize) {
        this(optimizer, stepSize, 0.1);
    }

    @Override
    public double lrAt(int step) {
        return baseLr() * Math.pow(gamma, step / stepSize);
    }
}
