package dev.sfumato.diffusion.cli;

import dev.sfumato.diffusion.io.ImageGrid;
import dev.sfumato.diffusion.model.UNet;
import dev.sfumato.diffusion.model.UNetConfig;
import dev.sfumato.diffusion.sampler.ClassifierFreeGuidance;
import dev.sfumato.diffusion.sampler.DdimSampler;
import dev.sfumato.diffusion.sampler.DdpmSampler;
import dev.sfumato.diffusion.sampler.Denoiser;
import dev.sfumato.diffusion.sampler.SamplingListener;
import dev.sfumato.diffusion.sampler.TimestepSpacing;
import dev.sfumato.diffusion.schedule.NoiseSchedule;
import dev.sfumato.diffusion.training.Checkpoint;
import dev.sfumato.diffusion.training.TrainConfig;
import dev.sfumato.tensor.Generator;
import dev.sfumato.tensor.Parallel;
import dev.sfumato.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code sfumato sample}: new images from a checkpoint's EMA weights, as a grid PNG, optionally one PNG per
 * image and an x̂₀ trajectory strip. Without {@code --checkpoint} it uses the checkpoint shipped in the jar.
 */
@Command(name = "sample", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Sample images from a trained DDPM (DDPM ancestral or DDIM, optional classifier-free guidance).")
final class SampleCommand implements Callable<Integer> {

    /** Where the shipped Fashion-MNIST checkpoint lives on the classpath. */
    static final String SHIPPED = "/dev/sfumato/diffusion/checkpoint/fashion-mnist.safetensors";

    @Option(names = "--checkpoint", description = "Checkpoint file (default: the Fashion-MNIST model shipped in the jar).")
    Path checkpoint;

    @Option(names = "--sampler", defaultValue = "ddim", description = "ddim | ddpm (default: ${DEFAULT-VALUE}).")
    String sampler;

    @Option(names = "--steps", defaultValue = "50", description = "DDIM steps (DDPM always takes T) (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--eta", defaultValue = "0", description = "DDIM η: 0 deterministic, 1 DDPM-like (default: ${DEFAULT-VALUE}).")
    double eta;

    @Option(names = "--spacing", defaultValue = "trailing", description = "DDIM timestep spacing: linspace | leading | trailing | quad (default: ${DEFAULT-VALUE}).")
    String spacing;

    @Option(names = "--variance", defaultValue = "fixedlarge", description = "DDPM variance: fixedlarge | fixedsmall (default: ${DEFAULT-VALUE}).")
    String variance;

    @Option(names = "--n", defaultValue = "64", description = "Number of images (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--class", description = "Class index for a class-conditional model (default: one class per row).")
    Integer classIndex;

    @Option(names = "--guidance", defaultValue = "1.0", description = "Classifier-free guidance scale w; 1 = plain conditional (default: ${DEFAULT-VALUE}).")
    double guidance;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the noise (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", defaultValue = "samples.png", description = "Grid PNG (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--nrow", defaultValue = "8", description = "Images per grid row (default: ${DEFAULT-VALUE}).")
    int nrow;

    @Option(names = "--individual", description = "Also write each image as a PNG into this directory.")
    Path individual;

    @Option(names = "--trajectory", description = "Also write an x̂₀ trajectory strip (first 8 images × 10 steps) to this PNG.")
    Path trajectory;

    @Option(names = "--threads", description = "Worker threads (default: all cores).")
    Integer threads;

    @Override
    public Integer call() throws IOException {
        if (threads != null) {
            Parallel.setThreads(threads);
        }
        Path file = checkpoint != null ? checkpoint : shippedCheckpoint();
        if (file == null) {
            System.err.println("sample: no --checkpoint given and this build ships none; train one with ./sfumato train");
            return 2;
        }
        Checkpoint c = Checkpoint.load(file);
        TrainConfig config = c.config();
        UNetConfig u = config.unet();
        UNet model = new UNet(u, 0);
        try {
            model.loadStateDict(c.ema().isEmpty() ? c.model() : c.ema(), true);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": the weights do not match the checkpoint's config: " + e.getMessage(), e);
        }
        model.eval();

        // Labels: the requested class, or classes cycling by row; the guidance wrapper doubles the batch.
        Tensor labels = null;
        Denoiser denoiser = model;
        if (u.numClasses() > 0) {
            float[] l = new float[count];
            for (int i = 0; i < count; i++) {
                l[i] = classIndex != null ? classIndex : (i / nrow) % u.numClasses();
            }
            labels = Tensor.wrap(l, count);
            if (guidance != 1.0) {
                denoiser = new ClassifierFreeGuidance(model, guidance, u.numClasses());
            }
        } else if (classIndex != null) {
            System.err.println("sample: --class given but the model is unconditional (trained without --classes)");
            return 2;
        }

        NoiseSchedule schedule = config.noiseSchedule();
        int[] shape = {count, u.imageChannels(), u.imageSize(), u.imageSize()};
        List<Tensor> snapshots = new ArrayList<>();
        int totalSteps = sampler.equals("ddpm") ? schedule.numTimesteps() : steps;
        int every = Math.max(1, totalSteps / 10);
        SamplingListener listener = trajectory == null ? SamplingListener.NONE : (i, t, xt, x0) -> {
            if (i % every == every - 1 || i == totalSteps - 1) {
                snapshots.add(x0.narrow(0, 0, Math.min(8, count)).clone());
            }
        };
        long t0 = System.nanoTime();
        Tensor images = switch (sampler) {
            case "ddim" -> new DdimSampler(schedule, steps).eta(eta).spacing(TimestepSpacing.valueOf(spacing.toUpperCase()))
                    .predictionType(config.prediction()).sample(denoiser, shape, labels, new Generator(seed), listener);
            case "ddpm" -> new DdpmSampler(schedule).variance(ddpmVariance(variance))
                    .predictionType(config.prediction()).sample(denoiser, shape, labels, new Generator(seed), listener);
            default -> throw new IllegalArgumentException("--sampler must be ddim or ddpm, got '" + sampler + "'");
        };
        double seconds = (System.nanoTime() - t0) / 1e9;
        ImageGrid.writePng(images, nrow, 2, out);
        System.err.printf("%d images, %s %d steps, %.1f s on %d thread(s) -> %s%n", count, sampler, totalSteps, seconds,
                Parallel.threads(), out);
        if (individual != null) {
            ImageGrid.writeEach(images, individual, "sample");
        }
        if (trajectory != null) {
            ImageGrid.writeTrajectory(snapshots, 2, trajectory);
        }
        return 0;
    }

    private static DdpmSampler.Variance ddpmVariance(String name) {
        return switch (name) {
            case "fixedlarge" -> DdpmSampler.Variance.FIXED_LARGE;
            case "fixedsmall" -> DdpmSampler.Variance.FIXED_SMALL;
            default -> throw new IllegalArgumentException("--variance must be fixedlarge or fixedsmall, got '" + name + "'");
        };
    }

    /** The shipped checkpoint, copied out of the jar to a temp file (safetensors reads files), or null. */
    static Path shippedCheckpoint() throws IOException {
        try (InputStream in = SampleCommand.class.getResourceAsStream(SHIPPED)) {
            if (in == null) {
                return null;
            }
            Path tmp = Files.createTempFile("sfumato-fashion-mnist", ".safetensors");
            tmp.toFile().deleteOnExit();
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            return tmp;
        }
    }
}
