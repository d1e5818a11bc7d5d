package dev.sfumato.diffusion.cli;

import dev.sfumato.diffusion.io.ImageGrid;
import dev.sfumato.diffusion.sampler.Denoiser;
import dev.sfumato.diffusion.sampler.SamplingListener;
import dev.sfumato.tensor.Generator;
import dev.sfumato.tensor.Parallel;
import dev.sfumato.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
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
        Path file = Sampling.checkpointOrShipped(checkpoint);
        if (file == null) {
            System.err.println("sample: no --checkpoint given and this build ships none; train one with ./sfumato train");
            return 2;
        }
        Sampling.Model m = Sampling.load(file);

        // Labels: the requested class, or classes cycling by row; the guidance wrapper doubles the batch.
        Tensor labels = null;
        if (m.numClasses() > 0) {
            float[] l = new float[count];
            for (int i = 0; i < count; i++) {
                l[i] = classIndex != null ? classIndex : (i / nrow) % m.numClasses();
            }
            labels = Tensor.wrap(l, count);
        } else if (classIndex != null) {
            System.err.println("sample: --class given but the model is unconditional (trained without --classes)");
            return 2;
        }
        Denoiser denoiser = m.numClasses() > 0 ? m.denoiser(guidance) : m.model();

        List<Tensor> snapshots = new ArrayList<>();
        int totalSteps = Sampling.totalSteps(m.config(), sampler, steps);
        int every = Math.max(1, totalSteps / 10);
        SamplingListener listener = trajectory == null ? SamplingListener.NONE : (i, t, xt, x0) -> {
            if (i % every == every - 1 || i == totalSteps - 1) {
                snapshots.add(x0.narrow(0, 0, Math.min(8, count)).clone());
            }
        };
        long t0 = System.nanoTime();
        Tensor images = Sampling.sampler(m.config(), sampler, steps, eta, spacing, variance)
                .sample(denoiser, m.shape(count), labels, new Generator(seed), listener);
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
}
