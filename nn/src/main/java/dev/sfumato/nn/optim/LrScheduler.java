package dev.sfumato.nn.optim;

import dev.sfumato.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The base of learning-rate schedules, like {@code torch.optim.lr_scheduler._LRScheduler}: a schedule sets
 * the optimiser's lr to {@link #lrAt(int)} of a step counter ({@code last_epoch}) that starts at 0 when
 * the schedule is made and grows by one per {@link #step()}. Call {@code step()} after
 * {@code optimizer.step()}, as in PyTorch.
 *
 * <p>Deviation from PyTorch, deliberate: every schedule here is the closed form of its step
 * ({@code _get_closed_form_lr}) of the optimiser's {@link Optimizer#initialLr()}, where PyTorch's
 * {@code get_lr} updates the current lr recursively. The values agree to double rounding (the golden test
 * compares them with PyTorch's recursive ones for 30 steps), resuming needs only the counter, and a warmup
 * can start from 0 (PyTorch's recursive LinearLR divides by zero there). What is lost is chaining two
 * schedules on one optimiser multiplicatively; compose them with {@link SequentialLR} instead.
 */
public abstract class LrScheduler {

    protected final Optimizer optimizer;
    private int lastEpoch;

    /** Attaches to {@code optimizer} and sets its lr to the value at step 0, as PyTorch's initial step does. */
    protected LrScheduler(Optimizer optimizer) {
        this.optimizer = optimizer;
    }

    /** Subclasses call this at the end of their constructor, once their fields are set. */
    protected final void initialStep() {
        optimizer.setLr(lrAt(0));
    }

    /** The learning rate after {@code step} calls of {@link #step()}. */
    public abstract double lrAt(int step);

    /** Advances the counter and sets the optimiser's lr, like {@code scheduler.step()}. */
    public void step() {
        lastEpoch++;
        optimizer.setLr(lrAt(lastEpoch));
    }

    /** The lr at the current step ({@code get_last_lr()[0]}). */
    public double lr() {
        return lrAt(lastEpoch);
    }

    /** The number of {@link #step()} calls so far ({@code last_epoch}). */
    public int lastEpoch() {
        return lastEpoch;
    }

    /** The base lr: the optimiser's {@link Optimizer#initialLr()}. */
    protected double baseLr() {
        return optimizer.initialLr();
    }

    /** {@code last_epoch} as a float32 scalar (exact below 2^24 steps), for checkpoints. */
    public Map<String, Tensor> stateDict() {
        if (lastEpoch > (1 << 24)) {
            throw new IllegalStateException("stateDict: last_epoch " + lastEpoch + " is not exact in float32");
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("last_epoch", Tensor.scalar(lastEpoch));
        return out;
    }

    /** Restores the counter and sets the optimiser's lr for it. */
    public void loadStateDict(Map<String, Tensor> state) {
        Tensor t = state.get("last_epoch");
        if (t == null || t.numel() != 1) {
            throw new IllegalArgumentException("loadStateDict: expected a scalar 'last_epoch', got keys " + state.keySet());
        }
        lastEpoch = (int) t.item();
        optimizer.setLr(lrAt(lastEpoch));
    }
}
