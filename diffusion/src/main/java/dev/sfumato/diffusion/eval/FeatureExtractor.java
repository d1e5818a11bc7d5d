package dev.sfumato.diffusion.eval;

import dev.sfumato.tensor.Tensor;

/**
 * Maps images to feature vectors for {@link Fid}: for Fashion-MNIST, the penultimate layer of a trained
 * classifier, standing in for the Inception-v3 pool features of the original FID (Heusel et al. 2017).
 */
public interface FeatureExtractor {

    /** Features [N, D] of images [N, 1, 28, 28] in [−1, 1]; must not keep or modify its input. */
    Tensor features(Tensor images);

    /** The feature dimension D. */
    int dim();
}
