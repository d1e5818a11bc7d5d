package dev.sfumato.diffusion.cli;

import dev.sfumato.diffusion.data.IdxDataset;
import dev.sfumato.diffusion.data.ImageDataset;
import dev.sfumato.diffusion.io.CsvLog;
import dev.sfumato.diffusion.io.ImageGrid;
import dev.sfumato.diffusion.io.LossCurve;
import dev.sfumato.diffusion.io.ProgressBar;
import dev.sfumato.diffusion.model.UNetConfig;
import dev.sfumato.diffusion.sampler.DdimSampler;
import dev.sfumato.diffusion.sampler.SamplingListener;
import dev.sfumato.diffusion.training.Checkpoint;
import dev.sfumato.diffusion.training.TrainConfig;
import dev.sfumato.diffusion.training.Trainer;
import dev.sfumato.diffusion.training.TrainingDivergedException;
import dev.sfumato.nn.optim.Ema;
import dev.sfumato.tensor.Generator;
import dev.sfumato.tensor.Parallel;
import dev.sfumato.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code sfumato train}: trains a DDPM U-Net, writing checkpoints, a CSV log, a loss curve and sample grids
 * into {@code --out}. Ctrl-C saves a checkpoint before exiting; {@code --resume} continues exactly.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train a DDPM U-Net (Ho et al. 2020) on Fashion-MNIST or your own images.")
final class TrainCommand implements Callable<Integer> {

    @Option(names = "--data", defaultValue = "auto", description = "auto | bundled | DIR with IDX files | DIR of PNG/JPEG images (default: ${DEFAULT-VALUE}).")
    String data;

