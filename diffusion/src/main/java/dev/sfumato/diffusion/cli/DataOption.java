package dev.sfumato.diffusion.cli;

import dev.sfumato.diffusion.data.BundledDataset;
import dev.sfumato.diffusion.data.IdxDataset;
import dev.sfumato.diffusion.data.ImageDataset;
import dev.sfumato.diffusion.data.ImageFolderDataset;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Turns the {@code --data} option into a dataset: {@code auto} (the system's Fashion-MNIST if installed,
 * else the subset bundled in the jar), {@code bundled}, a directory of MNIST-style IDX files, or a folder of
 * PNG/JPEG images.
 */
final class DataOption {

    private DataOption() {}

    static final String HOW_TO_GET = "Get Fashion-MNIST with `apt-get install dataset-fashion-mnist` (it lands in "
            + IdxDataset.DEFAULT_DIR + "), or pass --data DIR with the four IDX files or a folder of images,"
            + " or --data bundled for the 6,000-image subset inside the jar.";

    static ImageDataset resolve(String data, IdxDataset.Split split, int imageSize, int channels) throws IOException {
        if (data.equals("bundled")) {
            return BundledDataset.fashionMnistSubset();
        }
        if (data.equals("auto")) {
            if (Files.isDirectory(IdxDataset.DEFAULT_DIR)) {
                return IdxDataset.load(IdxDataset.DEFAULT_DIR, split);
            }
            System.err.println("note: " + IdxDataset.DEFAULT_DIR + " not found; using the 6,000-image subset bundled in the jar. "
                    + HOW_TO_GET);
            return BundledDataset.fashionMnistSubset();
        }
        Path dir = Path.of(data);
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("--data " + data + ": no such directory. " + HOW_TO_GET);
        }
        try (var files = Files.list(dir)) {
            boolean idx = files.anyMatch(p -> p.getFileName().toString().contains("-ubyte"));
            if (idx) {
                return IdxDataset.load(dir, split);
            }
        }
        return ImageFolderDataset.builder(dir).size(imageSize).channels(channels).load();
    }
}
