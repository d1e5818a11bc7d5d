package dev.sfumato.benchmarks.diffusion;

import dev.sfumato.diffusion.data.TensorDataset;
import dev.sfumato.diffusion.model.UNet;
import dev.sfumato.diffusion.model.UNetConfig;
import dev.sfumato.diffusion.training.TrainConfig;
import dev.sfumato.diffusion.training.Trainer;
import dev.sfumato.tensor.Generator;
import dev.sfumato.tensor.Tensor;

/**
 * The two steps that {@link StepRunner} and {@link StepBenchmark} time, built the same way for both, on the
 * default network ({@link UNetConfig#fashionMnist()}: 28×28×1, base 32, (1, 2, 2), 1,539,329 parameters).
 *
 * <ul>
 * <li>{@link #trainer}: the real {@link Trainer} with {@link TrainConfig#defaults} (linear β 1e-4..0.02,
 *     T = 1000, ε-prediction, MSE, Adam lr 2e-4 with 500 warmup steps, clipping at global norm 1, EMA 0.9999,
 *     dropout 0.1), so {@code trainer.step()} is exactly one step of {@code sfumato train}: a batch from the
 *     loader, t and ε, q_sample, forward, loss, backward, clip, Adam, EMA.</li>
 * <li>{@link Sampling}: one network evaluation of a sampler step, {@link UNet#predict} (no grad, eval mode),
 *     called as {@code DdimSampler} and {@code DdpmSampler} call it. The sampler's own update of x_t (a few
 *     element-wise ops on [N, 1, 28, 28]) is left out, here and in the PyTorch twin.</li>
 * </ul>
 *
 * <p>The data are synthetic: {@value #DATASET_IMAGES} uniform images in [−1, 1]. Pixel values do not change
 * the work of a step, and this keeps the Fashion-MNIST reader out of the measured process; the PyTorch twin
 * ({@code benchmarks/scripts/ddpm_step_torch.py}) does the same.
 */
public final class StepCase {

    /** Images in the synthetic training set: several batches, so the loader shuffles and gathers as in a run. */
    public static final int DATASET_IMAGES = 2048;

    /** The timestep of the timed sampler step; the network's work does not depend on it. */
    public static final int SAMPLE_TIMESTEP = 500;

    private StepCase() {}

    /** The default training recipe at {@code batch}, seeded with {@code seed}. */
    public static TrainConfig trainConfig(int batch, long seed) {
        TrainConfig d = TrainConfig.defaults(UNetConfig.fashionMnist());
        return d.withRun(batch, d.steps(), seed, d.checkpointEvery(), d.sampleEvery(), d.logEvery());
    }

    /** A fresh {@link Trainer} of the default recipe at {@code batch}, on synthetic data. */
    public static Trainer trainer(int batch, long seed) {
        UNetConfig u = UNetConfig.fashionMnist();
        Generator g = new Generator(seed + 100);
        Tensor images = Tensor.rand(g, DATASET_IMAGES, u.imageChannels(), u.imageSize(), u.imageSize())
                .mul(2f).sub(1f);                                            // [D, 1, 28, 28] in [−1, 1)
        return new Trainer(trainConfig(batch, seed), TensorDataset.of(images));
    }

    /**
     * A sampler's network evaluation: a freshly initialised default U-Net in eval mode (dropout off), a noisy
     * batch x_t ~ N(0, I) of [batch, 1, 28, 28], and the timestep {@value #SAMPLE_TIMESTEP}.
     */
    public static final class Sampling {
        private final UNet model;
        private final Tensor xt;
        private final int batch;

        public Sampling(int batch, long seed) {
            UNetConfig u = UNetConfig.fashionMnist();
            Generator.manualSeed(seed);                     // the weights come from the global generator
            this.model = new UNet(u, seed + 1);
            model.eval();
            this.xt = Tensor.randn(new Generator(seed + 3), batch, u.imageChannels(), u.imageSize(), u.imageSize());
            this.batch = batch;
        }

        /** One ε̂ = model(x_t, t) as a sampler step makes it: t [N] filled with one timestep, no grad. */
        public Tensor step() {
            Tensor t = Tensor.full(SAMPLE_TIMESTEP, batch);  // [N]
            return model.predict(xt, t, null);              // [N, 1, 28, 28]
        }

        public UNet model() {
            return model;
        }
    }
}
