package dev.sfumato.diffusion.training;

import dev.sfumato.autograd.NoGrad;
import dev.sfumato.autograd.Variable;
import dev.sfumato.diffusion.data.Batch;
import dev.sfumato.diffusion.data.DataLoader;
import dev.sfumato.diffusion.data.ImageDataset;
import dev.sfumato.diffusion.model.UNet;
import dev.sfumato.diffusion.process.ForwardProcess;
import dev.sfumato.diffusion.process.MinSnrWeighting;
import dev.sfumato.diffusion.schedule.NoiseSchedule;
import dev.sfumato.nn.optim.Adam;
import dev.sfumato.nn.optim.AdamW;
import dev.sfumato.nn.optim.Ema;
import dev.sfumato.nn.optim.GradClip;
import dev.sfumato.nn.optim.LinearWarmup;
import dev.sfumato.nn.optim.Optimizer;
import dev.sfumato.tensor.Generator;
import dev.sfumato.tensor.Recycler;
import dev.sfumato.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * DDPM training (Ho et al. 2020, Algorithm 1), one step at a time:
 * <pre>
 * x0 ~ data,  t ~ U{0, ..., T−1},  ε ~ N(0, I)
 * x_t = √ᾱ_t x0 + √(1 − ᾱ_t) ε                        (eq. 4)
 * L = ‖target − model(x_t, t, y)‖²,  target = ε        (eq. 14, the "simple" loss; x0 or v when configured)
 * </pre>
 * then gradient clipping, an Adam(W) step with linear warmup, and an EMA update of the weights. With
 * classes, labels are replaced by the null class with probability {@code pUncond}, which trains the
 * unconditional model of classifier-free guidance in the same network (Ho &amp; Salimans 2022, Algorithm 1).
 *
 * <p>Determinism: the weights are drawn after seeding the global generator with the config's seed; every
 * random draw of a step comes from the trainer's own generator, the data order from the loader's, the
 * dropout masks from the model's. All three states go into the checkpoint, so a resumed run continues
 * bit for bit.
 */
public final class Trainer {

    /** What one step measured. */
    public record StepResult(long step, float loss, float gradNorm, double lr) {}

    private final TrainConfig config;
    private final NoiseSchedule schedule;
    private final ForwardProcess q;
    private final UNet model;
    private final Ema ema;
    private final Optimizer optimizer;
    private final LinearWarmup warmup;
    private final DataLoader loader;
    private final Generator rng;
    private long step;

    /** A fresh run on {@code data}. */
    public Trainer(TrainConfig config, ImageDataset data) {
        this.config = config;
        this.schedule = config.noiseSchedule();
        this.q = new ForwardProcess(schedule);
        data.requireImageSize(config.unet().imageChannels(), config.unet().imageSize(), config.unet().imageSize());
        if (config.unet().numClasses() > 0 && data.numClasses() != config.unet().numClasses()) {
            throw new IllegalArgumentException("Trainer: the model has " + config.unet().numClasses()
                    + " classes but the dataset has " + data.numClasses());
        }
        Generator.manualSeed(config.seed()); // the weights are drawn from the global generator
        this.model = new UNet(config.unet(), config.seed() + 1);
        this.ema = new Ema(model, config.emaDecay(), true);
        this.optimizer = config.optimizer().equals("adamw")
                ? AdamW.builder(model.parameters()).lr(config.lr()).weightDecay(config.weightDecay()).build()
                : Adam.builder(model.parameters()).lr(config.lr()).weightDecay(config.weightDecay()).build();
        this.warmup = config.warmupSteps() > 0 ? new LinearWarmup(optimizer, config.warmupSteps()) : null;
        this.loader = DataLoader.builder(data).batchSize(config.batchSize()).shuffle(true).dropLast(true)
                .randomHorizontalFlip(config.flip()).seed(config.seed() + 2).build();
        this.rng = new Generator(config.seed() + 3);
        this.step = 0;
    }

    /** Continues the run saved in {@code checkpoint}, on the same {@code data}. */
    public static Trainer resume(Path file, ImageDataset data) throws IOException {
        Checkpoint c = Checkpoint.load(file);
        Trainer t = new Trainer(c.config(), data);
        t.restore(file, c);
        return t;
    }

