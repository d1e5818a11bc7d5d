package dev.sfumato.nn.optim;

import java.util.Arrays;
import java.util.List;

/**
 * Schedules one after another, like {@code torch.optim.lr_scheduler.SequentialLR(optimizer, schedulers,
 * milestones)}: schedule k runs from milestone k-1 (0 for the first) and sees its own step counter restart at
 * 0 there, as PyTorch's {@code scheduler.step(0)} at each milestone does. The usual warmup then cosine:
 * <pre>
 * new SequentialLR(opt, List.of(new LinearWarmup(opt, 0.01, 500), new CosineAnnealing(opt, 9500)), 500);
 * </pre>
 */
public class SequentialLR extends LrScheduler {

    private final List<LrScheduler> schedulers;
    private final int[] milestones;

    public SequentialLR(Optimizer optimizer, List<LrScheduler> schedulers, int... milestones) {
        super(optimizer);
        if (schedulers.isEmpty() || milestones.length != schedulers.size() - 1) {
            throw new IllegalArgumentException("SequentialLR: expected one milestone fewer than schedulers, got "
                    + schedulers.size() + " schedulers and milestones " + Arrays.toString(milestones));
        }
        for (int i = 0; i < schedulers.size(); i++) {
            if (schedulers.get(i).optimizer != optimizer) {
                throw new IllegalArgumentException("SequentialLR: scheduler " + i + " belongs to another optimizer");
            }
        }
        for (int i = 1; i < milestones.length; i++) {
            if (milestones[i] <= milestones[i - 1]) {
                throw new IllegalArgumentException("SequentialLR: milestones must increase, got " + Arrays.toString(milestones));
            }
        }
        this.schedulers = List.copyOf(schedulers);
        this.milestones = milestones.clone();
        initialStep();
    }

    @Override
    public double lrAt(int step) {
        int k = 0;
        while (k < milestones.length && step >= milestones[k]) {
            k++;
        }
        int start = k == 0 ? 0 : milestones[k - 1];
        return schedulers.get(k).lrAt(step - start);
    }
}
