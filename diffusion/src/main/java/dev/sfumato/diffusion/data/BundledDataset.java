package dev.sfumato.diffusion.data;

import dev.sfumato.nn.data.Idx;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.Map;

/**
 * The datasets shipped inside the jar, so the main job runs on a machine with no data installed.
 *
 * <p>{@link #fashionMnistSubset()}: 6,000 Fashion-MNIST training images, the first 600 of each class in
 * their original order (Xiao et al. 2017, MIT license; notice in the resource directory), made by
 * {@code diffusion/src/main/python/make_fashion_mnist_subset.py}.
 */
public final class BundledDataset {

    /** The classpath directory of the subset. */
    static final String SUBSET_RESOURCE = "/dev/sfumato/diffusion/data/fashion-mnist-subset/";

    /** Images in the subset, and per class. */
    public static final int SUBSET_SIZE = 6000;
    public static final int SUBSET_PER_CLASS = 600;

    private BundledDataset() {}

    /** The 6,000-image Fashion-MNIST subset: [1, 28, 28] in [−1, 1], 10 classes of 600 images. */
    public static IdxDataset fashionMnistSubset() {
        String images = SUBSET_RESOURCE + "train-images-idx3-ubyte.gz";
        String labels = SUBSET_RESOURCE + "train-labels-idx1-ubyte.gz";
        try {
            return IdxDataset.fromLabeledImages(Idx.readImagesAndLabels(resource(images), resource(labels)),
                    IdxDataset.Split.TRAIN, IdxDataset.FASHION_MNIST_CLASSES);
        } catch (IOException e) {
            throw new UncheckedIOException("the bundled Fashion-MNIST subset could not be read from the jar", e);
        }
    }

    /**
     * A classpath resource as a {@link Path}, so the IDX reader can open it: a plain file when the classes
     * are a directory (tests, IDE), a path in a zip file system when they are a jar.
     */
    private static Path resource(String name) throws IOException {
        URL url = BundledDataset.class.getResource(name);
        if (url == null) {
            throw new IOException("resource " + name + " is missing from the classpath; the jar was built without"
                    + " diffusion/src/main/resources");
        }
        try {
            URI uri = url.toURI();
            if (!"jar".equals(uri.getScheme())) {
                return Path.of(uri);
            }
            FileSystem fs;
            try {
                fs = FileSystems.newFileSystem(uri, Map.of()); // stays open: the jar is in use anyway
            } catch (FileSystemAlreadyExistsException e) {
                fs = FileSystems.getFileSystem(uri);
            }
            return fs.provider().getPath(uri);
        } catch (URISyntaxException e) {
            throw new IOException("resource " + name + " has an invalid URL " + url, e);
        }
    }
}
