package dev.sfumato.nn.data;

import dev.sfumato.tensor.Tensor;

/**
 * Images with one class label each, as {@link Idx#readImagesAndLabels} returns them.
 *
 * @param images [N, 1, H, W], pixel values scaled to [0, 1] (byte / 255, as torchvision's {@code ToTensor})
 * @param labels [N], class indices held as floats (Sfumato has one dtype)
 */
public record LabeledImages(Tensor images, Tensor labels) {}
