package dev.sfumato.nn.optim;

/**
 * Cosine annealing without restarts (Loshchilov and Hutter 2017, SGDR eq. 5), like
 * {@code torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max, eta_min=0)} in its closed form:
 * {@code lr_t = eta_min + (base_lr - eta_min) * (1 + cos(pi * t / T_max)) / 2}. Past T_max the cosine
 * rises again, as PyTorch's does; pick T_max as the number of steps to train.
 */
public class CosineAnnealing extends LrScheduler {

    private final int tMax;
    private final double etaMin;

    public CosineAnnealing(Optimizer optimizer, int tMax, double etaMin) {
        super(optimizer);
        if (tMax <= 0) {
            throw new IllegalArgumentException("CosineAnnealing: tMax must be positive, got " + tMax);
        }
        this.tMax = tMax;
        this.etaMin = etaMin;
        initialStep();
    }

    /** {@code CosineAnnealingLR(optimizer, T_max)} with eta_min=0. */
    public CosineAnnealing(Optimizer optimizer, int tMax) {
        this(optimizer, tMax, 0);
    }

    @Override
    public double lrAt(int step) {
        return etaMin + (baseLr() - etaMin) * (1 + Math.cos(Math.PI * step / tMax)) / 2;
    }
}
