package dev.sfumato.diffusion.cli;

import dev.sfumato.diffusion.model.UNet;
import dev.sfumato.diffusion.sampler.ClassifierFreeGuidance;
import dev.sfumato.diffusion.sampler.DdimSampler;
import dev.sfumato.diffusion.sampler.DdpmSampler;
import dev.sfumato.diffusion.sampler.Denoiser;
import dev.sfumato.diffusion.sampler.Sampler;
import dev.sfumato.diffusion.sampler.TimestepSpacing;
import dev.sfumato.diffusion.training.Checkpoint;
import dev.sfumato.diffusion.training.TrainConfig;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * What {@code sample} and {@code eval} share: finding the checkpoint (given, or shipped in the jar), rebuilding
 * its U-Net with the EMA weights, and building the sampler and the guided denoiser from the options.
 */
final class Sampling {

    /** Where the shipped Fashion-MNIST checkpoint lives on the classpath. */
    static final String SHIPPED = "/dev/sfumato/diffusion/checkpoint/fashion-mnist.safetensors";

    /**
     * A checkpoint's model, ready to sample.
     *
     * @param file   the checkpoint file it came from
     * @param step   the training step it was saved at
     * @param config the training config saved in it (U-Net shape, schedule, prediction type)
     * @param model  the U-Net with the EMA weights (the raw weights if the file has no EMA), in eval mode
     */
    record Model(Path file, long step, TrainConfig config, UNet model) {

        /** Classes of a class-conditional model, 0 for an unconditional one. */
        int numClasses() {
            return config.unet().numClasses();
        }

        /** The shape [N, C, H, W] of a batch of n samples. */
        int[] shape(int n) {
            return new int[] {n, config.unet().imageChannels(), config.unet().imageSize(), config.unet().imageSize()};
        }

        /** The model itself, or classifier-free guidance at scale w when w ≠ 1 (Ho &amp; Salimans 2022). */
        Denoiser denoiser(double guidanceScale) {
            return guidanceScale == 1.0 ? model : new ClassifierFreeGuidance(model, guidanceScale, numClasses());
        }
    }

    private Sampling() {}

    /** {@code given}, else the checkpoint shipped in the jar, else null. */
    static Path checkpointOrShipped(Path given) throws IOException {
        return given != null ? given : shippedCheckpoint();
    }

    /** Loads a checkpoint and rebuilds its U-Net from the saved config. */
    static Model load(Path file) throws IOException {
        Checkpoint c = Checkpoint.load(file);
        UNet model = new UNet(c.config().unet(), 0);
        try {
            model.loadStateDict(c.ema().isEmpty() ? c.model() : c.ema(), true);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": the weights do not match the checkpoint's config: " + e.getMessage(), e);
        }
        model.eval();
        return new Model(file, c.step(), c.config(), model);
    }

    /**
     * The sampler the options name: {@code ddim} (with {@code steps}, η and the timestep spacing) or
     * {@code ddpm} (always T steps, with the given variance), predicting what the model was trained to.
     */
    static Sampler sampler(TrainConfig config, String name, int steps, double eta, String spacing, String variance) {
        return switch (name) {
            case "ddim" -> new DdimSampler(config.noiseSchedule(), steps).eta(eta)
                    .spacing(TimestepSpacing.valueOf(spacing.toUpperCase())).predictionType(config.prediction());
            case "ddpm" -> new DdpmSampler(config.noiseSchedule()).variance(ddpmVariance(variance))
                    .predictionType(config.prediction());
            default -> throw new IllegalArgumentException("--sampler must be ddim or ddpm, got '" + name + "'");
        };
    }

    /** The number of network evaluations a sampler takes: {@code steps} for DDIM, T for DDPM. */
    static int totalSteps(TrainConfig config, String name, int steps) {
        return name.equals("ddpm") ? config.timesteps() : steps;
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
        try (InputStream in = Sampling.class.getResourceAsStream(SHIPPED)) {
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
