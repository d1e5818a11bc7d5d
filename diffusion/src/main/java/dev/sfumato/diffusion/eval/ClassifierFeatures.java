package dev.sfumato.diffusion.eval;

import dev.sfumato.autograd.NoGrad;
import dev.sfumato.autograd.Variable;
import dev.sfumato.diffusion.data.ImageDataset;
import dev.sfumato.nn.examples.FashionMnistCnn;
import dev.sfumato.nn.serialization.Safetensors;
import dev.sfumato.tensor.Generator;
import dev.sfumato.tensor.Tensor;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;

/**
 * FID features from a trained {@link FashionMnistCnn}: the 128 ReLU activations of its penultimate layer,
 * standing in for Inception-v3's 2048-d pool features (Heusel et al. 2017) on 28×28 grey images.
 *
 * <p>{@link #shipped()} loads the classifier trained by {@code sfumato classifier} and shipped in the jar
 * ({@value #SHIPPED}); {@link #load(Path)} any file that command wrote. The model runs in eval mode (no
 * dropout) without recording a graph. Images are [N, 1, 28, 28] in [−1, 1]; features [N, 128].
 */
public final class ClassifierFeatures implements FeatureExtractor {

    /** Where the shipped classifier lives on the classpath. */
    public static final String SHIPPED = "/dev/sfumato/diffusion/eval/fashion-mnist-cnn.safetensors";

    /** The {@code format} field of the metadata that {@code sfumato classifier} writes. */
    public static final String FORMAT = "sfumato-fashion-mnist-cnn-v1";

    private final FashionMnistCnn model;

    /** Features of {@code model}, which is switched to eval mode. */
    public ClassifierFeatures(FashionMnistCnn model) {
        this.model = model;
        model.eval();
    }

    /** The classifier shipped in the jar. */
    public static ClassifierFeatures shipped() throws IOException {
        try (InputStream in = ClassifierFeatures.class.getResourceAsStream(SHIPPED)) {
            if (in == null) {
                throw new IOException("the classifier " + SHIPPED + " is missing from the classpath; train one with"
                        + " ./sfumato classifier and pass it with --classifier FILE");
            }
            // Safetensors reads files, so a resource inside a jar is copied out first.
            Path tmp = Files.createTempFile("sfumato-fashion-mnist-cnn", ".safetensors");
            try {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                return load(tmp);
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /** A classifier written by {@code sfumato classifier}. */
    public static ClassifierFeatures load(Path file) throws IOException {
        FashionMnistCnn model = new FashionMnistCnn(new Generator(0));
        try {
            model.loadStateDict(Safetensors.load(file), true);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": not a FashionMnistCnn state dict: " + e.getMessage(), e);
        }
        return new ClassifierFeatures(model);
    }

    /** The classifier itself. */
    public FashionMnistCnn model() {
        return model;
    }

    /** The fc1 activations [N, 128] of images [N, 1, 28, 28] in [−1, 1]. */
    @Override
    public Tensor features(Tensor images) {
        try (NoGrad ignored = NoGrad.enter()) {
            return model.features(new Variable(images)).value(); // [N, 128]
        }
    }

    @Override
    public int dim() {
        return FashionMnistCnn.FEATURE_DIM;
    }

    /** The predicted class, argmax of the logits, of images [N, 1, 28, 28] in [−1, 1]: [N] as floats. */
    public Tensor predict(Tensor images) {
        try (NoGrad ignored = NoGrad.enter()) {
            return model.forward(new Variable(images)).value().argmax(1, false); // [N]
        }
    }

    /** The fraction of {@code labels} [N] that {@link #predict} gets right on {@code images}. */
    public double accuracy(Tensor images, Tensor labels) {
        Tensor predicted = predict(images);
        if (!Arrays.equals(predicted.shape(), labels.shape())) {
            throw new IllegalArgumentException("labels must be [" + images.size(0) + "], got "
                    + Arrays.toString(labels.shape()));
        }
        return predicted.eq(labels).sum().item() / (double) labels.size(0);
    }

    /** Accuracy on the first {@code count} images of a labeled dataset, in batches of 500. */
    public double accuracy(ImageDataset data, int count) {
        if (data.numClasses() == 0) {
            throw new IllegalArgumentException("accuracy needs a labeled dataset");
        }
        if (count < 1 || count > data.size()) {
            throw new IllegalArgumentException("count must be in [1, " + data.size() + "], got " + count);
        }
        int per = data.channels() * data.height() * data.width();
        long correct = 0;
        for (int start = 0; start < count; start += 500) {
            int n = Math.min(500, count - start);
            float[] pixels = new float[n * per]; // [n, C, H, W]
            float[] labels = new float[n];        // [n]
            for (int i = 0; i < n; i++) {
                data.copyImage(start + i, pixels, i * per);
                labels[i] = data.label(start + i);
            }
            Tensor images = Tensor.wrap(pixels, n, data.channels(), data.height(), data.width());
            correct += Math.round(accuracy(images, Tensor.wrap(labels, n)) * n);
        }
        return correct / (double) count;
    }
}
