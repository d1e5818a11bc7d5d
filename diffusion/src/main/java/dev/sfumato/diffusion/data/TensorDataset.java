package dev.sfumato.diffusion.data;

import dev.sfumato.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Images already in memory as a tensor [N, C, H, W] in [−1, 1], with optional labels [N]: generated
 * samples for evaluation, or data built in a test.
 */
public final class TensorDataset extends InMemoryDataset {

    private TensorDataset(float[] pixels, int[] shape, int[] labels, List<String> classNames) {
        super(pixels, shape[0], shape[1], shape[2], shape[3], labels, classNames);
    }

    /** Unlabeled images [N, C, H, W] in [−1, 1] (copied). */
    public static TensorDataset of(Tensor images) {
        return new TensorDataset(images.toArray(), checkedShape(images), null, List.of());
    }

    /**
     * Labeled images: [N, C, H, W] in [−1, 1] and labels [N] holding class indices in [0, numClasses) as
     * floats (copied). Class names are "0", "1", ...
     */
    public static TensorDataset of(Tensor images, Tensor labels, int numClasses) {
        int[] shape = checkedShape(images);
        if (labels.dim() != 1 || labels.size(0) != shape[0]) {
            throw new IllegalArgumentException("labels must be [N] = [" + shape[0] + "], got "
                    + Arrays.toString(labels.shape()));
        }
        float[] y = labels.toArray();
        int[] ints = new int[y.length];
        for (int i = 0; i < y.length; i++) {
            if (y[i] != Math.rint(y[i])) {
                throw new IllegalArgumentException("label " + y[i] + " of image " + i + " is not an integer");
            }
            ints[i] = (int) y[i];
        }
        List<String> names = new ArrayList<>();
        for (int k = 0; k < numClasses; k++) {
            names.add(Integer.toString(k));
        }
        return new TensorDataset(images.toArray(), shape, ints, names);
    }

    private static int[] checkedShape(Tensor images) {
        if (images.dim() != 4) {
            throw new IllegalArgumentException("images must be [N, C, H, W], got " + Arrays.toString(images.shape()));
        }
        return images.shape();
    }
}
