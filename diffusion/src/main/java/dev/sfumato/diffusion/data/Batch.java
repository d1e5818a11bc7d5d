package dev.sfumato.diffusion.data;

import dev.sfumato.tensor.Tensor;

/**
 * One mini-batch from a {@link DataLoader}.
 *
 * @param images [N, C, H, W] in [−1, 1]
 * @param labels [N] class indices as floats, or null when the dataset is unlabeled
 */
public record Batch(Tensor images, Tensor labels) {

    /** The number of images N. */
    public int size() {
        return images.size(0);
    }
}
