package dev.sfumato.diffusion.data;

import dev.sfumato.tensor.Tensor;

import java.util.Arrays;
import java.util.List;

/**
 * A finite, indexable set of images of one size [C, H, W], with an optional class label each.
 *
 * <p>Pixels are scaled linearly to [−1, 1], the DDPM convention (Ho et al. 2020, §4: "we assume that image
 * data consists of integers in {0, 1, ..., 255} scaled linearly to [−1, 1]"), so byte b becomes
 * {@code 2 b / 255 − 1}. Labels are class indices in [0, numClasses); an unlabeled dataset has
 * {@code numClasses() == 0} and {@link #label} returns −1.
 */
public interface ImageDataset {

    /** The number of images N. */
    int size();

    /** Channels C: 1 for grey, 3 for RGB. */
    int channels();

    /** Height H in pixels. */
    int height();

    /** Width W in pixels. */
    int width();

    /** The number of classes, 0 when the dataset is unlabeled. */
    int numClasses();

    /** Class names in label order (folder names, or the dataset's published names); empty when unlabeled. */
    List<String> classNames();

    /** Copies image {@code i}, [C, H, W] row-major in [−1, 1], into {@code dst[offset ..]}. */
    void copyImage(int i, float[] dst, int offset);

    /** The label of image {@code i} in [0, numClasses), or −1 when the dataset is unlabeled. */
    int label(int i);

    /** Image {@code i} as a new tensor [C, H, W] in [−1, 1]. */
    default Tensor image(int i) {
        float[] pixels = new float[channels() * height() * width()];
        copyImage(i, pixels, 0);
        return Tensor.wrap(pixels, channels(), height(), width()); // [C, H, W]
    }

    /** {@code [C, H, W]}. */
    default int[] imageShape() {
        return new int[] {channels(), height(), width()};
    }

    /**
     * Checks that the images have the size a model was configured for; otherwise an
     * {@link IllegalArgumentException} naming both sizes, so a 28×28 dataset never meets a 32×32 U-Net
     * silently.
     */
    default void requireImageSize(int c, int h, int w) {
        if (c != channels() || h != height() || w != width()) {
            throw new IllegalArgumentException("dataset images are [C, H, W] = " + Arrays.toString(imageShape())
                    + " but the model is configured for " + Arrays.toString(new int[] {c, h, w})
                    + "; resize the data (an image folder takes a size and a channel count) or configure the"
                    + " model for " + channels() + "x" + height() + "x" + width());
        }
    }
}
