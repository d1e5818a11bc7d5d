package dev.sfumato.diffusion.data;

import java.util.List;
import java.util.Objects;

/**
 * An {@link ImageDataset} held in one float array [N, C, H, W] in [−1, 1] and an int array of labels.
 * The datasets that read files decode everything once at load time and extend this class.
 */
public abstract class InMemoryDataset implements ImageDataset {

    private final float[] pixels; // [N, C, H, W], in [−1, 1]
    private final int[] labels; // [N], or null when unlabeled
    private final int n;
    private final int c;
    private final int h;
    private final int w;
    private final List<String> classNames;

    /**
     * Takes ownership of {@code pixels} (N·C·H·W values in [−1, 1]) and {@code labels} (N values in
     * [0, classNames.size()), or null with an empty {@code classNames} for an unlabeled dataset).
     */
    protected InMemoryDataset(float[] pixels, int n, int c, int h, int w, int[] labels, List<String> classNames) {
        Objects.requireNonNull(pixels, "pixels");
        if (n < 0 || c < 1 || h < 1 || w < 1) {
            throw new IllegalArgumentException("dataset shape [N, C, H, W] must have N >= 0 and C, H, W >= 1, got ["
                    + n + ", " + c + ", " + h + ", " + w + "]");
        }
        if (pixels.length != (long) n * c * h * w) {
            throw new IllegalArgumentException("dataset shape [" + n + ", " + c + ", " + h + ", " + w + "] needs "
                    + (long) n * c * h * w + " pixels, got " + pixels.length);
        }
        if ((labels == null) != classNames.isEmpty()) {
            throw new IllegalArgumentException("labels and class names go together: got "
                    + (labels == null ? "no labels" : labels.length + " labels") + " and " + classNames.size()
                    + " class names");
        }
        if (labels != null) {
            if (labels.length != n) {
                throw new IllegalArgumentException("dataset has " + n + " images but " + labels.length + " labels");
            }
            for (int i = 0; i < n; i++) {
                if (labels[i] < 0 || labels[i] >= classNames.size()) {
                    throw new IllegalArgumentException("label " + labels[i] + " of image " + i + " is outside [0, "
                            + classNames.size() + ")");
                }
            }
        }
        this.pixels = pixels;
        this.labels = labels;
        this.n = n;
        this.c = c;
        this.h = h;
        this.w = w;
        this.classNames = List.copyOf(classNames);
    }

    @Override
    public int size() {
        return n;
    }

    @Override
    public int channels() {
        return c;
    }

    @Override
    public int height() {
        return h;
    }

    @Override
    public int width() {
        return w;
    }

    @Override
    public int numClasses() {
        return classNames.size();
    }

    @Override
    public List<String> classNames() {
        return classNames;
    }

    @Override
    public void copyImage(int i, float[] dst, int offset) {
        int per = c * h * w;
        System.arraycopy(pixels, Objects.checkIndex(i, n) * per, dst, offset, per);
    }

    @Override
    public int label(int i) {
        Objects.checkIndex(i, n);
        return labels == null ? -1 : labels[i];
    }
}