    @Option(names = "--out", defaultValue = "runs/fashion-mnist", description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--resume", description = "Continue from a checkpoint file, or 'latest' in --out.")
    String resume;

    @Option(names = "--steps", description = "Total optimisation steps (default: 20000; on --resume, the run's own total).")
    Integer steps;

    @Option(names = "--batch", defaultValue = "64", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", defaultValue = "2e-4", description = "Adam learning rate (default: ${DEFAULT-VALUE}, Ho et al. 2020).")
    double lr;

    @Option(names = "--warmup", defaultValue = "500", description = "Linear warmup steps (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--ema-decay", defaultValue = "0.9999", description = "EMA decay, with warmup (default: ${DEFAULT-VALUE}).")
    double emaDecay;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of weights, data order and noise (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--classes", description = "Class-conditional training with classifier-free guidance (uses the dataset's labels).")
    boolean classes;

    @Option(names = "--flip", description = "Random horizontal flips.")
    boolean flip;

    @Option(names = "--base-channels", defaultValue = "32", description = "U-Net base channels (default: ${DEFAULT-VALUE}).")
    int baseChannels;

    @Option(names = "--channel-mults", defaultValue = "1,2,2", split = ",", description = "Channel multipliers per level (default: ${DEFAULT-VALUE}).")
    int[] channelMults;

    @Option(names = "--res-blocks", defaultValue = "2", description = "ResBlocks per level (default: ${DEFAULT-VALUE}).")
    int resBlocks;

    @Option(names = "--attention", split = ",", description = "Feature-map sizes with attention, e.g. 14 (middle always has it).")
    int[] attention = new int[0];

    @Option(names = "--dropout", defaultValue = "0.1", description = "Dropout in ResBlocks (default: ${DEFAULT-VALUE}).")
    double dropout;

    @Option(names = "--checkpoint-every", defaultValue = "1000", description = "Steps between checkpoints (default: ${DEFAULT-VALUE}).")
    int checkpointEvery;

    @Option(names = "--sample-every", defaultValue = "1000", description = "Steps between sample grids, 0 for none (default: ${DEFAULT-VALUE}).")
    int sampleEvery;

    @Option(names = "--log-every", defaultValue = "10", description = "Steps between log rows (default: ${DEFAULT-VALUE}).")
    int logEvery;

    @Option(names = "--threads", description = "Worker threads (default: all cores).")
    Integer threads;

    private volatile boolean stopRequested;
    private final CountDownLatch finished = new CountDownLatch(1);

    @Override
    public Integer call() throws IOException {
        if (threads != null) {
            Parallel.setThreads(threads);
        }
        Path ckptDir = out.resolve("checkpoints");
        Trainer trainer;
        ImageDataset dataset;
        if (resume != null) {
            Path file = resume.equals("latest") ? Checkpoint.latest(ckptDir) : Path.of(resume);
            if (file == null || !Files.exists(file)) {
                System.err.println("train: no checkpoint to resume from (" + (file == null ? ckptDir + " is empty" : file + " does not exist") + ")");
                return 2;
            }
            TrainConfig saved = Checkpoint.load(file).config();
            dataset = DataOption.resolve(data, IdxDataset.Split.TRAIN, saved.unet().imageSize(), saved.unet().imageChannels());
            trainer = Trainer.resume(file, dataset);
            System.err.println("resuming " + file + " at step " + trainer.stepCount());
        } else {
            dataset = DataOption.resolve(data, IdxDataset.Split.TRAIN, 28, 1);
            UNetConfig unet = new UNetConfig(dataset.channels(), dataset.height(), baseChannels, channelMults, resBlocks,
                    attention, dropout, classes ? dataset.numClasses() : 0, 1);
            TrainConfig config = TrainConfig.defaults(unet).withRun(batch, steps == null ? 20_000 : steps, seed, checkpointEvery,
                    sampleEvery, logEvery)
                    .withOptimisation(lr, warmup, emaDecay, flip);
            trainer = new Trainer(config, dataset);
        }
        TrainConfig config = trainer.config();
        int total = Math.max(steps != null ? steps : config.steps(), (int) trainer.stepCount());
        Files.createDirectories(out);
        System.err.printf("%s%n%,d parameters; %,d images; %d steps at batch %d; %d thread(s); writing to %s%n",
                config.unet(), trainer.model().parameterCount(), dataset.size(), total, config.batchSize(), Parallel.threads(), out);

        // Ctrl-C: ask the loop to stop after the current step and save; wait for it before the JVM exits.
        Thread hook = new Thread(() -> {
            stopRequested = true;
            try {
                finished.await(120, TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "sfumato-save-on-exit");
        Runtime.getRuntime().addShutdownHook(hook);

        List<Long> curveSteps = new ArrayList<>();
        List<Double> curveLoss = new ArrayList<>();
        try (CsvLog log = resume != null ? CsvLog.openResuming(out.resolve("log.csv"), trainer.stepCount()) : CsvLog.open(out.resolve("log.csv"));
             ProgressBar bar = ProgressBar.create("train", total, trainer.stepCount())) {
            readCurve(log.file(), curveSteps, curveLoss); // a resumed run's curve starts at step 1, not at the resume

            long t0 = System.nanoTime();
            long stepsAtT0 = trainer.stepCount();
            while (trainer.stepCount() < total && !stopRequested) {
                Trainer.StepResult r;
                try {
                    r = trainer.step();
                } catch (TrainingDivergedException e) {
                    bar.close();
                    Path last = Checkpoint.latest(ckptDir);
                    System.err.println("train: " + e.getMessage() + " Last good checkpoint: " + (last == null ? "none yet" : last));
                    return 3;
                }
                bar.update(r.step(), r.loss());
                if (r.step() % config.logEvery() == 0) {
                    double itPerS = (r.step() - stepsAtT0) / ((System.nanoTime() - t0) / 1e9);
                    log.append(r.step(), r.loss(), r.lr(), r.gradNorm(), itPerS);
                    curveSteps.add(r.step());
                    curveLoss.add((double) r.loss());
                }
                if (config.sampleEvery() > 0 && r.step() % config.sampleEvery() == 0) {
                    writeSamples(trainer, out.resolve("samples").resolve(String.format("step-%08d.png", r.step())));
                }
                if (r.step() % config.checkpointEvery() == 0 || r.step() == total) {
                    save(trainer, ckptDir, curveSteps, curveLoss);
                }
            }
            if (stopRequested && trainer.stepCount() % config.checkpointEvery() != 0) {
                bar.close();
                System.err.println("interrupted: saving a checkpoint at step " + trainer.stepCount());
                save(trainer, ckptDir, curveSteps, curveLoss);
            }
        } finally {
            finished.countDown();
            if (!stopRequested) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException ignored) {
                    // already shutting down
                }
            }
        }
        System.err.println("done: " + Checkpoint.latest(ckptDir));
        return 0;
    }

    /** The (step, loss) rows already in the CSV log, for the loss curve. */
    private static void readCurve(Path csv, List<Long> steps, List<Double> losses) throws IOException {
        for (String line : Files.readAllLines(csv)) {
            String[] f = line.split(",");
            if (f.length >= 2 && !f[0].equals("step")) {
                steps.add(Long.parseLong(f[0]));
                losses.add(Double.parseDouble(f[1]));
            }
        }
    }

    private void save(Trainer trainer, Path ckptDir, List<Long> curveSteps, List<Double> curveLoss) throws IOException {
        Path file = trainer.checkpoint().save(ckptDir, trainer.config().keepCheckpoints());
        if (curveSteps.size() > 1) {
            long[] s = curveSteps.stream().mapToLong(Long::longValue).toArray();
            double[] l = curveLoss.stream().mapToDouble(Double::doubleValue).toArray();
            // Smooth over about 100 steps whatever the log interval: β per logged row = 0.99^(steps per row).
            // (A fixed 0.98 per row averaged over 500 steps at --log-every 10, and lagged far behind the loss.)
            double beta = Math.pow(0.99, trainer.config().logEvery());
            LossCurve.of(s, l).title("training loss").logY(true).ema(beta).writePng(out.resolve("loss.png"));
        }
        System.err.println("\ncheckpoint " + file);
    }

    /** A 8×8 grid from the EMA weights with DDIM-50 (seed 0, so grids are comparable across steps). */
    private static void writeSamples(Trainer trainer, Path file) throws IOException {
        Ema ema = trainer.ema();
        var c = trainer.config().unet();
        try (Ema.Swap ignored = ema.swapInto()) {
            trainer.model().eval();
            Tensor labels = null;
            if (c.numClasses() > 0) {
                float[] l = new float[64];
                for (int i = 0; i < 64; i++) {
                    l[i] = (i / 8) % c.numClasses(); // one class per row
                }
                labels = Tensor.wrap(l, 64);
            }
            Tensor x = new DdimSampler(trainer.schedule(), 50).sample(trainer.model(), new int[] {64, c.imageChannels(), c.imageSize(), c.imageSize()},
                    labels, new Generator(0), SamplingListener.NONE);
            Files.createDirectories(file.getParent());
            ImageGrid.writePng(x, 8, 2, file);
        } finally {
            trainer.model().train();
        }
    }
}
