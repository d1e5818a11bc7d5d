package dev.sfumato.diffusion.eval;

import dev.sfumato.diffusion.data.ImageDataset;
import dev.sfumato.tensor.Generator;
import dev.sfumato.tensor.Tensor;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * The Fréchet Inception Distance (Heusel et al. 2017) of generated images against a reference dataset,
 * with a real-vs-real baseline at the same sample count.
 *
 * <p>FID depends strongly on the number of samples n (it is biased upwards for small n), so a number alone
 * says little. For n generated images this class draws 2n distinct reference images by a seeded
 * permutation, splits them into disjoint sets A and B of n each, and reports
 * <ul>
 *   <li>FID = d²(generated, A), and</li>
 *   <li>the baseline d²(B, A): what a perfect generator would score at this n.</li>
 * </ul>
 * Both use {@link FeatureStats} over the {@link FeatureExtractor}'s features and {@link FrechetDistance}.
 * The reference must hold at least 2n images. Defaults: batch size 256 for feature extraction.
 */
public final class Fid {

    /** Images per call to the feature extractor, unless given. */
    public static final int DEFAULT_BATCH_SIZE = 256;

    /**
     * One FID measurement.
     *
     * @param fid            d²(generated, reference set A)
     * @param realVsReal     d²(reference set B, reference set A), the floor at this sample count
     * @param samples        n: generated images, and images in each reference set
     * @param reference      what the reference is, e.g. "Fashion-MNIST test split"
     * @param referenceSize  images in the whole reference dataset
     * @param featureDim     D of the features
     * @param seed           the seed that chose the reference sets
     */
    public record Result(double fid, double realVsReal, int samples, String reference, int referenceSize,
                         int featureDim, long seed) {

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "FID %.3f (%d generated vs %d images of %s [%d]; real-vs-real"
                            + " baseline %.3f with two disjoint sets of %d; %d-d features; seed %d)", fid, samples,
                    samples, reference, referenceSize, realVsReal, samples, featureDim, seed);
        }
    }

    private Fid() {}

    /** FID of {@code generated} [N, C, H, W] in [−1, 1] against {@code reference}, batch size 256. */
    public static Result compute(FeatureExtractor extractor, Tensor generated, ImageDataset reference,
                                 String referenceName, long seed) {
        return compute(extractor, generated, reference, referenceName, seed, DEFAULT_BATCH_SIZE);
    }

    /** FID of {@code generated} [N, C, H, W] in [−1, 1] against {@code reference}. */
    public static Result compute(FeatureExtractor extractor, Tensor generated, ImageDataset reference,
                                 String referenceName, long seed, int batchSize) {
        Objects.requireNonNull(extractor, "extractor");
        if (generated.dim() != 4) {
            throw new IllegalArgumentException("generated images must be [N, C, H, W], got "
                    + Arrays.toString(generated.shape()));
        }
        int n = generated.size(0);
        reference.requireImageSize(generated.size(1), generated.size(2), generated.size(3));
        if (n < 2) {
            throw new IllegalArgumentException("FID needs at least 2 generated images for a covariance, got " + n);
        }
        if (2L * n > reference.size()) {
            throw new IllegalArgumentException("the real-vs-real baseline needs two disjoint sets of " + n
                    + " reference images, but " + referenceName + " holds " + reference.size() + "; generate at most "
                    + reference.size() / 2 + " images");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        // 1. Two disjoint reference sets of n, by a seeded permutation.
        int[] order = permutation(reference.size(), seed);
        // 2. Feature statistics of the three sets.
        FeatureStats gen = new FeatureStats(extractor.dim());
        for (int start = 0; start < n; start += batchSize) {
            int count = Math.min(batchSize, n - start);
            gen.add(checkedFeatures(extractor, generated.narrow(0, start, count))); // [count, D]
        }
        FeatureStats setA = referenceStats(extractor, reference, order, 0, n, batchSize);
        FeatureStats setB = referenceStats(extractor, reference, order, n, n, batchSize);
        // 3. The two distances.
        double fid = FrechetDistance.compute(gen, setA);
        double baseline = FrechetDistance.compute(setB, setA);
        return new Result(fid, baseline, n, referenceName, reference.size(), extractor.dim(), seed);
    }

    private static FeatureStats referenceStats(FeatureExtractor extractor, ImageDataset reference, int[] order,
                                               int from, int n, int batchSize) {
        FeatureStats stats = new FeatureStats(extractor.dim());
        int per = reference.channels() * reference.height() * reference.width();
        for (int start = 0; start < n; start += batchSize) {
            int count = Math.min(batchSize, n - start);
            float[] images = new float[count * per]; // [count, C, H, W]
            for (int s = 0; s < count; s++) {
                reference.copyImage(order[from + start + s], images, s * per);
            }
            Tensor batch = Tensor.wrap(images, count, reference.channels(), reference.height(), reference.width());
            stats.add(checkedFeatures(extractor, batch));
        }
        return stats;
    }

    private static Tensor checkedFeatures(FeatureExtractor extractor, Tensor images) {
        Tensor f = extractor.features(images);
        if (f.dim() != 2 || f.size(0) != images.size(0) || f.size(1) != extractor.dim()) {
            throw new IllegalStateException("the feature extractor returned " + Arrays.toString(f.shape())
                    + " for " + images.size(0) + " images; expected [" + images.size(0) + ", " + extractor.dim() + "]");
        }
        return f;
    }

    /** A seeded Fisher–Yates permutation of [0, size). */
    private static int[] permutation(int size, long seed) {
        long key = new Generator(seed).nextStreamKey();
        int[] p = new int[size];
        for (int i = 0; i < size; i++) {
            p[i] = i;
        }
        for (int i = size - 1; i > 0; i--) {
            int j = (int) (Generator.uniformDouble(key, i) * (i + 1));
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
