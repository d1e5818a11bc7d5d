package dev.sfumato.nn.optim;

import dev.sfumato.autograd.NoGrad;
import dev.sfumato.nn.Module;
import dev.sfumato.nn.Parameter;
import dev.sfumato.tensor.Tensor;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An exponential moving average of a model's parameters, the weights DDPM samples with (Ho et al. 2020,
 * Appendix B: decay 0.9999). Call {@link #update()} after each {@code optimizer.step()}:
 * <pre>
 * shadow = decay_n * shadow + (1 - decay_n) * param          (n = number of updates, from 1)
 * decay_n = min(decay, (1 + n) / (10 + n))                    (with warmup)
 * </pre>
 * The warmup follows {@code LitEma} in CompVis latent-diffusion ({@code ldm/modules/ema.py}, which takes it
 * from TensorFlow's {@code ExponentialMovingAverage(num_updates=...)}): early averages forget the random
 * init quickly, and the decay reaches 0.9999 after about 90 000 updates. Buffers (running statistics) are
 * not averaged but copied at each update, so the shadow is a complete, consistent state.
 *
 * <p>{@link #stateDict()} has the same keys as {@code model.stateDict()}, so an EMA checkpoint loads straight
 * into a model. To evaluate with the averaged weights and then go on training:
 * <pre>
 * Ema ema = new Ema(model, 0.9999, true);
 * ...
 * try (Ema.Swap ignored = ema.swapInto()) {
 *     evaluate(model);                 // EMA weights
 * }                                    // training weights restored
 * </pre>
 */
public final class Ema {

    private final Module model;
    private final double decay;
    private final boolean warmup;
    private final Map<String, Tensor> shadow = new LinkedHashMap<>();
    private int numUpdates;

    /**
     * Starts the average at the model's current weights.
     *
     * @param decay  the decay in [0, 1]; 0.9999 in DDPM
     * @param warmup whether to use {@code min(decay, (1 + n) / (10 + n))} for update n
     */
    public Ema(Module model, double decay, boolean warmup) {
        if (!(decay >= 0 && decay <= 1)) {
            throw new IllegalArgumentException("Ema: decay must be in [0, 1], got " + decay);
        }
        this.model = model;
        this.decay = decay;
        this.warmup = warmup;
        for (Map.Entry<String, Tensor> e : model.stateDict().entrySet()) {
            shadow.put(e.getKey(), e.getValue().clone());
        }
    }

    /** {@code LitEma(model)}: decay 0.9999 with warmup. */
    public Ema(Module model) {
        this(model, 0.9999, true);
    }

    /** The decay the next {@link #update()} uses. */
    public double currentDecay() {
        int n = numUpdates + 1;
        return warmup ? Math.min(decay, (1.0 + n) / (10.0 + n)) : decay;
    }

    /** Folds the model's current parameters into the average and copies its buffers. */
    public void update() {
        double d = currentDecay();
        numUpdates++;
        Map<String, Parameter> params = model.namedParameters();
        try (NoGrad ignored = NoGrad.enter()) {
            for (Map.Entry<String, Tensor> e : model.stateDict().entrySet()) {
                Tensor s = shadow.get(e.getKey());
                if (s == null) {
                    throw new IllegalStateException("Ema.update: the model gained '" + e.getKey()
                            + "' after the Ema was made");
                }
                if (params.containsKey(e.getKey())) {
                    s.mulInPlace((float) d).addInPlace(e.getValue(), (float) (1 - d));
                } else {
                    s.copyFrom(e.getValue());
                }
            }
        }
    }

    /** The number of {@link #update()} calls, for checkpoints. */
    public int numUpdates() {
        return numUpdates;
    }

    /** Restores the update count (with {@link #loadStateDict}) when resuming. */
    public void setNumUpdates(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("Ema: numUpdates must be >= 0, got " + n);
        }
        this.numUpdates = n;
    }

    /** The averaged weights and copied buffers, with the model's state-dict keys: the live shadow tensors. */
    public Map<String, Tensor> stateDict() {
        return Collections.unmodifiableMap(shadow);
    }

    /** Copies {@code state} (keys and shapes as the model's) into the shadow. */
    public void loadStateDict(Map<String, Tensor> state) {
        if (!state.keySet().equals(shadow.keySet())) {
            throw new IllegalArgumentException("Ema.loadStateDict: keys " + state.keySet() + " do not match the model's "
                    + shadow.keySet());
        }
        for (Map.Entry<String, Tensor> e : shadow.entrySet()) {
            Tensor src = state.get(e.getKey());
            if (!Arrays.equals(src.shape(), e.getValue().shape())) {
                throw new IllegalArgumentException("Ema.loadStateDict: '" + e.getKey() + "' has shape "
                        + Arrays.toString(src.shape()) + ", the model's is " + Arrays.toString(e.getValue().shape()));
            }
        }
        for (Map.Entry<String, Tensor> e : shadow.entrySet()) {
            e.getValue().copyFrom(state.get(e.getKey()));
        }
    }

    /** Copies the averaged weights into the model, like LitEma's {@code copy_to}. */
    public void copyTo(Module target) {
        target.loadStateDict(shadow, true);
    }

    /**
     * Copies the averaged weights into the model and returns a scope whose {@link Swap#close()} puts the
     * model's own weights back (LitEma's {@code store}, {@code copy_to}, {@code restore} in one).
     */
    public Swap swapInto() {
        Map<String, Tensor> saved = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : model.stateDict().entrySet()) {
            saved.put(e.getKey(), e.getValue().clone());
        }
        copyTo(model);
        return new Swap(saved);
    }

    /** The scope of {@link #swapInto()}: closing it restores the training weights; closing twice is harmless. */
    public final class Swap implements AutoCloseable {
        private Map<String, Tensor> saved;

        private Swap(Map<String, Tensor> saved) {
            this.saved = saved;
        }

        @Override
        public void close() {
            if (saved != null) {
                model.loadStateDict(saved, true);
                saved = null;
            }
        }
    }
}
