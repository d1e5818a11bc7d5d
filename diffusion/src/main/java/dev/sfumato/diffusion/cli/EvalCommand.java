package dev.sfumato.diffusion.cli;

import dev.sfumato.diffusion.data.BundledDataset;
import dev.sfumato.diffusion.data.IdxDataset;
import dev.sfumato.diffusion.data.ImageDataset;
import dev.sfumato.diffusion.eval.ClassifierFeatures;
import dev.sfumato.diffusion.eval.Fid;
import dev.sfumato.diffusion.sampler.Sampler;
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
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code sfumato eval}: FID (Heusel et al. 2017) of a checkpoint's samples in the feature space of the
 * Fashion-MNIST classifier ({@link ClassifierFeatures}), against the Fashion-MNIST test split, with the
 * real-vs-real baseline at the same sample count.
 *
 * <p>For a class-conditional model it samples n images with balanced labels (image i gets class i mod K)
 * at each classifier-free guidance scale, and reports FID and the classifier's accuracy on those samples,
 * overall and per class: guidance should raise accuracy (samples look more like their class) and, past some
 * scale, worsen FID (less diversity), the trade-off of Ho &amp; Salimans 2022, fig. 4.
 */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = "FID of a DDPM's samples in the Fashion-MNIST classifier's feature space, with a real-vs-real baseline.")
final class EvalCommand implements Callable<Integer> {

    @Option(names = "--checkpoint", description = "Checkpoint file (default: the Fashion-MNIST model shipped in the jar).")
    Path checkpoint;

    @Option(names = "--sampler", defaultValue = "ddim", description = "ddim | ddpm (default: ${DEFAULT-VALUE}).")
    String sampler;

    @Option(names = "--steps", defaultValue = "50", description = "DDIM steps (DDPM always takes T) (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--eta", defaultValue = "0", description = "DDIM η (default: ${DEFAULT-VALUE}).")
    double eta;

    @Option(names = "--spacing", defaultValue = "trailing", description = "DDIM timestep spacing: linspace | leading | trailing | quad (default: ${DEFAULT-VALUE}).")
    String spacing;

    @Option(names = "--variance", defaultValue = "fixedlarge", description = "DDPM variance: fixedlarge | fixedsmall (default: ${DEFAULT-VALUE}).")
    String variance;

    @Option(names = "--n", defaultValue = "1000", description = "Generated images per FID; the reference must hold 2n (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--batch", defaultValue = "100", description = "Images sampled at once (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the noise and of the reference sets (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--data", defaultValue = "auto", description = "Reference images: auto (the Fashion-MNIST test split if installed, else the subset bundled in the jar) | bundled | DIR with IDX files (default: ${DEFAULT-VALUE}).")
    String data;

    @Option(names = "--classifier", description = "Classifier weights written by sfumato classifier (default: the one shipped in the jar).")
    Path classifier;

    @Option(names = "--guidance-scales", defaultValue = "1,2,4", split = ",", description = "Classifier-free guidance scales for a class-conditional model (default: ${DEFAULT-VALUE}).")
    double[] guidanceScales;

    @Option(names = "--threads", description = "Worker threads (default: all cores).")
    Integer threads;

    /** The reference images and what to call them in the report. */
    private record Reference(ImageDataset images, String name) {}

