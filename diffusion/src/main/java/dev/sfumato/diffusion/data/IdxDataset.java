package dev.sfumato.diffusion.data;

import dev.sfumato.nn.data.Idx;
import dev.sfumato.nn.data.LabeledImages;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * MNIST or Fashion-MNIST from a directory holding the IDX files {@code train-images-idx3-ubyte},
 * {@code train-labels-idx1-ubyte}, {@code t10k-images-idx3-ubyte} and {@code t10k-labels-idx1-ubyte}, each
 * raw or gzipped ({@code .gz}), as [1, 28, 28] images in [−1, 1] with labels 0..9.
 *
 * <p>A missing directory or file gives a {@link NoSuchFileException} that says how to get the data:
 * {@code apt-get install dataset-fashion-mnist} (the files land in {@link #DEFAULT_DIR}), or {@code --data DIR}.
 */
public final class IdxDataset extends InMemoryDataset {

    /** Where Debian's dataset-fashion-mnist package puts the files. */
    public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");

    /** Fashion-MNIST's class names (Xiao et al. 2017, table 1), by label. */
    public static final List<String> FASHION_MNIST_CLASSES = List.of("T-shirt/top", "Trouser", "Pullover",
            "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    /** The two splits and their file-name prefixes. */
    public enum Split {
        TRAIN("train"),
        TEST("t10k");

        final String prefix;

        Split(String prefix) {
            this.prefix = prefix;
        }
    }

    private final Split split;

    private IdxDataset(float[] pixels, int n, int h, int w, int[] labels, List<String> classNames, Split split) {
        super(pixels, n, 1, h, w, labels, classNames);
        this.split = split;
    }

    /** The split this dataset was read from. */
    public Split split() {
        return split;
    }

    /**
     * The given split of the dataset in {@code dir}, with classes named "0", "1", ... (the IDX files do not
     * say whether they hold digits or clothes; see {@link #loadFashionMnist}).
     */
    public static IdxDataset load(Path dir, Split split) throws IOException {
        return load(dir, split, null);
    }

    /** As {@link #load}, with Fashion-MNIST's class names ({@link #FASHION_MNIST_CLASSES}). */
    public static IdxDataset loadFashionMnist(Path dir, Split split) throws IOException {
        return load(dir, split, FASHION_MNIST_CLASSES);
    }

    private static IdxDataset load(Path dir, Split split, List<String> classNames) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "no such directory; " + howToGetData());
        }
        Path images = find(dir, split.prefix + "-images-idx3-ubyte");
        Path labels = find(dir, split.prefix + "-labels-idx1-ubyte");
        return fromLabeledImages(Idx.readImagesAndLabels(images, labels), split, classNames);
    }

    /**
     * Wraps what {@link Idx#readImagesAndLabels} returned: [N, 1, H, W] in [0, 1] and labels [N]. The
     * classes are 0 .. max label, named by {@code classNames} (which must cover them) or, when null, by
     * their numbers.
     */
    static IdxDataset fromLabeledImages(LabeledImages data, Split split, List<String> classNames) {
        int[] shape = data.images().shape(); // [N, 1, H, W]
        float[] pixels = data.images().toArray();
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = pixels[i] * 2f - 1f; // [0, 1] -> [−1, 1] (Ho et al. 2020, §4)
        }
        float[] y = data.labels().toArray();
        int[] labels = new int[y.length];
        int classes = 0;
        for (int i = 0; i < y.length; i++) {
            labels[i] = (int) y[i];
            if (labels[i] != y[i] || labels[i] < 0) {
                throw new IllegalArgumentException("label " + y[i] + " of image " + i + " is not a class index");
            }
            classes = Math.max(classes, labels[i] + 1);
        }
        List<String> names = new ArrayList<>();
        if (classNames != null) {
            if (classes > classNames.size()) {
                throw new IllegalArgumentException("labels go up to " + (classes - 1) + " but only "
                        + classNames.size() + " class names are given");
            }
            names.addAll(classNames);
        } else {
            for (int k = 0; k < classes; k++) {
                names.add(Integer.toString(k));
            }
        }
        return new IdxDataset(pixels, shape[0], shape[2], shape[3], labels, names, split);
    }

    /** {@code dir/name.gz} or {@code dir/name}, whichever exists. */
    private static Path find(Path dir, String name) throws NoSuchFileException {
        for (String candidate : new String[] {name + ".gz", name}) {
            Path p = dir.resolve(candidate);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new NoSuchFileException(dir.resolve(name + "[.gz]").toString(), null,
                "no such file in " + dir + "; " + howToGetData());
    }

    private static String howToGetData() {
        return "get Fashion-MNIST with 'apt-get install dataset-fashion-mnist' (the files land in " + DEFAULT_DIR
                + "), or pass --data DIR with a directory that holds train-images-idx3-ubyte[.gz],"
                + " train-labels-idx1-ubyte[.gz], t10k-images-idx3-ubyte[.gz] and t10k-labels-idx1-ubyte[.gz]";
    }
}