    private void restore(Path file, Checkpoint c) throws IOException {
        if (c.model().isEmpty() || c.optimizer().isEmpty()) {
            throw new IOException(file + ": this checkpoint holds only weights for sampling (written by 'sfumato"
                    + " export'), not the model, optimiser and data state a run resumes from; resume from a"
                    + " checkpoint in the run's checkpoints/ directory");
        }
        try {
            model.loadStateDict(c.model(), true);
            ema.loadStateDict(c.ema());
            optimizer.loadStateDict(c.optimizer());
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": checkpoint does not match its own config: " + e.getMessage(), e);
        }
        Map<String, String> s = c.state();
        step = c.step();
        ema.setNumUpdates((int) step);
        rng.setState(Checkpoint.parseLongs(file, "rng", Checkpoint.require(file, s, "rng")));
        model.dropoutGenerator().setState(Checkpoint.parseLongs(file, "rng.dropout", Checkpoint.require(file, s, "rng.dropout")));
        loader.restore(DataLoader.State.fromArray(Checkpoint.parseLongs(file, "data", Checkpoint.require(file, s, "data"))));
        if (warmup != null) {
            // The scheduler's counter is the step count; restoring it (not just the lr) keeps later steps exact.
            warmup.loadStateDict(Map.of("last_epoch", Tensor.scalar(step)));
        }
    }

    /** One training step (Algorithm 1), returning the loss before the update. */
    public StepResult step() {
        model.train();
        // 1. A batch of data and its noise level: x0 [N, C, H, W] in [−1, 1], t [N], ε [N, C, H, W].
        Batch batch = loader.next();
        Tensor x0 = batch.images();
        int n = x0.size(0);
        Tensor t = Tensor.randint(rng, 0, schedule.numTimesteps(), n);
        Tensor eps = Tensor.randn(rng, x0.shape());
        Tensor labels = classifierFreeLabels(batch.labels(), n);

        // 2-4. Forward, loss and backward inside a recycler scope: everything they allocate is dead once the
        // parameters' gradients are in (which the scope does not take), so backward and the next step reuse
        // its memory instead of the JVM zeroing new arrays (BENCHMARKS.md, log: recycling).
        float lossValue;
        try (Recycler.Scope ignored = Recycler.open()) {
            lossValue = lossAndGradients(x0, t, eps, labels);
        }
        // 5. Clip, update, EMA.
        float gradNorm = GradClip.clipGradNorm(model.parameters(), config.gradClip());
        double lr = optimizer.lr();
        try (NoGrad ignored = NoGrad.enter()) {
            optimizer.step();
            ema.update();
        }
        step++;
        if (warmup != null) {
            warmup.step();
        }
        return new StepResult(step, lossValue, gradNorm, lr);
    }

    /** Steps 2-4 of {@link #step()}: the loss of one batch, and its gradients in the parameters' grads. */
    private float lossAndGradients(Tensor x0, Tensor t, Tensor eps, Tensor labels) {
        // 2. Diffuse (eq. 4) and predict.
        Tensor xt = q.qSample(x0, t, eps);
        Variable out = model.forward(new Variable(xt), t, labels);

        // 3. The loss: mean squared error to the target, per sample weighted by min-SNR-γ when asked.
        Tensor target = config.prediction().target(q, x0, eps, t);
        Variable perSample = out.sub(new Variable(target)).square().mean(new int[] {1, 2, 3}, false); // [N]
        if (config.minSnrGamma() > 0) {
            perSample = perSample.mul(new Variable(MinSnrWeighting.weights(schedule, t, config.prediction(), config.minSnrGamma())));
        }
        Variable loss = perSample.mean();
        float lossValue = loss.item();
        if (!Float.isFinite(lossValue)) {
            throw new TrainingDivergedException(step, lossValue);
        }

        // 4. Backward: the parameters' gradients.
        model.zeroGrad();
        loss.backward();
        return lossValue;
    }

    /** Labels with the null class put in with probability pUncond; null for an unconditional model. */
    private Tensor classifierFreeLabels(Tensor labels, int n) {
        int classes = config.unet().numClasses();
        if (classes == 0) {
            return null;
        }
        Tensor drop = Tensor.rand(rng, n).lt((float) config.pUncond()); // 1 where the label is dropped
        return Tensor.where(drop, Tensor.full(classes, n), labels);
    }

    /** The checkpoint of the current state (live tensors; save it before training on). */
    public Checkpoint checkpoint() {
        Map<String, String> state = new LinkedHashMap<>();
        state.put("rng", Checkpoint.longs(rng.state()));
        state.put("rng.dropout", Checkpoint.longs(model.dropoutGenerator().state()));
        state.put("data", Checkpoint.longs(loader.state().toArray()));
        return new Checkpoint(step, config, model.stateDict(), ema.stateDict(), optimizer.stateDict(), state);
    }

    public long stepCount() {
        return step;
    }

    public TrainConfig config() {
        return config;
    }

    public NoiseSchedule schedule() {
        return schedule;
    }

    public UNet model() {
        return model;
    }

    public Ema ema() {
        return ema;
    }
}