    @Override
    public Integer call() throws IOException {
        if (threads != null) {
            Parallel.setThreads(threads);
        }
        if (count < 2 || batch < 1) {
            System.err.println("eval: --n must be >= 2 (a covariance needs two samples) and --batch >= 1");
            return 2;
        }
        Path file = Sampling.checkpointOrShipped(checkpoint);
        if (file == null) {
            System.err.println("eval: no --checkpoint given and this build ships none; train one with ./sfumato train,"
                    + " or pass --checkpoint FILE");
            return 2;
        }
        Sampling.Model m = Sampling.load(file);
        Reference reference = reference();
        ClassifierFeatures features = classifier != null ? ClassifierFeatures.load(classifier) : ClassifierFeatures.shipped();
        Sampler s = Sampling.sampler(m.config(), sampler, steps, eta, spacing, variance);
        System.out.printf(Locale.ROOT, "checkpoint %s (step %d, %s); %s %d steps; %d samples per FID; reference: %s"
                        + " (%,d images); features: %s%n", checkpoint != null ? file : "shipped in the jar", m.step(),
                m.numClasses() > 0 ? m.numClasses() + " classes" : "unconditional", sampler,
                Sampling.totalSteps(m.config(), sampler, steps), count, reference.name(), reference.images().size(),
                classifier != null ? classifier : "the shipped Fashion-MNIST CNN (128-d)");

        if (m.numClasses() == 0) {
            Tensor images = sample(m, s, 1.0, null);
            System.out.println(Fid.compute(features, images, reference.images(), reference.name(), seed));
            return 0;
        }
        // Class-conditional: balanced labels, one FID and one accuracy table per guidance scale.
        float[] l = new float[count];
        for (int i = 0; i < count; i++) {
            l[i] = i % m.numClasses();
        }
        Tensor labels = Tensor.wrap(l, count); // [n]
        for (double w : guidanceScales) {
            Tensor images = sample(m, s, w, labels);
            Fid.Result fid = Fid.compute(features, images, reference.images(), reference.name(), seed);
            System.out.printf(Locale.ROOT, "guidance %.2f: %s%n", w, fid);
            System.out.printf(Locale.ROOT, "guidance %.2f: classifier accuracy on the samples %.3f; per class %s%n", w,
                    features.accuracy(images, labels), perClassAccuracy(features.predict(images), l, m.numClasses()));
        }
        return 0;
    }

    /** n samples [n, C, H, W] in batches of --batch, all noise from one generator seeded with --seed. */
    private Tensor sample(Sampling.Model m, Sampler s, double guidance, Tensor labels) {
        Generator g = new Generator(seed);
        List<Tensor> parts = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int start = 0; start < count; start += batch) {
            int n = Math.min(batch, count - start);
            Tensor y = labels == null ? null : labels.narrow(0, start, n); // [n]
            parts.add(s.sample(m.denoiser(guidance), m.shape(n), y, g)); // [n, C, H, W]
            System.err.printf("\rsampled %d/%d", start + n, count);
        }
        System.err.printf(Locale.ROOT, "\rsampled %d images in %.1f s on %d thread(s)%n", count,
                (System.nanoTime() - t0) / 1e9, Parallel.threads());
        return Tensor.cat(parts, 0);
    }

    /** The Fashion-MNIST test split, or the bundled training subset when it is not installed (saying so). */
    private Reference reference() throws IOException {
        if (data.equals("bundled")) {
            return new Reference(BundledDataset.fashionMnistSubset(), "the bundled 6,000-image Fashion-MNIST training subset");
        }
        if (data.equals("auto")) {
            if (Files.isDirectory(IdxDataset.DEFAULT_DIR)) {
                return new Reference(IdxDataset.loadFashionMnist(IdxDataset.DEFAULT_DIR, IdxDataset.Split.TEST),
                        "the Fashion-MNIST test split");
            }
            System.err.println("note: " + IdxDataset.DEFAULT_DIR + " not found; the reference is the 6,000-image training"
                    + " subset bundled in the jar, so FIDs are not comparable with test-split ones. " + DataOption.HOW_TO_GET);
            return new Reference(BundledDataset.fashionMnistSubset(), "the bundled 6,000-image Fashion-MNIST training subset");
        }
        Path dir = Path.of(data);
        return new Reference(IdxDataset.loadFashionMnist(dir, IdxDataset.Split.TEST), "the test split in " + dir);
    }

    /** "T-shirt/top 0.950, ..." style list: the fraction of samples of each class the classifier labels so. */
    private static String perClassAccuracy(Tensor predicted, float[] labels, int numClasses) {
        float[] p = predicted.toArray();
        int[] right = new int[numClasses];
        int[] total = new int[numClasses];
        for (int i = 0; i < labels.length; i++) {
            int k = (int) labels[i];
            total[k]++;
            if (p[i] == labels[i]) {
                right[k]++;
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < numClasses; k++) {
            String name = k < IdxDataset.FASHION_MNIST_CLASSES.size() ? IdxDataset.FASHION_MNIST_CLASSES.get(k) : "class " + k;
            sb.append(k == 0 ? "" : ", ").append(name).append(' ')
                    .append(total[k] == 0 ? "-" : String.format(Locale.ROOT, "%.2f", right[k] / (double) total[k]));
        }
        return sb.toString();
    }
}
